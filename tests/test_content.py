"""Content import: validation with clear errors, idempotent sync, and online edits never lost."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from kb.config import PROJECT_ROOT
from kb.content import check_content, style_warnings, sync_content
from kb.content.originality import SourceIndex
from kb.models import Article, ArticleRevision, Citation, IndexChange, db, utcnow

FIXTURE_SLUGS = {"oke-op-school-test", "oogo-test", "regioportret-testregio"}


def _sync(app: Flask, force: frozenset[str] = frozenset()):
    with app.app_context():
        return sync_content(Path(app.config["CONTENT_DIR"]), force)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_sync_loads_articles_with_taxonomy_and_citation(app: Flask) -> None:
    with app.app_context():
        slugs = set(db.session.scalars(select(Article.slug)))
        assert slugs == FIXTURE_SLUGS
        article = db.session.scalar(select(Article).filter_by(slug="oke-op-school-test"))
        assert article.kind.slug == "praktijkvoorbeeld"
        assert [r.slug for r in article.regions] == ["almere"]
        assert [a.number for a in article.advice] == [1]
        assert {t.slug for t in article.themes} == {
            "preventief-jeugdbeleid",
            "interprofessioneel-samenwerken",
        }
        assert article.citations[0].source.publisher == "Nederlands Jeugdinstituut"
        assert 'href="/artikel/regioportret-testregio"' in article.body_html
        assert article.status == "published" and article.origin == "content"
        assert article.file_checksum and article.checksum


def test_resync_is_idempotent(app: Flask) -> None:
    report, problems = _sync(app)
    assert not problems
    assert (report.created, report.updated, report.unchanged) == ([], [], 3)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 3
        assert db.session.scalar(select(func.count()).select_from(Citation)) == 3


def test_changed_file_updates_only_that_article(app: Flask, content_dir: Path) -> None:
    _replace(content_dir / "articles" / "oogo-test.md", "Het OOGO uitgelegd (test)", "OOGO (test)")
    report, problems = _sync(app)
    assert not problems
    assert report.updated == ["oogo-test"] and report.unchanged == 2
    with app.app_context():
        assert db.session.scalar(select(Article.title).filter_by(slug="oogo-test")) == "OOGO (test)"
        # The change is queued for the index in the same transaction.
        assert db.session.scalar(select(func.count()).select_from(IndexChange)) >= 1


def test_invalid_files_report_every_problem_with_file_and_field(app: Flask, write_article) -> None:
    write_article(
        "kapot",
        "---\ntitle: Kapot\nkind: onzin\nsummary: te kort\nregions: [atlantis]\n"
        "themes: [geen-thema]\nadvice: [9]\nreference_date: gisteren\nsources: []\n"
        "kleur: rood\n---\n\n# Kop\n\nZie [weg](bestaat-niet.md).\n",
    )
    report, problems = _sync(app)
    found = {(Path(p.path).name, p.field) for p in problems}
    assert {
        ("kapot.md", "kind"),
        ("kapot.md", "summary"),
        ("kapot.md", "regions"),
        ("kapot.md", "themes"),
        ("kapot.md", "advice"),
        ("kapot.md", "reference_date"),
        ("kapot.md", "sources"),
        ("kapot.md", "kleur"),
        ("kapot.md", "body"),
    } <= found
    messages = " ".join(p.message for p in problems)
    assert "onbekende soort 'onzin'" in messages
    assert "onbekend artikel 'bestaat-niet.md'" in messages
    # Nothing was written: the run is all or nothing.
    assert report.created == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 3


def test_broken_yaml_and_duplicate_title_are_reported(app: Flask, write_article) -> None:
    write_article("yaml-stuk", "---\ntitle: [niet gesloten\n---\ntekst\n")
    original = (Path(app.config["CONTENT_DIR"]) / "articles" / "oogo-test.md").read_text()
    write_article("oogo-kopie", original)
    _report, problems = _sync(app)
    by_file = {(Path(p.path).name, p.field): p.message for p in problems}
    assert "geen geldige YAML" in by_file[("yaml-stuk.md", "front matter")]
    duplicate = [m for (name, field), m in by_file.items() if field == "title"]
    assert len(duplicate) == 1 and "zelfde titel als" in duplicate[0]


def test_missing_required_section_is_reported(app: Flask, content_dir: Path) -> None:
    _replace(content_dir / "articles" / "oke-op-school-test.md", "## Lessen", "## Inzichten")
    _report, problems = _sync(app)
    assert any("'## Lessen' ontbreekt" in p.message for p in problems)


def test_online_edit_is_never_overwritten_by_a_sync(app: Flask, content_dir: Path) -> None:
    with app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug="oogo-test"))
        article.title = "Online verbeterde titel"
        article.edited_online_at = utcnow()
        db.session.commit()
    _replace(content_dir / "articles" / "oogo-test.md", "Het OOGO uitgelegd (test)", "Bestand")
    report, problems = _sync(app)
    assert not problems and report.conflicts == ["oogo-test"] and report.updated == []
    with app.app_context():
        title = db.session.scalar(select(Article.title).filter_by(slug="oogo-test"))
        assert title == "Online verbeterde titel"

    report, _ = _sync(app, force=frozenset({"oogo-test"}))
    assert report.updated == ["oogo-test"]
    with app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug="oogo-test"))
        assert article.title == "Bestand" and article.edited_online_at is None
        revision = db.session.scalar(select(ArticleRevision).filter_by(article_id=article.id))
        assert revision.data["title"] == "Online verbeterde titel"


def test_removed_file_unpublishes_but_keeps_the_article(app: Flask, content_dir: Path) -> None:
    (content_dir / "articles" / "oogo-test.md").unlink()
    # The other fixtures do not link to oogo-test, so the rest stays valid.
    report, problems = _sync(app)
    assert not problems and report.unpublished == ["oogo-test"]
    with app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug="oogo-test"))
        assert article.status == "unpublished"
    assert app.test_client().get("/artikel/oogo-test").status_code == 404


def test_check_content_accepts_the_fixture_content(content_dir: Path) -> None:
    taxonomy, articles, problems = check_content(content_dir)
    assert not problems
    assert len(articles) == 3 and len(taxonomy.themes) == 15 and len(taxonomy.advice) == 7


def test_check_content_cli_names_file_and_field(empty_app: Flask, write_article) -> None:
    runner = empty_app.test_cli_runner()
    ok: Result = runner.invoke(args=["kb", "check-content", "--no-sources"])
    assert ok.exit_code == 0, ok.output
    assert "OK: 3 artikelen" in ok.output
    write_article("stuk", "---\ntitle: Stuk\n---\n\nTekst\n")
    bad = runner.invoke(args=["kb", "check-content", "--no-sources"])
    assert bad.exit_code == 1
    assert "stuk.md: kind: verplicht veld ontbreekt" in bad.output
    assert "stuk.md: sources: verplicht veld ontbreekt" in bad.output


def test_sync_cli_writes_nothing_on_problems(empty_app: Flask, write_article) -> None:
    write_article("stuk", "---\ntitle: Stuk\n---\n\nTekst\n")
    result = empty_app.test_cli_runner().invoke(args=["kb", "sync-content"])
    assert result.exit_code == 1 and "Niets geschreven" in result.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_originality_flags_copied_sentences_but_not_italic_titles() -> None:
    source = (
        "De gemeente en het samenwerkingsverband maken samen afspraken over de ondersteuning "
        "van jongeren die extra hulp nodig hebben in de regio."
    )
    index = SourceIndex([source])
    copied = "Zo werkt het: de gemeente en het samenwerkingsverband maken samen afspraken over de "
    copied += "ondersteuning van jongeren."
    assert index.shared_runs(copied) == [
        "de gemeente en het samenwerkingsverband maken samen afspraken over de ondersteuning "
        "van jongeren"
    ]
    assert index.shared_runs("Own words about *" + source + "* as a title.") == []
    assert index.shared_runs("De gemeente maakt afspraken met het samenwerkingsverband.") == []


def test_article_without_links_is_refused(app: Flask, content_dir: Path) -> None:
    path = content_dir / "articles" / "oogo-test.md"
    _replace(
        path, 'links:\n  - title: "Nederlands Jeugdinstituut"\n    url: https://www.nji.nl\n', ""
    )
    _report, problems = _sync(app)
    assert [(Path(p.path).name, p.field, p.message) for p in problems] == [
        ("oogo-test.md", "links", "verplicht veld ontbreekt")
    ]


def test_link_that_is_not_https_is_refused(app: Flask, content_dir: Path) -> None:
    _replace(content_dir / "articles" / "oogo-test.md", "https://www.nji.nl", "http://www.nji.nl")
    _report, problems = _sync(app)
    assert [(p.field, p.message) for p in problems] == [
        ("links[0].url", "schrijf een volledige https://-URL")
    ]


def _articles(content_dir: Path) -> list:
    _taxonomy, articles, problems = check_content(content_dir)
    assert not problems, problems
    return articles


def test_style_warns_on_spelling_variants_outside_cited_titles(content_dir: Path) -> None:
    path = content_dir / "articles" / "oogo-test.md"
    _replace(path, "Het OOGO uitgelegd (test)", "Het oogo uitgelegd (test)")
    _replace(
        path,
        "over onderwijszorgarrangementen en",
        "over onderwijs-zorgarrangementen, over de entree-opleiding, over "
        "*Continuïteit van onderwijs-zorgarrangementen* (een titel) en",
    )
    _replace(path, 'section: "Aansluiting gewenst"', 'section: "Onderwijs-zorgarrangementen"')
    warnings = {
        (Path(w.path).name, w.field, w.message) for w in style_warnings(_articles(content_dir))
    }
    assert warnings == {
        ("oogo-test.md", "title", "schrijf 'OOGO', niet 'oogo…'"),
        (
            "oogo-test.md",
            "body",
            "schrijf 'onderwijszorgarrangement', niet 'onderwijs-zorgarrangement…'",
        ),
        ("oogo-test.md", "body", "schrijf 'entreeopleiding', niet 'entree-opleiding…'"),
    }


def test_style_reports_a_sentence_repeated_in_two_articles_on_both(content_dir: Path) -> None:
    sentence = (
        "Bestuurders die elkaar regelmatig spreken, lossen knelpunten sneller op dan partijen"
    )
    assert not style_warnings(_articles(content_dir))
    _replace(
        content_dir / "articles" / "oke-op-school-test.md",
        "## Lessen\n",
        f"## Lessen\n\n{sentence} die elkaar alleen bij een conflict tegenkomen.\n\n"
        "Een korte zin van zeven woorden hier.\n",
    )
    warnings = style_warnings(_articles(content_dir))
    assert sorted((Path(w.path).name, w.message.split(":")[0]) for w in warnings) == [
        ("oke-op-school-test.md", "zin staat ook in oogo-test.md"),
        ("oogo-test.md", "zin staat ook in oke-op-school-test.md"),
    ]
    assert sentence in warnings[0].message


def test_check_content_cli_prints_warnings_and_fails_on_them_only_when_strict(
    empty_app: Flask, content_dir: Path
) -> None:
    _replace(content_dir / "articles" / "oogo-test.md", "Het OOGO uitgelegd", "Het oogo uitgelegd")
    runner = empty_app.test_cli_runner()
    relaxed = runner.invoke(args=["kb", "check-content", "--no-sources"])
    assert relaxed.exit_code == 0 and "1 waarschuwing(en)" in relaxed.output
    assert (
        "waarschuwing: " in relaxed.output
        and "oogo-test.md: title: schrijf 'OOGO'" in relaxed.output
    )
    strict = runner.invoke(args=["kb", "check-content", "--no-sources", "--strict"])
    assert strict.exit_code == 1


def test_real_content_has_no_style_warnings() -> None:
    _taxonomy, articles, problems = check_content(PROJECT_ROOT / "content")
    assert not problems
    assert [str(w) for w in style_warnings(articles)] == []
