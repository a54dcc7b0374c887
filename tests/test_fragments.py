"""Fragments rendered once for every reader carry content only, never one reader's page parts."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader

from kb.config import PROJECT_ROOT
from kb.views.fragments import PERSONAL, shared_fragment
from tests.support.accounts import CSRF, login, make_user

TEMPLATES = PROJECT_ROOT / "templates"


def _shared_sources() -> dict[str, str]:
    """Every template rendered through shared_fragment(), and the macros card_parts() renders."""
    names = set()
    for path in TEMPLATES.rglob("*.html"):
        names.update(re.findall(r'shared_fragment\("([^"]+)"\)', path.read_text()))
    sources = {name: (TEMPLATES / name).read_text() for name in sorted(names)}
    macros = (TEMPLATES / "_macros.html").read_text()
    for macro in ("kind_icon", "kind_badge", "card_meta"):
        found = re.search(r"{% macro " + macro + r"\(.*?endmacro %}", macros, re.S)
        assert found, macro
        sources[f"_macros.html:{macro}"] = found.group(0)
    return sources


def test_the_shared_parts_name_nothing_personal() -> None:
    sources = _shared_sources()
    assert "_footer_links.html" in sources
    for name, source in sources.items():
        for word in PERSONAL:
            assert not re.search(rf"\b{word}\b", source), f"{word} in {name}"


@pytest.mark.parametrize(
    "source",
    [
        "{{ current_user.name }}",
        "{% if current_user.is_authenticated %}x{% endif %}",
        "{{ csrf_token() }}",
        "{{ session['_user_id'] }}",
        "{{ request.path }}",
        "{% for m in get_flashed_messages() %}{{ m }}{% endfor %}",
    ],
)
def test_a_shared_fragment_that_reaches_for_the_reader_fails(app: Flask, source: str) -> None:
    app.jinja_env.loader = ChoiceLoader([DictLoader({"_probe.html": source}),
                                         app.jinja_env.loader])  # fmt: skip
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="shared fragment"):
        shared_fragment("_probe.html")


def test_readers_share_content_but_not_their_page_parts(app: Flask) -> None:
    """A browse and a search page seen by two members and a visitor, in turn, on one process."""
    first = make_user(app, name="Eerste Lezer")
    second = make_user(app, name="Tweede Lezer")
    pages = ("/regio/almere", "/zoeken?q=jeugdhulp", "/thema/preventief-jeugdbeleid")
    one, two, visitor = app.test_client(), app.test_client(), app.test_client()
    login(one, first.email)
    login(two, second.email)
    for url in pages:
        seen = {
            "one": one.get(url).get_data(as_text=True),
            "visitor": visitor.get(url).get_data(as_text=True),
            "two": two.get(url).get_data(as_text=True),
        }
        assert "Eerste Lezer" in seen["one"] and "Eerste Lezer" not in seen["two"]
        assert "Tweede Lezer" in seen["two"] and "Tweede Lezer" not in seen["one"]
        assert "Lezer" not in seen["visitor"] and "Uitloggen" not in seen["visitor"]
        tokens = {who: set(CSRF.findall(page)) for who, page in seen.items()}
        assert tokens["one"] and tokens["two"] and not tokens["visitor"]
        assert not tokens["one"] & tokens["two"]
        # The shared parts are there for everyone alike.
        for page in seen.values():
            assert "Over deze kennisbank" in page and "jeugdhulp traint op school" in page
