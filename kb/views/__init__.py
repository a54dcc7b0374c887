"""The web pages and the JSON API: one module per blueprint, `bp` at the top of each.

Views read through `kb.queries` and the packages' doors and change state only by calling a
domain function (`kb.publishing`, `kb.submissions`, `kb.accounts`, `kb.search`); none commits.
"""

from flask import Flask

from kb.views import (
    about,
    admin,
    agenda,
    agenda_editor,
    analytics,
    api,
    auth,
    calls,
    calls_editor,
    clicks,
    collections,
    collections_editor,
    coverage,
    curation,
    editor,
    feeds,
    follows,
    freshness,
    open_data,
    panels,
    public,
    review_link,
    search,
    submit,
    taxonomy_editor,
)

BLUEPRINTS = (
    public, api, search, auth, submit, curation, editor, admin, feeds, open_data, coverage,
    follows, agenda, agenda_editor, clicks, analytics,
    calls, calls_editor, freshness, review_link, collections, collections_editor, about,
    taxonomy_editor,
)  # fmt: skip


def init_app(app: Flask) -> None:
    """Register every blueprint."""
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    panels.init_app(app)
