"""The statements a Dutch public body publishes: accessibility, privacy, contact and about."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

from kb import queries

bp = Blueprint("about", __name__)

# The day the accessibility statement was last reviewed; change it with the statement.
ACCESSIBILITY_REVIEWED = date(2026, 12, 3)


def contact_email() -> str:
    """Return the address readers can write to (the sender address when none is set)."""
    config = current_app.config
    return str(config.get("CONTACT_EMAIL") or config.get("MAIL_SENDER") or "")


@bp.context_processor
def _owner() -> dict[str, str]:
    # Every statement names the organisation and the address the same way.
    return {
        "organisation": str(current_app.config.get("ORGANISATION_NAME") or "de redactie"),
        "email": contact_email(),
    }


@bp.get("/toegankelijkheid")
def accessibility():
    """Show the accessibility statement (toegankelijkheidsverklaring)."""
    return render_template("about/accessibility.html", reviewed=ACCESSIBILITY_REVIEWED)


@bp.get("/privacy")
def privacy():
    """Show the privacy statement, with the retention periods taken from the configuration."""
    config = current_app.config
    return render_template(
        "about/privacy.html",
        search_log_days=int(config["SEARCH_LOG_RETENTION_DAYS"]),
        anonymous_submissions=bool(config["ANONYMOUS_SUBMISSIONS"]),
    )


@bp.get("/contact")
def contact():
    """Show how to reach the editors."""
    return render_template("about/contact.html")


@bp.get("/over")
def about():
    """Explain what the kennisbank is, where it comes from and how its articles are made."""
    counts = queries.kind_counts()
    return render_template(
        "about/about.html",
        article_count=sum(counts.values()),
        kinds=[(kind, counts.get(kind.id, 0)) for kind in queries.kinds()],
        sources=queries.sources(),
        # Linked only when they exist (a test or a fresh install may have other content).
        report=queries.article_by_slug("adviesrapport-met-andere-ogen"),
        programme=queries.article_by_slug("met-andere-ogen"),
    )
