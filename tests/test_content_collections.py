"""Leeslijsten as files: content/collections/<slug>.yml checked by check-content, loaded by sync."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kb import collections
from kb.content import check_content, sync_content
from kb.models import Collection, db
from tests.support.accounts import login, make_user

GOOD = """\
title: Starten met het OOGO
description: Voor wie net begint.
scope: advice
target: 4
items:
- article: oogo-test
  note: "Eerst de basis:   wat het overleg is."
- article: regioportret-testregio
"""


def _write(content_dir: Path, text: str, slug: str = "starten") -> Path:
    folder = content_dir / "collections"
    folder.mkdir(exist_ok=True)
    path = folder / f"{slug}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _sync(app: Flask, force: frozenset[str] = frozenset()):
    with app.app_context():
        report, problems = sync_content(Path(app.config["CONTENT_DIR"]), force)
        assert not problems, "\n".join(map(str, problems))
        return report


def _state(app: Flask, slug: str = "starten") -> dict:
    with app.app_context():
        return collections.collection_state(collections.by_slug(slug))


def test_a_collection_file_is_loaded_and_shown_on_its_page(app: Flask, content_dir: Path) -> None:
    _write(content_dir, GOOD)
    report = _sync(app)
    assert report.collections_changed == ["starten"]
    assert _state(app) == {
        "title": "Starten met het OOGO",
        "description": "Voor wie net begint.",
        "scope": "advice",
        "target": "4",
        "published": True,
        "items": [("oogo-test", "Eerst de basis: wat het overleg is."),
                  ("regioportret-testregio", "")],
    }  # fmt: skip
    page = app.test_client().get("/leeslijst/starten").get_data(as_text=True)
    assert "Eerst de basis: wat het overleg is." in page
    assert page.index("OOGO uitgelegd") < page.index("Regioportret Almere")
    # Unchanged file: skipped.
    report = _sync(app)
    assert report.collections_changed == [] and report.collections_unchanged == 1


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (GOOD.replace("target: 4", "target: 9"), "target", "onbekend adviesnummer"),
        (GOOD.replace("scope: advice", "scope: cop"), "target", "geen artikel van een Community"),
        (GOOD.replace("scope: advice", "scope: theme"), "target", "onbekend thema"),
        (GOOD.replace("scope: advice", "scope: vrij"), "scope", "kies uit"),
        (GOOD.replace("oogo-test", "bestaat-niet"), "items[0].article", "onbekend artikel"),
        (GOOD.replace("regioportret-testregio", "oogo-test"), "items[1].article", "staat er al"),
        (GOOD.replace("title: Starten met het OOGO\n", ""), "title", "verplicht"),
        (GOOD + "kleur: blauw\n", "kleur", "onbekend veld"),
        (GOOD.replace("  note:", "  noot:"), "items[0].noot", "onbekend veld"),
        (GOOD.replace("items:", "published: nee\nitems:"), "published", "true of false"),
        ("- gewoon een lijst\n", "-", "verwacht title"),
    ],
)
def test_check_content_names_the_file_and_field_of_each_problem(
    content_dir: Path, text: str, field: str, message: str
) -> None:
    path = _write(content_dir, text)
    _taxonomy, _articles, problems = check_content(content_dir)
    found = [p for p in problems if p.path == str(path)]
    assert any(p.field == field and message in p.message for p in found), found


def test_a_problem_in_a_collection_file_stops_the_whole_sync(app: Flask, content_dir: Path) -> None:
    _write(content_dir, GOOD.replace("oogo-test", "bestaat-niet"))
    with app.app_context():
        report, problems = sync_content(content_dir)
        assert problems and db.session.scalar(select(Collection)) is None


def test_a_changed_file_updates_the_list_unless_an_editor_changed_it(
    app: Flask, content_dir: Path
) -> None:
    path = _write(content_dir, GOOD)
    _sync(app)
    path.write_text(GOOD.replace("Voor wie net begint.", "Voor beginners."), encoding="utf-8")
    assert _sync(app).collections_changed == ["starten"]
    assert _state(app)["description"] == "Voor beginners."
    # An editor reorders it online; the file changes too: the sync reports, and keeps the edit.
    with app.app_context():
        row = collections.by_slug("starten")
        collections.move(row, row.items[1].id, -1)
    path.write_text(GOOD.replace("Voor wie net begint.", "Nog anders."), encoding="utf-8")
    report = _sync(app)
    assert report.collection_conflicts == ["starten"] and report.collections_changed == []
    assert [slug for slug, _ in _state(app)["items"]] == ["regioportret-testregio", "oogo-test"]
    # --force lets the file win.
    assert _sync(app, frozenset({"starten"})).collections_changed == ["starten"]
    assert [slug for slug, _ in _state(app)["items"]] == ["oogo-test", "regioportret-testregio"]


def test_a_removed_file_takes_its_list_offline(app: Flask, content_dir: Path) -> None:
    path = _write(content_dir, GOOD)
    _sync(app)
    path.unlink()
    assert _sync(app).collections_unpublished == ["starten"]
    assert app.test_client().get("/leeslijst/starten").status_code == 404
    # A list made online has no file, so a sync never touches it.
    editor = app.test_client()
    login(editor, make_user(app, role="editor").email)
    with app.app_context():
        collections.save_collection(None, {"title": "Alleen online", "context_kind": "free"})
    assert _sync(app).collections_unpublished == []
    assert app.test_client().get("/leeslijst/alleen-online").status_code == 200


def test_the_cop_pages_show_their_leeslijst_instead_of_a_written_list(content_app: Flask) -> None:
    page = content_app.test_client().get("/artikel/cop-monitoring").get_data(as_text=True)
    assert "## Leeslijst" not in page and 'id="leeslijst"' not in page
    assert 'id="leeslijst-leeslijst-monitoring"' in page
    assert 'href="#leeslijst-leeslijst-monitoring"' in page  # in the page's contents
    assert page.index("De monitor die cijfers over onderwijs") < page.index('id="bron-kop"')
    for path in Path(content_app.config["CONTENT_DIR"]).glob("articles/cop-*.md"):
        assert "## Leeslijst" not in path.read_text(encoding="utf-8"), path.name
