"""Open data: every published article with its taxonomy, as one JSON or CSV download.

The dump is made on request from the database, so it is never stale; its date is stated in
the JSON and in the CSV's file name, and the licence in both.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, render_template
from sqlalchemy import select

from kb import queries
from kb.models import Article, db
from kb.views.api import article_detail, article_summary, openapi_document

bp = Blueprint("open_data", __name__, url_prefix="/open-data")

CSV_COLUMNS = [
    "slug", "title", "kind", "summary", "url", "regions", "themes", "advice", "sectors",
    "reference_date", "updated_at", "published_at",
]  # fmt: skip


def _slugs() -> list[str]:
    stmt = select(Article.slug).where(Article.status == "published").order_by(Article.slug)
    return list(db.session.scalars(stmt))


def _licence() -> dict[str, str]:
    config = current_app.config
    return {"name": config["OPEN_DATA_LICENCE"], "url": config["OPEN_DATA_LICENCE_URL"]}


def _last_change() -> datetime | None:
    return db.session.scalar(
        select(Article.updated_at).where(Article.status == "published")
        .order_by(Article.updated_at.desc()).limit(1)
    )  # fmt: skip


def _dated(response: Response, extension: str) -> Response:
    """Name the download after today's date and say when the data last changed."""
    today = datetime.now(UTC).date().isoformat()
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kennisbank-artikelen-{today}.{extension}"'
    )
    if (changed := _last_change()) is not None:
        response.last_modified = changed.replace(tzinfo=UTC)
    return response


@bp.get("/")
def overview():
    """Explain the open data: the downloads, their licence and the API from its OpenAPI file."""
    spec = openapi_document()
    endpoints = [
        {"path": path, "method": method.upper(), "summary": operation.get("summary", ""),
         "parameters": [p for p in operation.get("parameters", []) if "name" in p]
         + [spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
            for p in operation.get("parameters", []) if "$ref" in p]}
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]  # fmt: skip
    return render_template("open_data/overview.html", endpoints=endpoints, spec=spec,
                           licence=_licence(), changed=_last_change())  # fmt: skip


@bp.get("/artikelen.json")
def articles_json():
    """All published articles with text, taxonomy and sources, as JSON."""
    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "licence": _licence(),
        "source": current_app.config["BASE_URL"],
        "articles": [article_detail(page) for slug in _slugs()
                     if (page := queries.article_page(slug)) is not None],
    }
    response = current_app.json.response(payload)
    return _dated(response, "json")


@bp.get("/artikelen.csv")
def articles_csv():
    """All published articles with their taxonomy, one row each (lists joined by ';')."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for article in sorted(queries.recently_changed({}, limit=None), key=lambda a: a.slug):
        row = article_summary(article)
        row["published_at"] = (
            article.published_at.isoformat(timespec="seconds") + "Z" if article.published_at else ""
        )
        for key in ("regions", "themes", "advice", "sectors"):
            row[key] = ";".join(str(v) for v in row[key])
        writer.writerow(row)
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    return _dated(response, "csv")
