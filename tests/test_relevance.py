"""Relevance on the real content: Dutch queries a member would type, each with the article that
must come back in the top 3. Grouped by the challenge they test; run against both search
backends (Whoosh, and PostgreSQL itself), which must both find every one."""

from __future__ import annotations

import pytest
from flask import Flask

from kb.models import Article, db
from kb.search import search

pytestmark = pytest.mark.relevance

PLURAL_SINGULAR = [
    ("thuiszittersprint", "thuiszittersprint-utrecht"),
    ("knooppunt Zuid-Limburg", "knooppunten-zuid-limburg"),
    ("verbinder", "verbinders"),
    ("aandeelhouder", "aandeelhouders"),
    ("basiselement arbeidstoeleiding", "veertien-basiselementen-arbeidstoeleiding"),
    ("jeugdondersteuner Leeuwarden", "jeugdondersteuners-kindcentra-leeuwarden"),
    ("inspiratieregio", "inspiratieregios"),
    ("checklist samenwerking onderwijs jeugdhulp", "doen-wat-werkt-checklists"),
    ("ouder van 18-plusser", "ouders-van-18-plussers-roc-mondriaan"),
]
COMPOUNDS = [
    ("onderwijs zorgarrangementen", "onderwijszorgarrangementen"),
    ("onderwijs-zorgarrangementen wie betaalt", "onderwijszorgarrangementen"),
    ("onderwijsjeugdhulparrangement Almere", "onderwijs-jeugdhulparrangementen-almere"),
    ("thuiszitters café", "thuiszitterscafe"),
    ("1000-jongerenplan", "1000-jongerenplan-overijssel"),
    ("1000 jongerenplan Overijssel", "1000-jongerenplan-overijssel"),
    ("jeugdverpleegkundige", "proeftuin-jeugdverpleegkundige-en-smw-den-bosch"),
    ("brugfunctionaris", "brugfunctionaris-eemland"),
    ("18+", "van-18-min-naar-18-plus"),
    ("17-jarigen vavo", "vavo"),
    ("cluster 4-arrangement", "cluster-4-arrangement-dichter-bij-huis"),
    ("thuiszitters aanpak Noord-Kennemerland", "thuiszittersaanpak-noord-kennemerland"),
]
ACCENTS = [
    ("continuiteit onderwijszorgarrangementen", "continuiteit-onderwijszorgarrangementen"),
    ("thuiszitterscafe", "thuiszitterscafe"),
    ("Entree XXL", "entree-xxl-ijssel-vecht"),
    ("cooperatie entree-opleiding", "entree-xxl-ijssel-vecht"),
    ("Harriet Smit", "harriet-smit-passend-onderwijs-niet-perfect"),
    ("Mét andere ogen adviesrapport", "adviesrapport-met-andere-ogen"),
    ("zorgcoordinatoren", "ib-er-en-zorgcoordinatoren-aan-het-woord"),
]
ABBREVIATIONS = [
    ("OZA mbo", "oza-in-het-mbo"),
    ("OOGO", "oogo"),
    ("MKBA", "mkba-onderwijszorgarrangementen"),
    ("maatschappelijke kosten-batenanalyse", "mkba-onderwijszorgarrangementen"),
    ("SWPBS mbo", "passend-onderwijzen-roc-midden-nederland"),
    ("DIN", "doelen-inspanningen-netwerk"),
    ("ZAT multidisciplinair", "van-zat-naar-multidisciplinair-overleg"),
    ("zorg- en adviesteam", "van-zat-naar-multidisciplinair-overleg"),
    ("smw Den Bosch", "proeftuin-jeugdverpleegkundige-en-smw-den-bosch"),
    ("monitor AOJ", "monitor-aoj"),
    ("ITB jeugdzorg", "individuele-trajectbegeleiders-jeugdzorg"),
    ("SAW Leeuwarden", "school-als-werkplaats-leeuwarden"),
    ("ZSM", "regioportret-zeeland"),
    ("VSV regiomiddelen", "regiomiddelen-vsv-groningen"),
]
REGION_ALIASES = [
    ("schoolagent 's-Hertogenbosch", "schoolagent-den-bosch"),
    ("Den Bosch traject op maat", "traject-op-maat-den-bosch"),
    ("Meijerij pilot jeugdhulp", "pilot-jeugdhulp-en-onderwijs-de-meierij"),
]
TYPOS = [
    ("thuiszitterscfe", "thuiszitterscafe"),
    ("preventiematirx", "preventiematrix"),
    ("regenboogmdel", "regenboogmodel"),
    ("inclusieversnelller", "inclusieversneller"),
    ("schoolagnet", "schoolagent-den-bosch"),
    ("brugfunctionairs", "brugfunctionaris-eemland"),
]
CONCEPTS = [
    ("hulp die doorloopt na de achttiende verjaardag", "van-18-min-naar-18-plus"),
    ("politie op school", "schoolagent-den-bosch"),
    ("leerlingen met autisme", "autismeklas-en-beter-passend-klas"),
    ("alternatief voor uithuisplaatsing", "school2care-amsterdam"),
    ("onafhankelijke arts beslist over vrijstelling", "beoordelingstafel-thuiszitters-amersfoort"),
    ("ouders leren mee in de klas", "familieklass-denemarken-veenendaal"),
    ("wat leerden de regio's in het voorjaar van corona", "samenwerken-in-coronatijd"),
    ("wat bepaalt de ontwikkelkansen van een kind", "regenboogmodel"),
]

CASES = [
    pytest.param(query, slug, id=f"{group}:{query}")
    for group, cases in (
        ("enkelvoud-meervoud", PLURAL_SINGULAR),
        ("samenstelling", COMPOUNDS),
        ("accent", ACCENTS),
        ("afkorting", ABBREVIATIONS),
        ("regio-alias", REGION_ALIASES),
        ("typfout", TYPOS),
        ("begrip", CONCEPTS),
    )
    for query, slug in cases
]


def test_the_set_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("query", "slug"), CASES)
def test_expected_article_in_top_3(backend_content_app: Flask, query: str, slug: str) -> None:
    with backend_content_app.app_context():
        ids = search(query, per_page=3).ids
        slugs = [db.session.get(Article, i).slug for i in ids]
    assert slug in slugs, f"{query!r}: {slugs}"
