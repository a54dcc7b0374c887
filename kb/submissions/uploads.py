"""Submission attachments: type checked on content, size-limited, stored outside static/.

Files arrive in memory, capped while they stream in (`intake`). They are checked there; only
when the form is valid and within the address's limit are they kept in the pending area
(`pending`), so they survive a preview or a failed send. Sending the form moves them to
UPLOAD_DIR under a random name; if the database then refuses the row, they move back.
Downloads always go out as attachments.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, request, send_file
from werkzeug.datastructures import FileStorage

from kb.models import Attachment
from kb.submissions import intake, pending
from kb.submissions.pending import PendingFile

log = logging.getLogger(__name__)

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}
# What a form accepts: submissions take documents; group posts also photos.
DOCUMENTS = ("pdf", "docx", "odt")
DOCUMENTS_AND_IMAGES = (*DOCUMENTS, "png", "jpg")
_EXTENSIONS = {"jpeg": "jpg"}  # other names of the same type
_NAMES = {"pdf": "PDF", "docx": "DOCX", "odt": "ODT", "png": "PNG", "jpg": "JPEG"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# The checkbox per held file: "may be published with the article" (the submitter's choice).
PUBLIC_FIELD = "openbaar_bijlage"
_CHUNK = 64 * 1024


class UploadError(ValueError):
    """A file that cannot be accepted; the message is Dutch and names the file."""


@dataclass
class Checked:
    """A file that passed the checks, still in memory."""

    filename: str
    content_type: str
    data: bytes
    sha256: str


def upload_dir() -> Path:
    """Return the configured upload folder (created when missing)."""
    path = Path(current_app.config["UPLOAD_DIR"])
    (path / "pending").mkdir(parents=True, exist_ok=True)
    return path


def type_label(content_type: str) -> str:
    """Return the short name of a stored attachment's type: 'PDF', 'DOCX' or 'ODT'."""
    return next((key.upper() for key, value in TYPES.items() if value == content_type), "bestand")


def readable_size(size: int) -> str:
    """Return a byte count the Dutch way: '10 MB', '1,5 MB', '20 kB'."""
    mb = 1024 * 1024
    if size >= mb:
        text = f"{size // mb}" if size % mb == 0 else f"{size / mb:.1f}".replace(".", ",")
        return f"{text} MB"
    return f"{-(-size // 1024)} kB"


def limits_sentence() -> str:
    """Return the real attachment limits, from config, as one Dutch sentence."""
    config = current_app.config
    return (
        f"Een bijlage mag hoogstens {readable_size(int(config['MAX_UPLOAD_BYTES']))} zijn; "
        f"alle bijlagen samen hoogstens {readable_size(int(config['MAX_ATTACHMENTS_BYTES']))}."
    )


def detect_type(data: bytes) -> str | None:
    """Return 'pdf', 'docx', 'odt', 'png' or 'jpg' from the file's content, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
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


def _read_capped(upload: FileStorage, limit: int) -> bytes | None:
    """Read an upload into memory; None once it passes limit (never trust Content-Length)."""
    refused = getattr(upload.stream, "refused", None)
    if refused:
        return None
    buffer, size = io.BytesIO(), 0
    while chunk := upload.stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        buffer.write(chunk)
    return buffer.getvalue()


def kinds_sentence(kinds: tuple[str, ...]) -> str:
    """Return the accepted kinds the Dutch way: 'PDF-, DOCX- en ODT-bestanden'."""
    names = [f"{_NAMES[k]}-" for k in kinds]
    listed = ", ".join(names[:-1]) + " en " + names[-1] if len(names) > 1 else names[0]
    return f"{listed}bestanden"


def check(upload: FileStorage, kinds: tuple[str, ...] = DOCUMENTS) -> Checked:
    """Check one uploaded file in memory; raise UploadError if unfit. Nothing touches the disk."""
    name = clean_filename(upload.filename or "")
    if getattr(upload.stream, "refused", None) == intake.TOTAL_TOO_LARGE:
        raise UploadError(f"{name}: past niet meer bij de andere bijlagen. {limits_sentence()}")
    data = _read_capped(upload, int(current_app.config["MAX_UPLOAD_BYTES"]))
    if data is None:
        raise UploadError(f"{name}: het bestand is te groot. {limits_sentence()}")
    if not data:
        raise UploadError(f"{name}: het bestand is leeg.")
    kind = detect_type(data)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or kind not in kinds or _EXTENSIONS.get(extension, extension) != kind:
        if kinds == DOCUMENTS:
            raise UploadError(
                f"{name}: alleen PDF-, DOCX- en ODT-bestanden zijn toegestaan (het bestand moet "
                "echt zo'n document zijn en de naam moet op .pdf, .docx of .odt eindigen)."
            )
        raise UploadError(
            f"{name}: alleen {kinds_sentence(kinds)} zijn toegestaan (het bestand moet echt zo'n "
            "bestand zijn en de naam moet daarbij passen, zoals .pdf of .jpg)."
        )
    return Checked(name, TYPES[kind], data, hashlib.sha256(data).hexdigest())


def check_files(
    files: list[Any], held: int = 0, held_bytes: int = 0, kinds: tuple[str, ...] = DOCUMENTS
) -> tuple[list[Checked], list[str]]:
    """Check uploaded files against the type checks and the count and size limits.

    `held` files of `held_bytes` are already kept for the same form and count against the
    limits. Returns the files that passed (in memory) and a Dutch message for each refused one.
    """
    config = current_app.config
    errors: list[str] = []
    checked: list[Checked] = []
    total = held_bytes
    maximum, total_limit = int(config["MAX_ATTACHMENTS"]), int(config["MAX_ATTACHMENTS_BYTES"])
    for upload in [u for u in files if getattr(u, "filename", None)]:
        if held + len(checked) >= maximum:
            errors.append(f"{clean_filename(upload.filename)}: hoogstens {maximum} bijlagen.")
            continue
        try:
            item = check(upload, kinds)
        except UploadError as exc:
            errors.append(str(exc))
            continue
        if total + len(item.data) > total_limit:
            errors.append(f"{item.filename}: past niet meer bij de andere bijlagen. "
                          f"{limits_sentence()}")  # fmt: skip
            continue
        total += len(item.data)
        checked.append(item)
    return checked, errors


def store(item: Checked) -> str:
    """Write a checked file to UPLOAD_DIR under a new random name and return that name.

    Written to a temporary name first and renamed, so a reader never sees half a file.
    """
    folder = upload_dir()
    stored = secrets.token_hex(20)
    temporary = folder / f".{stored}.part"
    temporary.write_bytes(item.data)
    os.replace(temporary, folder / stored)
    return stored


def remove_stored(stored_names: list[str]) -> None:
    """Delete stored files whose rows were never committed (nothing is left orphaned)."""
    for name in stored_names:
        (upload_dir() / name).unlink(missing_ok=True)


def collect_uploads(
    form: Any, keep_new: bool, owner: str = ""
) -> tuple[list[PendingFile], list[str]]:
    """Keep a posted form's earlier uploads, drop those the user removed, check the new ones.

    New files are written to the pending area only when keep_new (the form is valid and within
    its limits); otherwise they are checked, reported and forgotten. The form's `pending` field
    gets the new signed list; its `attachments` field the errors.
    """
    removed = set(request.form.getlist("verwijder_bijlage"))
    public = set(request.form.getlist(PUBLIC_FIELD))
    held = pending.from_token(form.pending.data)
    for item in [p for p in held if p.id in removed]:
        pending.discard(item)
    held = [p for p in held if p.id not in removed]
    for item in held:
        item.public = item.id in public
    checked, errors = check_files(form.attachments.data or [], len(held), sum(p.size for p in held))
    if checked and not keep_new:
        names = ", ".join(c.filename for c in checked)
        errors.append(
            f"{names}: nog niet bewaard, omdat het formulier nog niet verzonden kon worden. "
            "Kies het bestand opnieuw wanneer u het formulier opnieuw verstuurt."
        )
    elif checked:
        try:
            kept = pending.keep(
                [(c.filename, c.content_type, c.data, c.sha256) for c in checked], owner
            )
            for item in kept:
                item.public = bool(form.attachments_public.data)
            held += kept
        except pending.PendingFull as exc:
            errors.append(str(exc))
    form.pending.data = pending.token(held)
    form.attachments.errors = list(form.attachments.errors) + errors
    return held, errors


def attach(files: list[PendingFile]) -> list[Attachment]:
    """Move pending files to their final place and return (unsaved) Attachment rows.

    Their descriptions stay in the pending area until `settle` (after the commit), so `detach`
    can put everything back when the database refuses the row.
    """
    rows = []
    folder = upload_dir()
    for item in files:
        stored = secrets.token_hex(20)
        os.replace(folder / "pending" / item.id, folder / stored)
        rows.append(
            Attachment(filename=item.filename, stored_name=stored, content_type=item.content_type,
                       size=item.size, sha256=item.sha256, may_publish=item.public)
        )  # fmt: skip
    return rows


def detach(rows: list[Attachment], files: list[PendingFile]) -> None:
    """Undo `attach` after a failed commit: the files are pending again, nothing is orphaned."""
    folder = upload_dir()
    for row, item in zip(rows, files, strict=True):
        try:
            os.replace(folder / row.stored_name, folder / "pending" / item.id)
        except FileNotFoundError:
            log.warning("Bijlage %s was al weg bij het terugzetten", item.id)


def settle(files: list[PendingFile]) -> None:
    """Forget the pending descriptions of files that are now stored for good."""
    for item in files:
        (upload_dir() / "pending" / f"{item.id}.json").unlink(missing_ok=True)


def prune_pending(max_age: float | None = None) -> pending.Purged:
    """Delete pending files older than max_age seconds (default: PENDING_UPLOADS_MAX_AGE)."""
    return pending.purge(max_age)


def download(attachment: Any) -> Response:
    """Serve an attachment as a download that the browser will never render or run.

    Any row with stored_name, filename and content_type (submission and group attachments);
    the caller has checked who may have it.
    """
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
