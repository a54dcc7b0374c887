"""Dutch error pages (HTML) and JSON errors for the API."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    404: (
        "Pagina niet gevonden",
        "Deze pagina bestaat niet (meer). Zoek verder of ga naar de startpagina.",
    ),
    405: ("Niet toegestaan", "Deze actie is op deze pagina niet mogelijk."),
    429: (
        "Even geduld",
        "U heeft dit te vaak geprobeerd. Probeer het over enkele minuten opnieuw.",
    ),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Probeer het later opnieuw."),
    503: ("Even bezet", "De kennisbank is even bezet; probeer het zo opnieuw."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _too_large() -> tuple[str, str]:
    from kb.submissions import limits_sentence, readable_size  # the limits live there

    cap = readable_size(int(current_app.config["MAX_CONTENT_LENGTH"]))
    return "Te groot", (
        f"Wat u verstuurde is groter dan de kennisbank in één keer aanneemt ({cap}). "
        f"{limits_sentence()} Ga terug en kies kleinere of minder bijlagen."
    )


def render_error(code: int, detail: str | None = None):
    """Render the Dutch error page (or JSON for the API) for a status code."""
    if code == 413:
        title, message = _too_large()
    else:
        title, message = MESSAGES.get(code, (f"Fout {code}", "Er ging iets mis."))
    if _wants_json():
        return jsonify({"error": {"code": code, "message": detail or message}}), code
    return render_template("error.html", code=code, title=title, message=detail or message), code


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(
            400,
            "Het formulier is verlopen of niet volledig. Ga terug, laad de pagina opnieuw en "
            "verstuur het nog eens; wat u typte staat nog in het formulier als u terug gaat.",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def _database(error: OperationalError):
        # A database locked by another writer is a moment's wait, not a bug: say so (503).
        if "locked" in str(error) or "busy" in str(error):
            log.warning("Database bezet bij %s", request.path)
            return render_error(503)
        log.exception("Databasefout bij %s", request.path)
        return render_error(500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Onverwachte fout bij %s", request.path)
        return render_error(500)
