"""Submission attachments: type checked on content, size-limited, stored outside static/.

A file is first kept in a pending store (UPLOAD_DIR/pending) so it survives a form that comes
back with errors or a preview; the form carries a signed list of pending ids. Sending the form
moves the files to UPLOAD_DIR under a random name. Downloads always go out as attachments.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, request, send_file
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import FileStorage

from kb.models import Attachment

log = logging.getLogger(__name__)

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
PENDING_SALT = "kb-pending-uploads"
PENDING_MAX_AGE = 24 * 3600
_CHUNK = 64 * 1024


class UploadError(ValueError):
    """A file that cannot be accepted; the message is Dutch and names the file."""


@dataclass
class PendingFile:
    """A checked file waiting for its form to be sent."""

    id: str
    filename: str
    content_type: str
    size: int
    sha256: str


def upload_dir() -> Path:
    """Return the configured upload folder (created when missing)."""
    path = Path(current_app.config["UPLOAD_DIR"])
    (path / "pending").mkdir(parents=True, exist_ok=True)
    return path


def detect_type(path: Path) -> str | None:
    """Return 'pdf', 'docx' or 'odt' from the file's content, or None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            # Read only the tiny 'mimetype' member: never unpack anything else (zip bombs).
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size <= 100
                and archive.read("mimetype").strip() == ODT_MIMETYPE
            ):
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def clean_filename(name: str) -> str:
    """Keep the name the user gave, minus any path and control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return base[:200] or "bijlage"


def stash(upload: FileStorage) -> PendingFile:
    """Check one uploaded file and keep it in the pending store; raise UploadError if unfit."""
    name = clean_filename(upload.filename or "")
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    ident = secrets.token_hex(16)
    target = upload_dir() / "pending" / ident
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := upload.stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise UploadError(f"{name}: het bestand is groter dan {limit // (1024 * 1024)} MB.")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        target.unlink(missing_ok=True)
        raise UploadError(f"{name}: het bestand is leeg.")
    kind = detect_type(target)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or extension != kind:
        target.unlink(missing_ok=True)
        raise UploadError(
            f"{name}: alleen PDF-, DOCX- en ODT-bestanden zijn toegestaan (het bestand moet echt "
            "zo'n document zijn en de naam moet op .pdf, .docx of .odt eindigen)."
        )
    pending = PendingFile(ident, name, TYPES[kind], size, digest.hexdigest())
    meta = upload_dir() / "pending" / f"{ident}.json"
    meta.write_text(json.dumps(pending.__dict__), encoding="utf-8")
    return pending


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PENDING_SALT)


def pending_token(files: list[PendingFile]) -> str:
    """Sign the list of pending ids for a hidden form field."""
    return _serializer().dumps([f.id for f in files])


def pending_from_token(token: str | None) -> list[PendingFile]:
    """Return the pending files a signed token names (those still on disk)."""
    if not token:
        return []
    try:
        ids = _serializer().loads(token, max_age=PENDING_MAX_AGE)
    except BadSignature:
        return []
    files = []
    for ident in ids if isinstance(ids, list) else []:
        if not (isinstance(ident, str) and len(ident) == 32 and ident.isalnum()):
            continue
        meta = upload_dir() / "pending" / f"{ident}.json"
        if meta.is_file():
            files.append(PendingFile(**json.loads(meta.read_text(encoding="utf-8"))))
    return files


def collect_uploads(form: Any) -> tuple[list[PendingFile], list[str]]:
    """Keep a posted form's earlier uploads, drop those the user removed, check and add new ones.

    The form's `pending` field gets the new signed list; its `attachments` field the errors.
    """
    removed = set(request.form.getlist("verwijder_bijlage"))
    pending = pending_from_token(form.pending.data)
    for item in [p for p in pending if p.id in removed]:
        discard(item)
    pending = [p for p in pending if p.id not in removed]
    errors, maximum = [], int(current_app.config["MAX_ATTACHMENTS"])
    new_uploads = [u for u in form.attachments.data or [] if getattr(u, "filename", None)]
    if new_uploads:
        prune_pending()  # abandoned forms leave files behind; a day later they go
    for upload in new_uploads:
        if len(pending) >= maximum:
            errors.append(f"{clean_filename(upload.filename)}: hoogstens {maximum} bijlagen.")
            continue
        try:
            pending.append(stash(upload))
        except UploadError as exc:
            errors.append(str(exc))
    form.pending.data = pending_token(pending)
    form.attachments.errors = list(form.attachments.errors) + errors
    return pending, errors


def discard(item: PendingFile) -> None:
    """Remove a pending file the user took off the form."""
    folder = upload_dir() / "pending"
    (folder / item.id).unlink(missing_ok=True)
    (folder / f"{item.id}.json").unlink(missing_ok=True)


def attach(pending: list[PendingFile]) -> list[Attachment]:
    """Move pending files to their final place and return (unsaved) Attachment rows."""
    rows = []
    folder = upload_dir()
    for item in pending:
        stored = secrets.token_hex(20)
        os.replace(folder / "pending" / item.id, folder / stored)
        (folder / "pending" / f"{item.id}.json").unlink(missing_ok=True)
        rows.append(
            Attachment(filename=item.filename, stored_name=stored, content_type=item.content_type,
                       size=item.size, sha256=item.sha256)
        )  # fmt: skip
    return rows


def prune_pending(max_age: int = PENDING_MAX_AGE) -> int:
    """Delete pending files older than max_age seconds; return how many were removed."""
    removed, cutoff = 0, time.time() - max_age
    for path in (upload_dir() / "pending").iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:  # another worker removed it first
            continue
    return removed


def download(attachment: Attachment) -> Response:
    """Serve an attachment as a download that the browser will never render or run."""
    path = upload_dir() / attachment.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
