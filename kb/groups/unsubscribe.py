"""A member's mail choice per group, and one-click unsubscribe (RFC 8058) for group mail.

Recipients: "group-member:<membership id>" (every-post mail of one group: notify becomes
"none"), "group-daily:<user id>" (the daily summary: every daily membership becomes "none")
and "group-mentions:<user id>" (mention mails off). The follows' unsubscribe page signs and
checks the links; this only says what a recipient means.
"""

from __future__ import annotations

from sqlalchemy import update

from kb.groups.mailstate import GroupMailPref
from kb.groups.models import GroupMember
from kb.models import User, db, utcnow

PREFIX = "group-"
NOTIFY_LABELS = {"each": "bij elk bericht", "daily": "dagelijks overzicht", "none": "geen e-mail"}


def set_notify(member: GroupMember, choice: str) -> None:
    """Set how an active member hears of new posts in the group (each|daily|none); commits."""
    if choice not in NOTIFY_LABELS:
        raise ValueError(f"unknown notify choice: {choice}")
    member.notify = choice
    db.session.commit()


def is_group_recipient(recipient: str) -> bool:
    """Tell whether a signed recipient names group mail."""
    return recipient.startswith(PREFIX)


def unsubscribe(recipient: str) -> bool:
    """Stop the group mail a recipient names; commits; False if nothing matched."""
    kind, _, ident = recipient.partition(":")
    if not ident.isdigit():
        return False
    number = int(ident)
    if kind == "group-member":
        changed = db.session.execute(
            update(GroupMember).where(GroupMember.id == number).values(notify="none")
        ).rowcount
    elif kind == "group-daily":
        changed = db.session.execute(
            update(GroupMember)
            .where(GroupMember.user_id == number, GroupMember.notify == "daily")
            .values(notify="none")
        ).rowcount
        changed = max(changed, 1)  # already off: still a valid link
    elif kind == "group-mentions":
        if db.session.get(User, number) is None:
            return False
        pref = db.session.get(GroupMailPref, number) or GroupMailPref(user_id=number)
        pref.mentions, pref.updated_at = False, utcnow()
        db.session.add(pref)
        changed = 1
    else:
        return False
    db.session.commit()
    return bool(changed)
