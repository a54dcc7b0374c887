"""Helpers for the account, submission and curation tests: users, logins, CSRF, submissions."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kb.accounts.users import hash_password
from kb.models import User, db

PASSWORD = "correct-paard-batterij"
CSRF = re.compile(r'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"')

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_user(
    app: Flask,
    role: str = "member",
    email_address: str | None = None,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    """Create an account directly in the database and return it (detached, ids loaded)."""
    with app.app_context():
        count = db.session.scalar(select(func.count(User.id)))
        address = email_address or f"{role}-{count + 1}@example.nl"
        user = User(
            email=address,
            name=fields.pop("name", f"{role.title()} Tester"),
            organisation=fields.pop("organisation", "Testorganisatie"),
            password_hash=hash_password(password),
            role=role,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def csrf(client: FlaskClient, url: str = "/inloggen") -> str:
    """Return a CSRF token valid for the client's session, read from a page."""
    page = client.get(url)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def login(client: FlaskClient, address: str, password: str = PASSWORD, **extra: str) -> Any:
    """Log in through the form; return the response."""
    token = csrf(client, "/inloggen")
    return client.post(
        "/inloggen" + (f"?next={extra.pop('next')}" if "next" in extra else ""),
        data={"csrf_token": token, "email": address, "password": password},
    )


def _zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """Return a minimal file that is a DOCX by content."""
    return _zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"})


def odt_bytes() -> bytes:
    """Return a minimal file that is an ODT by content."""
    return _zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text",
                       "content.xml": "<office:document-content/>"})  # fmt: skip


def valid_submission(**changes: Any) -> dict[str, Any]:
    """Return form data for a complete, valid submission."""
    data: dict[str, Any] = {
        "title": "Schoolmaatschappelijk werk in Utrecht-West",
        "region": "utrecht",
        "summary": "Een schoolmaatschappelijk werker per school, betaald door gemeente en swv.",
        "background": "Leerlingen wachtten **maanden** op hulp.",
        "approach": "- vaste werker op school\n- korte lijnen met het wijkteam",
        "results": "Minder verwijzingen naar specialistische hulp.",
        "lessons": "Begin klein en evalueer elk half jaar.",
        "partners": "Gemeente Utrecht, swv Utrecht PO, wijkteams.",
        "themes": ["interprofessioneel-samenwerken", "financiering"],
        "advice": ["2"],
        "sectors": ["po"],
        "contact_name": "Jet de Vries",
        "contact_email": "jet@regio-utrecht.nl",
        "organisation": "Samenwerkingsverband Utrecht PO",
        "consent": "y",
        "actie": "verzenden",
    }
    data.update(changes)
    return data


IDEMPOTENCY_KEY = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')


def submission_form_tokens(client: FlaskClient) -> dict[str, str]:
    """Return the hidden CSRF token and idempotency key of a freshly shown submission form."""
    page = client.get("/voorbeeld-indienen").get_data(as_text=True)
    key = IDEMPOTENCY_KEY.search(page)
    tokens = {"csrf_token": CSRF.search(page).group(1)}
    tokens["idempotency_key"] = key.group(1) if key else ""
    return tokens


def submit(
    client: FlaskClient, data: dict[str, Any], files: list | None = None, follow: bool = True
) -> Any:
    """Post the submission form as a browser would (fresh hidden tokens, optional (bytes, name)
    files) and follow the redirect to 'Bedankt' unless follow is False."""
    payload = submission_form_tokens(client)
    payload.update(data)
    if files:
        payload["attachments"] = [(io.BytesIO(content), name) for content, name in files]
    response = client.post(
        "/voorbeeld-indienen",
        data=payload,
        content_type="multipart/form-data",
        follow_redirects=follow,
    )
    response.get_data()  # buffer the page, then close: a large body sits in a temporary file
    response.close()
    return response


STATUS_LINK = re.compile(r"https?://[^\s\"<]+/inzending/([A-Za-z0-9_-]{20,})")


def status_token(text: str) -> str:
    """Return the private status token from a page or an e-mail."""
    match = STATUS_LINK.search(text)
    assert match, "no status link found"
    return match.group(1)


VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def publish(client: FlaskClient, submission_id: int) -> Any:
    """Publish a submission the way an editor does: through the confirmation page."""
    url = f"/redactie/inzending/{submission_id}/publiceren"
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    version = VERSION.search(page)
    token = CSRF.search(page).group(1)
    data = {"csrf_token": token, "version": version.group(1) if version else "0"}
    return client.post(url, data=data)
