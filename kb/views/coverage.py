"""The public coverage matrix (/dekkingsmatrix): where the network has examples, and where not."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from kb import coverage, queries

bp = Blueprint("coverage", __name__)

# The matrix filters on everything but advies and theme: those are its axes.
MATRIX_FILTERS = ("kind", "region", "sector")


def _filters() -> dict[str, list[str]]:
    filters = {name: [v for v in request.args.getlist(name) if v][:10] for name in MATRIX_FILTERS}
    filters["kind"] = filters["kind"] or [coverage.DEFAULT_KIND]
    return {name: values for name, values in filters.items() if values}


@bp.get("/dekkingsmatrix")
def matrix():
    """Show published articles per advies × theme, filterable by kind, region and sector."""
    filters = _filters()
    return render_template(
        "coverage/matrix.html",
        matrix=coverage.matrix(filters),
        filters=filters,
        kinds=queries.kinds(),
        regions=queries.regions(),
        sectors=queries.sectors(),
        thin=coverage.THIN,
    )
