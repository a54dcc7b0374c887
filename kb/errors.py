"""Dutch error pages (HTML) and JSON errors for the API."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
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
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _too_large() -> tuple[str, str]:
    config, mb = current_app.config, 1024 * 1024
    return "Te groot", (
        f"Wat u verstuurde is te groot. Een bijlage mag hoogstens "
        f"{config['MAX_UPLOAD_BYTES'] // mb} MB zijn, alles samen hoogstens "
        f"{config['MAX_CONTENT_LENGTH'] // mb} MB."
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

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Onverwachte fout bij %s", request.path)
        return render_error(500)
