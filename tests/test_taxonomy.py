"""The taxonomy online: counts, rename with 301, merge, retire, synonyms, history and undo.

Real parts throughout: a migrated SQLite file, the real index on disk (searched after each
commit), the real forms through the test client with CSRF.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from kb import search, taxonomy
from kb.content import sync_content
from kb.models import (
    Article,
    Call,
    Collection,
    Follow,
    IndexChange,
    Region,
    SearchLog,
    Submission,
    SynonymGroup,
    TaxonomyChange,
    Theme,
    db,
)
from tests.support.accounts import csrf, login, make_user
from tests.support.app import build_app, load_content

BASE = "/redactie/taxonomie"


def _editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    return client


def _post(client: FlaskClient, path: str, **data: object):
    return client.post(path, data={"csrf_token": csrf(client, BASE + "/"), **data})


def _theme_articles(app: Flask, slug: str) -> set[str]:
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
        if theme is None:
            return set()
        stmt = select(Article.slug).where(Article.themes.contains(theme))
        return set(db.session.scalars(stmt))


def _found(app: Flask, text: str = "", **filters: list[str]) -> set[int]:
    with app.app_context():
        return set(search.search(text, filters, per_page=100).ids)


def _ids(app: Flask, slugs: set[str]) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Article.id).where(Article.slug.in_(slugs))))


# --- the list ---------------------------------------------------------------------------------


def test_overview_counts_every_vocabulary_in_one_query(app: Flask) -> None:
    with app.app_context():
        statements: list[str] = []
        engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            counts = taxonomy.article_counts()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(statements) == 1
        theme = db.session.scalar(
            select(Theme).where(Theme.slug == "interprofessioneel-samenwerken")
        )
        assert counts["theme"][theme.id] == 2
        assert counts["advice"][1] == 2 and counts["advice"][4] == 2
    page = _editor(app).get(BASE + "/").get_data(as_text=True)
    assert "Interprofessioneel samenwerken" in page and "Advies 7:" in page
    assert "Uitfaseren</strong> haalt" in page


# --- rename -----------------------------------------------------------------------------------


def test_rename_keeping_the_slug_changes_the_label_and_the_index(app: Flask) -> None:
    client = _editor(app)
    response = _post(client, f"{BASE}/thema/financiering", label="Geld en poreuze randen",
                     slug="financiering", description="Over geld.")  # fmt: skip
    assert response.status_code == 303
    assert "Geld en poreuze randen" in client.get("/thema/financiering").get_data(as_text=True)
    with app.app_context():
        assert taxonomy.redirect_map() == {}


def test_rename_with_a_new_slug_answers_301_from_the_old_address(app: Flask) -> None:
    client = _editor(app)
    before = _theme_articles(app, "interprofessioneel-samenwerken")
    response = _post(client, f"{BASE}/thema/interprofessioneel-samenwerken",
                     label="Samen in en om de school", slug="samen-om-de-school")  # fmt: skip
    assert response.status_code == 303
    old = app.test_client().get("/thema/interprofessioneel-samenwerken?sorteer=nieuw")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/thema/samen-om-de-school?sorteer=nieuw")
    feed = app.test_client().get("/thema/interprofessioneel-samenwerken/feed")
    assert feed.status_code == 301 and feed.headers["Location"].endswith(
        "/thema/samen-om-de-school/feed"
    )
    assert app.test_client().get("/thema/samen-om-de-school").status_code == 200
    assert _theme_articles(app, "samen-om-de-school") == before
    # The index followed after the commit: the facet value is the new slug.
    assert _found(app, theme=["samen-om-de-school"]) == _ids(app, before)
    assert _found(app, theme=["interprofessioneel-samenwerken"]) == set()


def test_a_chain_of_renames_redirects_in_one_step(app: Flask) -> None:
    client = _editor(app)
    _post(client, f"{BASE}/thema/monitoring", label="Monitoring", slug="meten")
    _post(client, f"{BASE}/thema/meten", label="Monitoring", slug="meten-en-weten")
    response = app.test_client().get("/thema/monitoring")
    assert response.status_code == 301 and response.headers["Location"].endswith(
        "/thema/meten-en-weten"
    )


def test_a_taken_or_malformed_slug_is_refused_and_the_form_keeps_the_input(app: Flask) -> None:
    client = _editor(app)
    taken = _post(client, f"{BASE}/thema/monitoring", label="Nieuwe naam", slug="financiering")
    page = taken.get_data(as_text=True)
    assert taken.status_code == 400 and "al in gebruik" in page and "Nieuwe naam" in page
    bad = _post(client, f"{BASE}/thema/monitoring", label="Monitoring", slug="Met Spaties")
    assert bad.status_code == 400 and "kleine letters" in bad.get_data(as_text=True)


def test_region_coordinates_are_checked_and_saved(app: Flask) -> None:
    client = _editor(app)
    form = {"name": "Almere", "slug": "almere", "aliases": "Almere-Stad\nAlmere Buiten",
            "provinces": "Flevoland", "municipalities": "Almere"}  # fmt: skip
    outside = _post(client, f"{BASE}/regio/almere", lat="48,1", lon="5,2", **form)
    assert outside.status_code == 400 and "niet in Nederland" in outside.get_data(as_text=True)
    half = _post(client, f"{BASE}/regio/almere", lat="52,37", lon="", **form)
    assert half.status_code == 400 and "allebei" in half.get_data(as_text=True)
    assert _post(client, f"{BASE}/regio/almere", lat="52,37", lon="5,21", **form).status_code == 303
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "almere"))
        assert (region.lat, region.lon) == (52.37, 5.21)
        assert region.aliases == ["Almere-Stad", "Almere Buiten"]
    # The alias is in the index documents of the region's articles (queued, indexed after commit).
    assert _found(app, "Almere-Stad") == _ids(app, {"oke-op-school-test",
                                                    "regioportret-testregio"})  # fmt: skip


def test_an_advies_text_can_be_changed(app: Flask) -> None:
    client = _editor(app)
    assert (
        _post(client, f"{BASE}/advies/5", label="Monitoring op het juiste niveau").status_code
        == 303
    )
    assert "Monitoring op het juiste niveau" in app.test_client().get("/adviezen").get_data(
        as_text=True
    )


def test_adding_a_theme_puts_it_in_the_submission_form(app: Flask) -> None:
    client = _editor(app)
    response = _post(client, f"{BASE}/thema/nieuw", label="Digitale geletterdheid",
                     slug="digitale-geletterdheid", description="")  # fmt: skip
    assert response.status_code == 303
    assert 'value="digitale-geletterdheid"' in client.get("/voorbeeld-indienen").get_data(
        as_text=True
    )


# --- merge ------------------------------------------------------------------------------------


def test_merge_retags_every_article_and_the_index_follows(app: Flask) -> None:
    client = _editor(app)
    source = _theme_articles(app, "preventief-jeugdbeleid")
    target = _theme_articles(app, "bestuurlijke-afspraken")
    assert source - target, "the fixture must have an article that only the source has"
    response = _post(client, f"{BASE}/thema/preventief-jeugdbeleid/samenvoegen",
                     **{"samenvoegen-target": "bestuurlijke-afspraken"})  # fmt: skip
    assert response.status_code == 303
    assert _theme_articles(app, "bestuurlijke-afspraken") == source | target
    with app.app_context():
        assert taxonomy.find_theme("preventief-jeugdbeleid") is None
        theme = taxonomy.find_theme("bestuurlijke-afspraken")
        assert taxonomy.article_counts()["theme"][theme.id] == len(source | target)
    old = app.test_client().get("/thema/preventief-jeugdbeleid")
    assert old.status_code == 301 and old.headers["Location"].endswith(
        "/thema/bestuurlijke-afspraken"
    )
    assert _found(app, theme=["bestuurlijke-afspraken"]) == _ids(app, source | target)
    page = app.test_client().get("/thema/bestuurlijke-afspraken").get_data(as_text=True)
    assert f"{len(source | target)} artikel" in page


def test_undo_of_a_merge_gives_the_articles_their_tags_back(app: Flask) -> None:
    client = _editor(app)
    source = _theme_articles(app, "preventief-jeugdbeleid")
    target = _theme_articles(app, "bestuurlijke-afspraken")
    _post(client, f"{BASE}/thema/preventief-jeugdbeleid/samenvoegen",
          **{"samenvoegen-target": "bestuurlijke-afspraken"})  # fmt: skip
    with app.app_context():
        entry = db.session.scalar(select(TaxonomyChange).where(TaxonomyChange.action == "merge"))
    assert _post(client, f"{BASE}/geschiedenis/{entry.id}/ongedaan").status_code == 303
    assert _theme_articles(app, "preventief-jeugdbeleid") == source
    assert _theme_articles(app, "bestuurlijke-afspraken") == target
    assert app.test_client().get("/thema/preventief-jeugdbeleid").status_code == 200
    assert _found(app, theme=["preventief-jeugdbeleid"]) == _ids(app, source)
    assert _found(app, theme=["bestuurlijke-afspraken"]) == _ids(app, target)
    history = client.get(f"{BASE}/geschiedenis").get_data(as_text=True)
    assert "Ongedaan: Thema ‘Positief en preventief jeugdbeleid’ samengevoegd" in history


def test_a_theme_cannot_merge_into_itself_or_nothing(app: Flask) -> None:
    client = _editor(app)
    response = _post(client, f"{BASE}/thema/monitoring/samenvoegen", **{"samenvoegen-target": ""})
    assert response.status_code == 303
    with app.app_context():
        assert taxonomy.find_theme("monitoring") is not None


# --- retire -----------------------------------------------------------------------------------


def test_a_retired_theme_is_no_longer_offered_but_articles_keep_it(app: Flask) -> None:
    client = _editor(app)
    slug = "preventief-jeugdbeleid"
    assert _post(client, f"{BASE}/thema/{slug}/uitfaseren").status_code == 303
    assert f'value="{slug}"' not in client.get("/voorbeeld-indienen").get_data(as_text=True)
    results = app.test_client().get("/zoeken?q=jeugdhulp").get_data(as_text=True)
    assert f'id="f-theme-{slug}"' not in results
    article = app.test_client().get("/artikel/oke-op-school-test").get_data(as_text=True)
    assert "Positief en preventief jeugdbeleid" in article
    # The editor's article form keeps it, so saving the article does not drop the theme.
    edit = client.get("/redactie/artikelen/oke-op-school-test").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]* value="{slug}"', edit)
    assert app.test_client().get(f"/thema/{slug}").status_code == 200
    assert "Uitgefaseerd:" in client.get(f"{BASE}/thema/{slug}").get_data(as_text=True)
    _post(client, f"{BASE}/thema/{slug}/terugzetten")
    assert f'value="{slug}"' in client.get("/voorbeeld-indienen").get_data(as_text=True)


# --- synonyms ---------------------------------------------------------------------------------


def test_preview_shows_what_a_query_also_searches_on_and_saves_nothing(app: Flask) -> None:
    client = _editor(app)
    response = _post(client, f"{BASE}/synoniemen/nieuw", terms="OKé\nschooltraining",
                     probe="schooltraining", actie="voorbeeld")  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "zoekt nu ook op: OKé" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TaxonomyChange)) == 0
        assert not any("schooltraining" in g.terms for g in taxonomy.synonym_groups())
    with app.app_context():
        oogo = next(g for g in taxonomy.synonym_groups() if "OOGO" in g.terms)
        terms = "%0A".join([*oogo.terms, "overlegtafel"])
    data = client.get(f"{BASE}/synoniemen/voorbeeld?groep={oogo.id}&termen={terms}").get_json()
    rows = {row["query"]: row for row in data["rows"]}
    assert "overlegtafel" in rows["OOGO"]["after"] and "overlegtafel" not in rows["OOGO"]["now"]
    assert "op overeenstemming gericht overleg" in rows["OOGO"]["now"]


def test_a_saved_synonym_works_at_once_without_a_reindex(app: Flask) -> None:
    client = _editor(app)
    assert _found(app, "schooltraining") == set()
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(IndexChange))
    response = _post(client, f"{BASE}/synoniemen/nieuw", terms="schooltraining, OKé",
                     actie="opslaan")  # fmt: skip
    assert response.status_code == 303
    assert _found(app, "schooltraining") == _ids(app, {"oke-op-school-test"})
    with app.app_context():  # nothing was queued for the index: only the query changed
        assert db.session.scalar(select(func.count()).select_from(IndexChange)) == logged
    results = app.test_client().get("/zoeken?q=schooltraining").get_data(as_text=True)
    assert "OKé-op-school" in results


def test_synonym_groups_are_validated_and_keep_what_was_typed(app: Flask) -> None:
    client = _editor(app)
    one = _post(client, f"{BASE}/synoniemen/nieuw", terms="eenzaam", actie="opslaan")
    assert one.status_code == 400 and "minstens twee termen" in one.get_data(as_text=True)
    assert "eenzaam" in one.get_data(as_text=True)
    twice = _post(client, f"{BASE}/synoniemen/nieuw", terms="OOGO\noverlegtafel", actie="opslaan")
    assert twice.status_code == 400 and "staat al in de groep" in twice.get_data(as_text=True)


def test_a_query_from_zoekanalyse_opens_the_synonym_form_prefilled(app: Flask) -> None:
    with app.app_context():
        for _ in range(3):
            db.session.add(SearchLog(query="zorgadviesteam", normalised="zorgadviesteam"))
        db.session.commit()
    client = _editor(app)
    page = client.get("/redactie/zoekanalyse/").get_data(as_text=True)
    link = f"{BASE}/synoniemen/nieuw?term=zorgadviesteam"
    assert link in page and "Toevoegen als synoniem" in page
    assert "Start een oproep" in page and "Zoek zelf" in page
    form = client.get(link).get_data(as_text=True)
    assert re.search(r">\s*zorgadviesteam</textarea>", form)


# --- history and undo -------------------------------------------------------------------------


def test_every_change_is_recorded_with_who_and_before_and_after(app: Flask) -> None:
    client = _editor(app)
    _post(client, f"{BASE}/thema/monitoring", label="Meten", slug="monitoring")
    _post(client, f"{BASE}/sector/vavo/uitfaseren")
    _post(client, f"{BASE}/synoniemen/nieuw", terms="x-term\ny-term", actie="opslaan")
    with app.app_context():
        rows = db.session.scalars(select(TaxonomyChange).order_by(TaxonomyChange.id)).all()
        assert [r.action for r in rows] == ["edit", "retire", "synonym-add"]
        assert rows[0].before["label"] == "Monitoring en data" and rows[0].after["label"] == "Meten"
        assert rows[0].user.role == "editor"
        assert rows[1].before["retired"] is False and rows[1].after["retired"] is True
    page = client.get(f"{BASE}/geschiedenis").get_data(as_text=True)
    assert "Thema ‘Monitoring en data’ gewijzigd" in page and "Editor Tester" in page


def test_undo_of_a_rename_brings_back_the_old_slug(app: Flask) -> None:
    client = _editor(app)
    _post(client, f"{BASE}/thema/monitoring", label="Meten", slug="meten")
    with app.app_context():
        entry = db.session.scalar(select(TaxonomyChange))
    _post(client, f"{BASE}/geschiedenis/{entry.id}/ongedaan")
    assert app.test_client().get("/thema/monitoring").status_code == 200
    back = app.test_client().get("/thema/meten")
    assert back.status_code == 301 and back.headers["Location"].endswith("/thema/monitoring")
    with app.app_context():
        assert taxonomy.find_theme("monitoring").label == "Monitoring en data"
        assert taxonomy.entry(entry.id).undone_at is not None
    again = _post(client, f"{BASE}/geschiedenis/{entry.id}/ongedaan")
    assert "niet (meer) ongedaan" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_undo_refuses_when_the_row_changed_since(app: Flask) -> None:
    client = _editor(app)
    _post(client, f"{BASE}/thema/monitoring", label="Meten", slug="monitoring")
    _post(client, f"{BASE}/thema/monitoring", label="Weten", slug="monitoring")
    with app.app_context():
        first = db.session.scalar(select(TaxonomyChange).order_by(TaxonomyChange.id))
    response = _post(client, f"{BASE}/geschiedenis/{first.id}/ongedaan")
    assert "daarna nog gewijzigd" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert taxonomy.find_theme("monitoring").label == "Weten"


def test_undo_of_synonym_changes(app: Flask) -> None:
    client = _editor(app)
    _post(client, f"{BASE}/synoniemen/nieuw", terms="schooltraining, OKé", actie="opslaan")
    assert _found(app, "schooltraining")
    with app.app_context():
        entry = db.session.scalar(select(TaxonomyChange))
    _post(client, f"{BASE}/geschiedenis/{entry.id}/ongedaan")
    assert _found(app, "schooltraining") == set()
    with app.app_context():
        group = db.session.scalar(select(SynonymGroup).where(SynonymGroup.id == 1))
    _post(client, f"{BASE}/synoniemen/{group.id}/verwijderen")
    with app.app_context():
        deleted = db.session.scalar(
            select(TaxonomyChange).where(TaxonomyChange.action == "synonym-delete")
        )
    _post(client, f"{BASE}/geschiedenis/{deleted.id}/ongedaan")
    with app.app_context():
        assert any(list(g.terms) == list(group.terms) for g in taxonomy.synonym_groups())


def test_undo_of_an_added_theme_removes_it(app: Flask) -> None:
    client = _editor(app)
    _post(client, f"{BASE}/thema/nieuw", label="Tijdelijk", slug="tijdelijk", description="")
    with app.app_context():
        entry = db.session.scalar(select(TaxonomyChange))
    _post(client, f"{BASE}/geschiedenis/{entry.id}/ongedaan")
    with app.app_context():
        assert taxonomy.find_theme("tijdelijk") is None


# --- the files stay the portable form ---------------------------------------------------------


def test_sync_loads_retired_flags_and_redirects_from_the_files(
    app: Flask, content_dir: Path
) -> None:
    themes = content_dir / "taxonomy" / "themes.yml"
    themes.write_text(
        themes.read_text(encoding="utf-8").replace(
            "- slug: monitoring\n", "- slug: monitoring\n  retired: true\n"
        ),
        encoding="utf-8",
    )
    (content_dir / "taxonomy" / "redirects.yml").write_text(
        "- {kind: theme, from: meten-en-weten, to: monitoring}\n", encoding="utf-8"
    )
    load_content(app)
    with app.app_context():
        assert taxonomy.find_theme("monitoring").retired is True
    response = app.test_client().get("/thema/meten-en-weten")
    assert response.status_code == 301 and response.headers["Location"].endswith(
        "/thema/monitoring"
    )
    (content_dir / "taxonomy" / "redirects.yml").write_text(
        "- {kind: theme, from: oud, to: bestaat-niet}\n", encoding="utf-8"
    )
    with app.app_context():
        _report, problems = sync_content(content_dir)
    assert any("onbekende slug 'bestaat-niet'" in str(p) for p in problems)


@pytest.mark.postgres
def test_merge_rename_and_undo_on_postgresql(
    postgres_url: str, tmp_path: Path, content_dir: Path
) -> None:
    app = build_app(tmp_path, content_dir, DATABASE_URL=postgres_url)
    load_content(app)
    client = _editor(app)
    source = _theme_articles(app, "preventief-jeugdbeleid")
    target = _theme_articles(app, "bestuurlijke-afspraken")
    _post(client, f"{BASE}/thema/preventief-jeugdbeleid/samenvoegen",
          **{"samenvoegen-target": "bestuurlijke-afspraken"})  # fmt: skip
    _post(client, f"{BASE}/regio/almere", name="Almere", slug="almere-flevoland", lat="52,37",
          lon="5,21")  # fmt: skip
    assert client.get(f"{BASE}/").status_code == 200  # the grouped count query runs here
    assert _found(app, theme=["bestuurlijke-afspraken"]) == _ids(app, source | target)
    assert app.test_client().get("/regio/almere").status_code == 301
    with app.app_context():
        merge = db.session.scalar(select(TaxonomyChange).where(TaxonomyChange.action == "merge"))
    _post(client, f"{BASE}/geschiedenis/{merge.id}/ongedaan")
    assert _theme_articles(app, "preventief-jeugdbeleid") == source
    assert _theme_articles(app, "bestuurlijke-afspraken") == target
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the server goes away


def test_follows_calls_lists_and_open_submissions_follow_a_rename_and_a_merge(app: Flask) -> None:
    member = make_user(app, role="member")
    with app.app_context():
        db.session.add_all([
            Follow(user_id=member.id, kind="theme", target="monitoring", name="Monitoring"),
            Follow(user_id=member.id, kind="theme", target="financiering", name="Geld"),
            Follow(user_id=member.id, kind="theme", target="arbeidstoeleiding", name="Werk"),
            Call(title="Oproep", theme_slug="monitoring"),
            Collection(slug="lijst", title="Lijst", context_kind="theme", context_key="monitoring"),
            Submission(token_hash="x" * 64, title="Inzending", status="submitted",
                       themes=["monitoring", "financiering"]),
        ])  # fmt: skip
        db.session.commit()
    client = _editor(app)
    _post(client, f"{BASE}/thema/monitoring", label="Monitoring", slug="meten")
    _post(client, f"{BASE}/thema/arbeidstoeleiding/samenvoegen",
          **{"samenvoegen-target": "financiering"})  # fmt: skip
    with app.app_context():
        follows = set(db.session.scalars(select(Follow.target).where(Follow.user_id == member.id)))
        assert follows == {"meten", "financiering"}  # the merged follow is not doubled
        assert db.session.scalar(select(Call.theme_slug)) == "meten"
        assert db.session.scalar(select(Collection.context_key)) == "meten"
        assert db.session.scalar(select(Submission.themes)) == ["meten", "financiering"]


def test_a_sector_rename_reaches_the_index_and_a_retire_can_be_undone(app: Flask) -> None:
    client = _editor(app)
    before = _found(app, sector=["po"])
    assert before
    _post(client, f"{BASE}/sector/po", label="Basisonderwijs", slug="basisonderwijs")
    assert _found(app, sector=["basisonderwijs"]) == before and _found(app, sector=["po"]) == set()
    _post(client, f"{BASE}/sector/basisonderwijs/uitfaseren")
    with app.app_context():
        entry = db.session.scalar(select(TaxonomyChange).where(TaxonomyChange.action == "retire"))
    _post(client, f"{BASE}/geschiedenis/{entry.id}/ongedaan")
    assert 'value="basisonderwijs"' in client.get("/voorbeeld-indienen").get_data(as_text=True)
