"""The knowledge base covers what the sources hold: every portrait, CoP, advies and instrument."""

from __future__ import annotations

from collections import Counter

import pytest

from kb.config import PROJECT_ROOT
from kb.content import check_content
from kb.content.files import ArticleFile

# Region portraits the content plan requires, by the region that must be findable.
INSPIRATIEREGIOS = [
    "utrecht", "de-meierij", "foodvalley", "noord-kennemerland", "zuid-kennemerland",
    "zuid-limburg", "almere", "twente", "leeuwarden", "noordoost-friesland", "holland-rijnland",
]  # fmt: skip
NJI_OOGO_REGIONS = [
    "achterhoek", "amsterdam", "de-meierij", "eemland", "groningen", "noord-limburg",
]  # fmt: skip
ECBO_NETWORKS = [
    "rijnmond", "zeeland", "groningen", "noord-kennemerland", "rivierenland", "ijssel-vecht",
]  # fmt: skip
SAMEN_OM_HET_KIND = ["utrecht", "noord-kennemerland", "leeuwarden", "den-haag", "almere"]
COMMUNITIES = [
    "cop-bestuurlijke-afspraken",
    "cop-preventief-jeugdbeleid",
    "cop-interprofessioneel-samenwerken",
    "cop-onderwijszorgarrangementen-en-financiering",
    "cop-monitoring",
]
INSTRUMENTS = [
    "preventiematrix", "monitor-aoj", "ontwikkelagenda", "regenboogmodel",
    "doelen-inspanningen-netwerk", "mkba-onderwijszorgarrangementen", "inclusieversneller",
]  # fmt: skip
BACKGROUND = ["oogo", "passend-onderwijs-en-jeugdwet", "van-18-min-naar-18-plus", "vavo",
              "spelers-en-verantwoordelijkheden", "onderwijszorgarrangementen"]  # fmt: skip
PRACTICE = ["kernpartneraanpak-utrecht", "thuiszitterscafe", "transformatieve-school",
            "school-als-wijk-groningen"]  # fmt: skip


@pytest.fixture(scope="module")
def articles() -> dict[str, ArticleFile]:
    """Every article in content/, validated (the repository content must be valid)."""
    _taxonomy, files, problems = check_content(PROJECT_ROOT / "content")
    assert not problems, "\n".join(map(str, problems[:30]))
    return {a.slug: a for a in files}


def _portraits_by_region(articles: dict[str, ArticleFile]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for article in articles.values():
        if article.kind == "regioportret":
            for region in article.regions:
                found.setdefault(region, []).append(article.slug)
    return found


def test_at_least_130_articles_from_every_source(articles: dict[str, ArticleFile]) -> None:
    assert len(articles) >= 130
    cited = Counter(src["id"] for a in articles.values() for src in a.sources)
    assert set(cited) == {
        "nji-2019-sterke-netwerken",
        "nji-2015-samen-om-het-kind",
        "handreiking-concretiseren-samenwerking",
        "mao-2020-voortgangsrapportage",
        "ecbo-2013-regionale-samenwerking",
    }


@pytest.mark.parametrize(
    "region", sorted(set(INSPIRATIEREGIOS + NJI_OOGO_REGIONS + ECBO_NETWORKS + SAMEN_OM_HET_KIND))
)
def test_every_required_region_has_a_portrait(
    articles: dict[str, ArticleFile], region: str
) -> None:
    assert _portraits_by_region(articles).get(region), f"no regioportret for {region}"


@pytest.mark.parametrize("slug", COMMUNITIES + INSTRUMENTS + BACKGROUND + PRACTICE)
def test_named_pages_exist(articles: dict[str, ArticleFile], slug: str) -> None:
    assert slug in articles


def test_five_communities_and_seven_advies_pages(articles: dict[str, ArticleFile]) -> None:
    kinds = Counter(a.kind for a in articles.values())
    assert kinds["community-of-practice"] == 5
    advies_pages = [a for a in articles.values() if a.kind == "advies"]
    assert sorted(n for a in advies_pages for n in a.advice) == [1, 2, 3, 4, 5, 6, 7]


def test_every_advies_and_theme_has_articles_besides_its_own_page(
    articles: dict[str, ArticleFile],
) -> None:
    from kb.content.taxonomy import load_taxonomy

    taxonomy, _ = load_taxonomy(PROJECT_ROOT / "content" / "taxonomy")
    ordinary = [a for a in articles.values() if a.kind not in ("advies", "community-of-practice")]
    for number in taxonomy.advice:
        assert any(number in a.advice for a in ordinary), f"advies {number} has no articles"
    for theme in taxonomy.themes:
        assert any(theme in a.themes for a in ordinary), f"theme {theme} has no articles"


def test_advies_pages_link_their_examples(articles: dict[str, ArticleFile]) -> None:
    for article in articles.values():
        if article.kind == "advies":
            assert article.rendered and len(article.rendered.links) >= 3, article.slug


def test_every_portrait_links_to_other_articles(articles: dict[str, ArticleFile]) -> None:
    for article in articles.values():
        if article.kind in ("regioportret", "community-of-practice"):
            assert article.rendered and article.rendered.links, article.slug
