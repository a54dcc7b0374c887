"""Pieces of HTML that are the same for every reader, rendered once per process and change.

A list of twenty cards called the kind badge, the pictogram, the facts list and url_for twenty
times each: a fifth of a browse page's time. Those pieces depend only on what they show, so
they are rendered once, keyed on exactly that content (and cached on the change counter).

Only content may go in here: never the user, the session, a CSRF token, a flashed message or
a search's click link. Those stay in the page's own template, rendered per request.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, get_template_attribute, request, url_for
from markupsafe import Markup

from kb import changes


@dataclass(frozen=True)
class CardParts:
    """The parts of an article card that every reader sees alike."""

    kind: Markup  # the kind badge paragraph
    meta: Markup  # the regions and the stand van zaken
    url: str  # the article's own address


def card_parts(article: Any) -> CardParts:
    """Return the rendered kind badge, facts and address of an article's card."""
    kind = article.kind
    key = (request.script_root, article.slug, kind.slug, kind.label,
           tuple(r.name for r in article.regions), article.reference_date)  # fmt: skip
    return changes.cached_one("card-parts", key, lambda: _render(article))


def _render(article: Any) -> CardParts:
    badge = get_template_attribute("_macros.html", "kind_badge")
    meta = get_template_attribute("_macros.html", "card_meta")
    return CardParts(
        kind=Markup('<p class="kb-card__kind">{}</p>').format(badge(article.kind, link=False)),
        meta=meta(article),
        url=url_for("public.article", slug=article.slug),
    )


# What differs per reader or per request. A shared fragment renders with these replaced by a
# stand-in that fails on any use, so one that starts to depend on them fails in the tests
# instead of showing one reader's page to the next.
PERSONAL = ("current_user", "session", "g", "request", "csrf_token", "get_flashed_messages",
            "follow_of", "follow_form", "save_search_form", "editor_collections")  # fmt: skip


class NotShared:
    """Stands in for a per-reader value while a shared fragment renders: any use raises."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"{self._name} in a shared fragment")

    __getattr__ = __call__ = __getitem__ = __bool__ = __str__ = __html__ = __iter__ = _refuse


def shared_fragment(template: str) -> Markup:
    """Return a template rendered once for every reader (it may use url_for, nothing personal)."""
    key = (template, request.script_root)
    return changes.cached_one("fragment", key, lambda: _render_shared(template), size=100)


MEMO_SIZE = 500  # fragments of a few kB each (a filter panel per distinct search)


def memo_fragment(template: str, **context: Hashable) -> Markup:
    """Return a template rendered from these values only, once per distinct set of values.

    The values are the whole input (they must be hashable: tuples, named tuples, strings), so
    a cached fragment is exactly what rendering them again would give.
    """
    key = (template, request.script_root, tuple(sorted(context.items())))
    return changes.cached_one("memo", key, lambda: _render_shared(template, context), MEMO_SIZE)


def _render_shared(template: str, values: dict[str, Any] | None = None) -> Markup:
    context = {name: NotShared(name) for name in PERSONAL} | (values or {})
    return Markup(current_app.jinja_env.get_template(template).render(context))  # noqa: S704


def init_app(app: Flask) -> None:
    """Make the card parts and the shared and memo fragments available to every template."""
    app.add_template_global(card_parts)
    app.add_template_global(shared_fragment)
    app.add_template_global(memo_fragment)
