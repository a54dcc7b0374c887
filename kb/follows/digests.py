"""`kb send-digests`: mail members (and confirmed newsletter subscribers) what is new.

Idempotent and safe on several workers or nodes: each (recipient, frequency) has a state row
that a run claims with one atomic UPDATE (a lease); the row's `sent_until` and `next_due` move
only after the mail went out. Run it twice and the second run finds nothing due; run it on
two nodes at once and each recipient is claimed by one. A saved search that cannot run (index
down) or a mail that fails keeps the recipient's place, so the next run sends it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from kb import mail, queries, search
from kb.follows import links, newsletter, store
from kb.models import Article, DigestState, Follow, Subscriber, User, db, utcnow

PERIODS = {"immediate": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
SUBJECTS = {"immediate": "Nieuw in wat u volgt", "daily": "Uw dagelijkse overzicht",
            "weekly": "Uw wekelijkse overzicht"}  # fmt: skip
# A run that dies while sending gives its recipient back after this long.
LEASE = timedelta(minutes=15)
NEWSLETTER_SIZE = 30


@dataclass
class DigestReport:
    """What a run did: mails sent, recipients with nothing new, deferred and failed."""

    sent: int = 0
    empty: int = 0
    deferred: int = 0
    failed: int = 0
    recipients: list[str] = field(default_factory=list)


@dataclass
class Group:
    """One followed item or saved search in a digest, with its new and changed articles."""

    label: str
    url: str
    articles: list[tuple[Article, bool]]  # (article, is new since the last digest)


def _due_frequencies() -> dict[str, list[tuple[str, str, datetime]]]:
    """Return per frequency the recipients that should have a state row, with a start time."""
    wanted: dict[str, list[tuple[str, str, datetime]]] = {f: [] for f in PERIODS}
    rows = db.session.execute(
        select(Follow.user_id, Follow.frequency, Follow.created_at)
        .join(User, User.id == Follow.user_id)
        .where(Follow.frequency.in_(PERIODS), User.is_blocked.is_(False))
    )
    for user_id, frequency, created in rows:
        wanted[frequency].append((f"user:{user_id}", frequency, created))
    for sub_id, confirmed in db.session.execute(
        select(Subscriber.id, Subscriber.confirmed_at).where(Subscriber.confirmed_at.is_not(None))
    ):
        wanted["weekly"].append((f"subscriber:{sub_id}", "weekly", confirmed))
    return wanted


def _ensure_states() -> None:
    """Create missing state rows; starting at the follow, so nothing older is mailed."""
    existing = set(db.session.execute(select(DigestState.recipient, DigestState.frequency)))
    for entries in _due_frequencies().values():
        for recipient, frequency, start in entries:
            if (recipient, frequency) in existing:
                continue
            existing.add((recipient, frequency))
            try:
                with db.session.begin_nested():  # another node may insert the same row
                    db.session.add(DigestState(
                        recipient=recipient, frequency=frequency, sent_until=start,
                        next_due=start + PERIODS[frequency],
                    ))  # fmt: skip
            except IntegrityError:
                pass
    db.session.commit()


def claim(state_id: int, now: datetime) -> str | None:
    """Lease a due state row for this run (one atomic UPDATE); return its token, or None."""
    token = secrets.token_hex(16)
    claimed = db.session.execute(
        update(DigestState)
        .where(DigestState.id == state_id, DigestState.next_due <= now,
               (DigestState.lease_until.is_(None)) | (DigestState.lease_until < now))
        .values(lease_until=now + LEASE, lease_token=token)
    ).rowcount  # fmt: skip
    db.session.commit()
    return token if claimed == 1 else None


def finish(state_id: int, token: str, sent_until: datetime | None, next_due: datetime | None):
    """Give a leased row back; move its period on only when sent_until is given."""
    values: dict = {"lease_until": None, "lease_token": None}
    if sent_until is not None:
        values |= {"sent_until": sent_until, "next_due": next_due}
    db.session.execute(
        update(DigestState)
        .where(DigestState.id == state_id, DigestState.lease_token == token)
        .values(**values)
    )
    db.session.commit()


def _user_groups(user: User, frequency: str, since: datetime) -> list[Group]:
    groups = []
    rows = db.session.scalars(
        select(Follow).where(Follow.user_id == user.id, Follow.frequency == frequency)
        .order_by(Follow.id)
    )  # fmt: skip
    for row in rows:
        described = store.label_and_url(row.kind, row.target, row.name)
        if described is None:
            continue
        articles = store.changed_since(row, since)  # may raise IndexUnavailable: caller defers
        if articles:
            groups.append(Group(described[0], described[1], _marked(articles, since)))
    return groups


def _newsletter_groups(since: datetime) -> list[Group]:
    articles = [a for a in queries.recently_changed({}, NEWSLETTER_SIZE) if a.updated_at > since]
    return [Group("Nieuw en gewijzigd in de kennisbank", "/", _marked(articles, since))] if \
        articles else []  # fmt: skip


def _marked(articles: list[Article], since: datetime) -> list[tuple[Article, bool]]:
    return [(a, a.published_at is not None and a.published_at > since) for a in articles]


def _address(recipient: str) -> str | None:
    kind, _, ident = recipient.partition(":")
    model = User if kind == "user" else Subscriber
    row = db.session.get(model, int(ident))
    if row is None or (kind == "user" and row.is_blocked):
        return None
    return row.email


def _groups(recipient: str, frequency: str, since: datetime) -> list[Group]:
    kind, _, ident = recipient.partition(":")
    if kind == "subscriber":
        return _newsletter_groups(since)
    user = db.session.get(User, int(ident))
    return _user_groups(user, frequency, since) if user is not None else []


def _send(address: str, recipient: str, frequency: str, groups: list[Group]) -> bool:
    unsubscribe = links.unsubscribe_url(recipient)
    base = current_app.config["BASE_URL"].rstrip("/")
    context = {"groups": groups, "frequency": frequency, "unsubscribe": unsubscribe,
               "base": base, "is_member": recipient.startswith("user:")}  # fmt: skip
    count = sum(len(g.articles) for g in groups)
    subject = f"{SUBJECTS[frequency]}: {count} {'artikel' if count == 1 else 'artikelen'}"
    return mail.send_mail(
        address, subject,
        render_template("mail/digest.txt", **context),
        html=render_template("mail/digest.html", **context),
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )  # fmt: skip


def send_digests(now: datetime | None = None) -> DigestReport:
    """Send every digest that is due; return what was done."""
    now = now or utcnow()
    report = DigestReport()
    base = current_app.config["BASE_URL"]
    with current_app.test_request_context("/", base_url=base):  # url_for outside a request
        _ensure_states()
        due = db.session.execute(
            select(DigestState.id, DigestState.recipient, DigestState.frequency,
                   DigestState.sent_until)
            .where(DigestState.next_due <= now, DigestState.frequency.in_(PERIODS))
            .order_by(DigestState.id)
        ).all()  # fmt: skip
        for state_id, recipient, frequency, since in due:
            token = claim(state_id, now)
            if token is None:
                continue  # another run has it, or it was just sent
            try:
                groups = _groups(recipient, frequency, since)
            except search.IndexUnavailable:
                finish(state_id, token, None, None)
                report.deferred += 1
                continue
            address = _address(recipient)
            if groups and address:
                if not _send(address, recipient, frequency, groups):
                    finish(state_id, token, None, None)
                    report.failed += 1
                    continue
                report.sent += 1
                report.recipients.append(address)
            else:
                report.empty += 1
            finish(state_id, token, now, now + PERIODS[frequency])
    return report


def unsubscribe(recipient: str, follow_id: int | None) -> bool:
    """Stop mail for a recipient (one follow, or everything); False if nothing matched."""
    kind, _, ident = recipient.partition(":")
    if not ident.isdigit():
        return False
    if kind == "subscriber":
        if db.session.get(Subscriber, int(ident)) is None:
            return False
        newsletter.remove_subscriber(int(ident))
        return True
    stmt = select(Follow).where(Follow.user_id == int(ident))
    if follow_id is not None:
        stmt = stmt.where(Follow.id == follow_id)
    rows = list(db.session.scalars(stmt))
    for row in rows:
        row.frequency = "never"
    db.session.commit()
    return bool(rows)
