"""The pending area (UPLOAD_DIR/pending): checked attachments held while their form is open.

Only files of a form that validated reach this folder. It is capped in total bytes
(PENDING_UPLOADS_MAX_BYTES), per sending address (PENDING_UPLOADS_PER_ADDRESS_BYTES) and in age
(PENDING_UPLOADS_MAX_AGE): every write first purges what is too old, and `kb purge-pending`
does the same from cron. The form carries a signed list of pending ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

PENDING_SALT = "kb-pending-uploads"
# A data file without its description (a worker died between the two writes) is junk after this.
_STRAY_SECONDS = 600
# Every held file counts as at least this many bytes against the caps, so the caps also bound
# how many files (tiny ones included) the folder can hold.
MIN_CHARGE = 64 * 1024


class PendingFull(ValueError):
    """The pending area (or this address's share of it) has no room; the message is Dutch."""


@dataclass
class PendingFile:
    """A checked file waiting for its form to be sent."""

    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    owner: str = ""
    # The submitter's choice: may this file be published with the article? The form carries
    # it on every post (a checkbox per held file), so a preview or an error keeps it.
    public: bool = False


@dataclass
class Purged:
    """What a purge removed."""

    files: int = 0
    bytes: int = 0


def folder() -> Path:
    """Return the pending folder (created when missing)."""
    path = Path(current_app.config["UPLOAD_DIR"]) / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def owner_key(address: str) -> str:
    """Return a keyed hash of the sending address: the folder never holds the address itself."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _valid_id(ident: object) -> bool:
    return isinstance(ident, str) and len(ident) == 32 and ident.isalnum()


def _read(meta: Path) -> PendingFile | None:
    try:
        return PendingFile(**json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def purge(max_age: float | None = None) -> Purged:
    """Delete pending files older than max_age seconds (default from config) and stray halves."""
    age = float(current_app.config["PENDING_UPLOADS_MAX_AGE"] if max_age is None else max_age)
    now, purged = time.time(), Purged()
    base = folder()
    for path in base.iterdir():
        try:
            stat = path.stat()
            ident = path.name.removesuffix(".json")
            partner = base / (ident if path.suffix == ".json" else f"{ident}.json")
            stray = not partner.exists() and stat.st_mtime < now - min(age, _STRAY_SECONDS)
            if stat.st_mtime < now - age or stray:
                path.unlink()
                purged.files += path.suffix != ".json"
                purged.bytes += stat.st_size
        except OSError:  # another worker removed it first
            continue
    return purged


def usage(owner: str) -> tuple[int, int]:
    """Return the bytes charged in total and for this owner (each file at least MIN_CHARGE)."""
    total = mine = 0
    for meta in folder().glob("*.json"):
        item = _read(meta)
        if item is None:
            continue
        charge = max(item.size, MIN_CHARGE)
        total += charge
        mine += charge if item.owner == owner else 0
    return total, mine


def keep(files: list[tuple[str, str, bytes, str]], owner: str) -> list[PendingFile]:
    """Write checked files (name, content type, data, sha256) to the pending area, within caps."""
    purge()
    config = current_app.config
    incoming = sum(max(len(data), MIN_CHARGE) for _n, _t, data, _s in files)
    total, mine = usage(owner)
    if mine + incoming > int(config["PENDING_UPLOADS_PER_ADDRESS_BYTES"]):
        raise PendingFull(
            "Er wachten vanaf dit adres al veel bijlagen op verzending; deze is niet bewaard. "
            "Verstuur eerst uw formulier, of probeer het morgen opnieuw."
        )
    if total + incoming > int(config["PENDING_UPLOADS_MAX_BYTES"]):
        raise PendingFull(
            "De kennisbank kan op dit moment geen bijlagen meer aannemen; uw bijlage is niet "
            "bewaard. Uw tekst staat er nog: probeer het later opnieuw of verstuur zonder bijlage."
        )
    kept, base = [], folder()
    for name, content_type, data, digest in files:
        item = PendingFile(secrets.token_hex(16), name, content_type, len(data), digest, owner)
        (base / item.id).write_bytes(data)
        (base / f"{item.id}.json").write_text(json.dumps(asdict(item)), encoding="utf-8")
        kept.append(item)
    return kept


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PENDING_SALT)


def token(files: list[PendingFile]) -> str:
    """Sign the list of pending ids for a hidden form field."""
    return _serializer().dumps([f.id for f in files])


def from_token(value: str | None) -> list[PendingFile]:
    """Return the pending files a signed token names (those still on disk)."""
    if not value:
        return []
    try:
        ids = _serializer().loads(value, max_age=current_app.config["PENDING_UPLOADS_MAX_AGE"])
    except BadSignature:
        return []
    files, base = [], folder()
    for ident in ids if isinstance(ids, list) else []:
        if _valid_id(ident) and (base / ident).is_file():
            item = _read(base / f"{ident}.json")
            if item is not None:
                files.append(item)
    return files


def discard(item: PendingFile) -> None:
    """Remove a pending file (taken off the form, or stored for good)."""
    base = folder()
    (base / item.id).unlink(missing_ok=True)
    (base / f"{item.id}.json").unlink(missing_ok=True)
