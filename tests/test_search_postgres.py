"""The PostgreSQL search backend's own guarantees (issue 10, item 5).

Its search behaviour is tested with the Whoosh backend's tests (tests/test_search.py and the
relevance suite run against both). Here: the configuration refuses what cannot work, the
migration is a no-op on SQLite, search documents commit (or roll back) with their article, so
nothing waits for an index, and `kb reindex`, `kb check-index` and /healthz work on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, select, text

from kb import accounts, create_app
from kb.models import Article, db
from kb.publishing import article_state, edit_article, queue_for_index, set_article_status
from kb.search import search, write_documents
from kb.search.pgstore import current_analysis
from tests.support.app import build_app, load_content
from tests.support.postgres import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres_url: str, tmp_path: Path, content_dir: Path) -> Iterator[Flask]:
    """The fixture app on a fresh PostgreSQL database, searching in it."""
    url = fresh_database(postgres_url, f"kb_{uuid.uuid4().hex[:12]}")
    application = build_app(tmp_path, content_dir, DATABASE_URL=url, SEARCH_BACKEND="postgresql")
    load_content(application)
    yield application
    with application.app_context():
        db.engine.dispose()


def slugs(app: Flask, query: str) -> list[str]:
    with app.app_context():
        ids = search(query).ids
        return [db.session.get(Article, i).slug for i in ids]


def editor(app: Flask) -> object:
    with app.app_context():
        return accounts.user_by_email("redacteur@example.org") or accounts.create_user(
            "redacteur@example.org", "een lang en goed wachtwoord", "editor", "Redactie", ""
        )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SEARCH_BACKEND": "postgresql"}, "vraagt dus een PostgreSQL-database"),
        ({"SEARCH_BACKEND": "elastic"}, "kies 'whoosh' of 'postgresql'"),
    ],
)
def test_a_backend_that_cannot_run_is_refused_at_start(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    config = {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x'}"}
    with pytest.raises(RuntimeError, match=message):
        create_app(config | settings)


def test_the_migration_adds_nothing_on_sqlite(app: Flask) -> None:
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert not tables & {"search_document", "search_word"}


def test_the_migration_adds_gin_indexes_on_postgresql(pg_app: Flask) -> None:
    with pg_app.app_context():
        indexes = db.session.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_document'")
        ).all()
        published = db.session.scalar(
            select(db.func.count(Article.id)).where(Article.status == "published")
        )
        rows = db.session.scalar(text("SELECT count(*) FROM search_document"))
    gin = {name for name, definition in indexes if "USING gin" in definition}
    assert gin == {"ix_search_document_tsv", "ix_search_document_spell"}
    assert rows == published > 0


def test_the_tsvector_holds_the_dutch_analysis_with_field_weights(pg_app: Flask) -> None:
    with pg_app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        title = "Onderwijszorgarrangementen in Fryslân"
        edit_article(article, article_state(article) | {"title": title}, editor(pg_app))
        found = dict(
            db.session.execute(
                text(
                    "SELECT u.lexeme, u.weights FROM search_document d, unnest(d.tsv) u "
                    "WHERE d.article_id = :id"
                ),
                {"id": article.id},
            ).all()
        )
    # The compound whole, in parts and in spans; the accent folded; all stemmed; title = A.
    for lexeme in ("onderwijszorgarrangement", "onderwijs", "zorg", "arrangement", "fryslan"):
        assert "A" in found[lexeme], lexeme
    assert "D" in found["overleg"]  # the body


def test_an_edit_is_searchable_when_it_commits_with_nothing_left_to_apply(pg_app: Flask) -> None:
    user = editor(pg_app)
    with pg_app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        assert edit_article(
            article, article_state(article) | {"title": "OOGO en de ijsvogel"}, user
        )
    # Nothing was applied after the commit (no index_pending): the row committed with it.
    assert slugs(pg_app, "ijsvogel") == ["oogo-test"]
    with pg_app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        article.title = "OOGO en de lepelaar"
        queue_for_index(article)
        db.session.flush()
        write_documents([article.id])
        db.session.rollback()  # the transaction fails after the search row was written
    assert slugs(pg_app, "lepelaar") == []
    assert slugs(pg_app, "ijsvogel") == ["oogo-test"]


def test_taking_an_article_offline_removes_its_document(pg_app: Flask) -> None:
    user = editor(pg_app)
    assert slugs(pg_app, "OOGO") == ["oogo-test"]
    with pg_app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        set_article_status(article, "unpublished", user)
    assert slugs(pg_app, "OOGO") == []
    with pg_app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "oogo-test"))
        set_article_status(article, "published", user)
    assert slugs(pg_app, "OOGO") == ["oogo-test"]


def test_check_index_healthz_and_reindex(pg_app: Flask) -> None:
    runner = pg_app.test_cli_runner()
    result = runner.invoke(args=["kb", "check-index"])
    assert result.exit_code == 0 and "zoektabel (PostgreSQL)" in result.output, result.output
    assert "nog toe te passen: 0" in result.output
    assert pg_app.test_client().get("/healthz").status_code == 200
    with pg_app.app_context():  # damage made outside the app: a stale row and a lost one
        db.session.execute(
            text("UPDATE search_document SET version = 'oud' WHERE slug = 'oogo-test'")
        )
        db.session.execute(
            text("DELETE FROM search_document WHERE slug = 'regioportret-testregio'")
        )
        db.session.commit()
    result = runner.invoke(args=["kb", "check-index"])
    assert result.exit_code == 1
    assert "verouderd in de index: oogo-test" in result.output
    assert "ontbreekt in de index: regioportret-testregio" in result.output
    health = pg_app.test_client().get("/healthz")
    assert health.status_code == 503 and "wijkt af" in health.json["checks"]["index"]
    result = runner.invoke(args=["kb", "reindex"])
    assert result.exit_code == 0 and "Index opnieuw opgebouwd: 3 artikelen" in result.output
    assert runner.invoke(args=["kb", "check-index"]).exit_code == 0
    assert pg_app.test_client().get("/healthz").status_code == 200


def test_minimum_should_match_counts_clauses_and_coordination_ranks(pg_app: Flask) -> None:
    """A query builder that asks for two of three word clauses (issue 11's rule): a document
    with one is not found, and one with all three ranks above one with two."""
    from dataclasses import dataclass, field

    from whoosh import query as wq

    from kb.search import pgsearch
    from kb.search.query import FIELD_BOOSTS

    @dataclass
    class Built:  # the shape of kb.search.query.BuiltQuery with clauses
        clauses: list[wq.Query]
        minimum: int
        required: list[wq.Query] = field(default_factory=list)
        bonus: list[wq.Query] = field(default_factory=list)
        excluded: None = None
        wanted: frozenset[str] = frozenset()
        word_count: int = 3

        @property
        def query(self) -> wq.Query:
            return wq.Or(self.clauses)

    def word(term: str) -> wq.Query:
        return wq.Or([wq.Term(name, term, boost=b) for name, b in FIELD_BOOSTS.items()])

    user = editor(pg_app)
    titles = {"oogo-test": "OOGO met wulp, grutto en kievit",
              "regioportret-testregio": "Regioportret met wulp en grutto",
              "oke-op-school-test": "Oké op school met wulp"}  # fmt: skip
    with pg_app.app_context():
        for slug, title in titles.items():
            article = db.session.scalar(select(Article).where(Article.slug == slug))
            assert edit_article(article, article_state(article) | {"title": title}, user)
        built = Built([word("wulp"), word("grutto"), word("kievit")], minimum=2)
        result = pgsearch._run(built, {})
        assert result.total == 2 and result.match_all
        pgsearch._rank(current_analysis(), result, built, {}, "relevance", 1, 20, False)
        found = [db.session.get(Article, i).slug for i in result.ids]
    assert found == ["oogo-test", "regioportret-testregio"]


def test_known_tells_which_analysed_terms_the_documents_hold(pg_app: Flask) -> None:
    from kb.search.pgspell import known

    with pg_app.app_context():
        assert known("oogo") and known("overleg")
        assert not known("snoeshaan")
