"""`kb export-content`: the database back as content/ files, and the round trip through a sync.

The shipped content/ is exported, loaded into a fresh database and exported again: every
article's rendered HTML, the taxonomy and the leeslijsten come out the same, and so does the
second export, byte for byte. An online edit survives the trip to a fresh install.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import downgrade
from sqlalchemy import select

from kb import changes, collections, publishing
from kb.content import check_content, export_content, sync_content
from kb.content.export import TAXONOMY
from kb.content.states import article_file_state
from kb.models import Article, Collection, SynonymGroup, db
from tests.support.app import build_app, load_content


def _articles(app: Flask) -> dict[str, dict[str, Any]]:
    with app.app_context():
        rows = db.session.scalars(select(Article).where(Article.status == "published"))
        return {a.slug: article_file_state(a) | {"html": a.body_html} for a in rows}


def _taxonomy(app: Flask) -> dict[str, list[tuple]]:
    with app.app_context():
        found = {
            spec.name: [tuple(f.get(row) for f in spec.fields)
                        for row in db.session.scalars(select(spec.model).order_by(spec.order))]
            for spec in TAXONOMY
        }  # fmt: skip
        groups = db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id))
        found["synonyms"] = [tuple(g.terms) for g in groups]
        return found


def _collections(app: Flask) -> dict[str, dict[str, Any]]:
    with app.app_context():
        rows = db.session.scalars(select(Collection))
        return {c.slug: collections.collection_state(c) for c in rows}


def _same_tree(first: Path, second: Path) -> None:
    compared = filecmp.dircmp(first, second)
    assert not compared.left_only and not compared.right_only
    for sub in ("articles", "taxonomy", "collections"):
        names = sorted(p.name for p in (first / sub).iterdir())
        assert names, sub
        for name in names:
            assert (first / sub / name).read_bytes() == (second / sub / name).read_bytes(), name


def _export(app: Flask, target: Path):
    with app.app_context():
        return export_content(target)


def _counter(app: Flask) -> int:
    with app.app_context():
        return changes.current()


def test_the_shipped_content_survives_export_and_a_fresh_install(
    content_app: Flask, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    report = _export(content_app, first)
    assert report.written and not report.removed
    _taxonomy_files, articles, problems = check_content(first)
    assert not problems, "\n".join(map(str, problems))
    assert len(articles) == len(_articles(content_app))
    (tmp_path / "fresh").mkdir()
    fresh = build_app(tmp_path / "fresh", first)
    load_content(fresh)
    assert _articles(fresh) == _articles(content_app)  # rendered HTML included
    assert _taxonomy(fresh) == _taxonomy(content_app)
    assert _collections(fresh) == _collections(content_app)
    assert len(_collections(fresh)) >= 5  # the CoPs' leeslijsten
    second = tmp_path / "second"
    _export(fresh, second)
    _same_tree(first, second)
    # A sync of an unchanged export changes nothing: not even the change counter moves.
    before = _counter(fresh)
    with fresh.app_context():
        report, problems = sync_content(second)
    assert not problems
    assert (report.created, report.updated, report.unpublished, report.conflicts) == (
        [],
        [],
        [],
        [],
    )
    assert report.unchanged == len(articles) and not report.collections_changed
    assert _counter(fresh) == before


def test_an_export_into_the_content_folder_leaves_unchanged_files_alone(
    content_app: Flask, tmp_path: Path
) -> None:
    copy = tmp_path / "content"
    shutil.copytree(Path(content_app.config["CONTENT_DIR"]), copy)
    report = _export(content_app, copy)
    assert report.written == [] and report.removed == []
    compared = filecmp.dircmp(
        Path(content_app.config["CONTENT_DIR"]) / "articles", copy / "articles"
    )
    assert not compared.diff_files


def _edit_online(app: Flask) -> None:
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        state = publishing.article_state(article) | {
            "title": "Het OOGO uitgelegd: online herschreven",
            # What a browser's textarea sends: CRLF line ends and space at the end.
            "body_md": article.body_md.replace("\n", "\r\n") + "\r\n\r\n## Nieuw online\r\n\r\n"
            "Een alinea met een [link](oke-op-school-test.md) en *nadruk*.  \r\n",
            "themes": ["bestuurlijke-afspraken", "financiering"],
            "contact": "de redactie: via het formulier",
        }  # fmt: skip
        assert publishing.edit_article(article, state, author=None, note="test")
        row = collections.save_collection(None, {"title": "Online gemaakt", "context_kind": "free"})
        collections.add_item(row, "oogo-test", "Waarom: omdat het kan.")
        collections.add_item(row, "regioportret-testregio")


def test_an_online_edit_reaches_a_fresh_install_unchanged(app: Flask, tmp_path: Path) -> None:
    _edit_online(app)
    target = tmp_path / "export"
    report = _export(app, target)
    assert "articles/oogo-test.md" in report.written
    assert "collections/online-gemaakt.yml" in report.written
    _t, _a, problems = check_content(target)
    assert not problems, "\n".join(map(str, problems))
    (tmp_path / "fresh").mkdir()
    fresh = build_app(tmp_path / "fresh", target)
    load_content(fresh)
    edited, copied = _articles(app)["oogo-test"], _articles(fresh)["oogo-test"]
    assert copied["html"] == edited["html"]  # byte for byte
    assert "Nieuw online" in copied["html"] and copied["title"].endswith("online herschreven")
    assert sorted(copied["themes"]) == ["bestuurlijke-afspraken", "financiering"]
    assert _collections(fresh)["online-gemaakt"] == _collections(app)["online-gemaakt"]


def test_the_export_of_an_online_edit_is_no_conflict_for_the_next_sync(
    app: Flask, tmp_path: Path
) -> None:
    _edit_online(app)
    target = tmp_path / "export"
    _export(app, target)
    with app.app_context():
        report, problems = sync_content(target)
        assert not problems
        assert report.conflicts == [] and report.updated == [] and report.created == []
        assert report.collection_conflicts == [] and report.collections_changed == []
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        assert article.edited_online_at is None  # the file now holds the online version
    # So a later change to that file is applied, not reported as a conflict.
    path = target / "articles" / "oogo-test.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Nieuw online", "Later in git"))
    with app.app_context():
        report, _ = sync_content(target)
        assert report.updated == ["oogo-test"] and report.conflicts == []


def test_an_article_taken_offline_loses_its_file(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "export"
    _export(app, target)
    assert (target / "articles" / "oogo-test.md").exists()
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        publishing.unpublish(article)
        db.session.commit()
    report = _export(app, target)
    assert report.removed == ["articles/oogo-test.md"]
    assert not (target / "articles" / "oogo-test.md").exists()


def test_export_content_command(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["kb", "export-content", str(tmp_path / "uit")])
    assert result.exit_code == 0, result.output
    assert "Geschreven:" in result.output
    assert (tmp_path / "uit" / "taxonomy" / "themes.yml").exists()
    again = app.test_cli_runner().invoke(args=["kb", "export-content", str(tmp_path / "uit")])
    assert "Geschreven: 0," in again.output


def test_a_published_submission_keeps_its_own_rules_through_the_round_trip(
    app: Flask, tmp_path: Path
) -> None:
    with app.app_context():
        state = {
            "title": "Zorgcoördinator op elke school",
            "kind": "praktijkvoorbeeld",
            "summary": "Elke school een vaste zorgcoördinator.",  # shorter than a file may be
            "body_md": "## Aanleiding\n\nOuders wisten niet bij wie ze terecht konden.",
            "reference_date": "2026-12",
            "themes": ["interprofessioneel-samenwerken"],
            "regions": ["almere"],
            "related": [],
            "citations": [{"organisation": "Samenwerkingsverband Almere PO"}],
        }
        publishing.create_article("zorgcoordinator-op-elke-school", "submission", state)
        db.session.commit()
    target = tmp_path / "export"
    _export(app, target)
    text = (target / "articles" / "zorgcoordinator-op-elke-school.md").read_text(encoding="utf-8")
    assert "origin: submission" in text and "organisation: Samenwerkingsverband Almere PO" in text
    _t, _a, problems = check_content(target)
    assert not problems, "\n".join(map(str, problems))
    (tmp_path / "fresh").mkdir()
    fresh = build_app(tmp_path / "fresh", target)
    load_content(fresh)
    assert _articles(fresh) == _articles(app)
    with fresh.app_context():
        copied = db.session.scalar(
            select(Article).where(Article.slug == "zorgcoordinator-op-elke-school")
        )
        assert copied.origin == "submission"
        assert copied.citations[0].organisation == "Samenwerkingsverband Almere PO"


def test_origin_names_only_a_submission(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "export"
    _export(app, target)
    path = target / "articles" / "oogo-test.md"
    path.write_text(path.read_text(encoding="utf-8").replace("kind:", "origin: redactie\nkind:"))
    _t, _a, problems = check_content(target)
    assert [(p.field, p.message) for p in problems] == [("origin", "alleen 'submission'")]


def test_the_round_trip_runs_on_postgresql(
    postgres_url: str, tmp_path: Path, content_dir: Path
) -> None:
    (content_dir / "collections").mkdir()
    (content_dir / "collections" / "uit-een-bestand.yml").write_text(
        "title: Uit een bestand\nscope: theme\ntarget: financiering\n"
        "items:\n- article: oogo-test\n  note: Eerst dit.\n",
        encoding="utf-8",
    )
    app = build_app(tmp_path, content_dir, DATABASE_URL=postgres_url)
    try:
        load_content(app)
        _edit_online(app)
        first, second = tmp_path / "first", tmp_path / "second"
        _export(app, first)
        with app.app_context():
            assert db.engine.dialect.name == "postgresql"
            report, problems = sync_content(first)
        assert not problems and report.updated == [] and report.conflicts == []
        assert report.collections_changed == [] and report.collection_conflicts == []
        _export(app, second)
        _same_tree(first, second)
        assert _collections(app)["uit-een-bestand"]["items"] == [("oogo-test", "Eerst dit.")]
    finally:
        with app.app_context():
            downgrade(revision="base")
            db.session.remove()
            db.engine.dispose()


def test_a_merged_and_a_retired_theme_reach_a_fresh_install(app: Flask, tmp_path: Path) -> None:
    from kb import taxonomy
    from kb.models import SlugRedirect, Theme
    from tests.support.accounts import make_user

    editor = make_user(app, role="editor")
    with app.app_context():
        user = db.session.merge(editor)
        themes = taxonomy.SUBJECTS["theme"]
        taxonomy.merge(taxonomy.find(themes, "monitoring"), taxonomy.find(themes, "financiering"),
                       user)  # fmt: skip
        taxonomy.set_retired(themes, taxonomy.find(themes, "kansengelijkheid"), True, user)
        db.session.commit()
    target = tmp_path / "export"
    report = _export(app, target)
    assert {"taxonomy/themes.yml", "taxonomy/redirects.yml"} <= set(report.written)
    _t, _a, problems = check_content(target)
    assert not problems, "\n".join(map(str, problems))
    (tmp_path / "fresh").mkdir()
    fresh = build_app(tmp_path / "fresh", target)
    load_content(fresh)
    assert _taxonomy(fresh) == _taxonomy(app)
    with fresh.app_context():
        moved = db.session.scalars(select(SlugRedirect)).all()
        assert [(r.kind, r.old_slug, r.new_slug) for r in moved] == [
            ("theme", "monitoring", "financiering")
        ]
        assert db.session.scalar(select(Theme.retired).where(Theme.slug == "kansengelijkheid"))
    assert fresh.test_client().get("/thema/monitoring").status_code == 301
    second = tmp_path / "second"
    _export(fresh, second)
    for name in ("taxonomy/themes.yml", "taxonomy/redirects.yml"):
        assert (second / name).read_bytes() == (target / name).read_bytes()
