"""Invitations by e-mail: a signed, expiring link, used once, also for people without an account.

The link carries a random nonce signed with the secret key (itsdangerous, with its own salt);
only the nonce's SHA-256 is stored. A forged or altered link fails the signature, an old one the
signature's age and the row's expires_at, a used one the row's accepted_at. Accepting asks for
a POST (a mail filter that opens links joins nobody) by someone logged in with the invited
address, or creates that account: following the link proves the address is theirs.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from kb import mail
from kb.accounts import Registration, normalise_email, register_user, user_by_email
from kb.groups.membership import add_member
from kb.groups.models import Group, GroupInvitation, GroupMember
from kb.groups.records import record
from kb.models import User, db, utcnow

INVITATION_SALT = "kb-group-invitation"


class InvitationError(ValueError):
    """An invitation that cannot be used; the message is Dutch."""


@dataclass
class Sent:
    """The outcome of inviting one address."""

    email: str
    invitation: GroupInvitation | None
    already_member: bool = False


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def invite(group: Group, inviter: User, email: str) -> Sent:
    """Create an invitation for the address and mail its link (not to people already in)."""
    email = normalise_email(email)
    existing = user_by_email(email)
    if existing is not None:
        member = db.session.scalar(
            select(GroupMember).where(
                GroupMember.group_id == group.id,
                GroupMember.user_id == existing.id,
                GroupMember.state == "active",
            )
        )
        if member is not None:
            return Sent(email, None, already_member=True)
    nonce = secrets.token_urlsafe(24)
    now = utcnow()
    invitation = GroupInvitation(
        group_id=group.id, email=email, token_hash=_hash(nonce), invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + timedelta(seconds=int(current_app.config["GROUP_INVITATION_MAX_AGE"])),
    )  # fmt: skip
    db.session.add(invitation)
    db.session.flush()
    record(group, inviter, "invite", note=email)
    db.session.commit()
    _mail(group, inviter, email, _serializer().dumps(nonce), invitation)
    return Sent(email, invitation)


def _mail(group: Group, inviter: User, email: str, token: str, invitation: GroupInvitation) -> None:
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("groups.invitation", token=token)
    until = invitation.expires_at.strftime("%d-%m-%Y")
    body = (
        f"Beste,\n\n{inviter.name} nodigt u uit voor de groep ‘{group.name}’ in de "
        "Kennisbank Onderwijs · Zorg · Jeugd.\n\n"
        f"Via deze link wordt u lid (ook als u nog geen account hebt):\n{link}\n\n"
        f"De link werkt tot en met {until} en één keer. Verwachtte u deze uitnodiging niet, "
        "dan kunt u dit bericht negeren.\n"
    )
    mail.send_mail(email, f"Uitnodiging voor de groep {group.name}", body)


def from_token(token: str) -> GroupInvitation:
    """Return the open invitation a link is for; raise InvitationError (Dutch) if unusable."""
    max_age = int(current_app.config["GROUP_INVITATION_MAX_AGE"])
    try:
        nonce = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvitationError(_EXPIRED) from exc
    except BadSignature as exc:
        raise InvitationError(_INVALID) from exc
    if not isinstance(nonce, str):
        raise InvitationError(_INVALID)
    invitation = db.session.scalar(
        select(GroupInvitation).where(GroupInvitation.token_hash == _hash(nonce))
    )
    if invitation is None:
        raise InvitationError(_INVALID)
    if invitation.accepted_at is not None:
        raise InvitationError("Deze uitnodiging is al gebruikt. Log in om naar de groep te gaan.")
    if invitation.expires_at < utcnow():
        raise InvitationError(_EXPIRED)
    if invitation.group.archived_at is not None:
        raise InvitationError("Deze groep is gearchiveerd; er kunnen geen leden meer bij.")
    return invitation


_INVALID = "Deze uitnodigingslink klopt niet. Gebruik de link uit de e-mail, in zijn geheel."
_EXPIRED = "Deze uitnodiging is verlopen. Vraag de begeleider van de groep om een nieuwe."


def _use(invitation: GroupInvitation, user: User) -> GroupMember:
    """Mark the invitation used (once, also across workers) and make the user a member."""
    taken = db.session.execute(
        update(GroupInvitation)
        .where(GroupInvitation.id == invitation.id, GroupInvitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        db.session.rollback()
        raise InvitationError("Deze uitnodiging is al gebruikt. Log in om naar de groep te gaan.")
    db.session.commit()
    return add_member(invitation.group, user)


def accept(invitation: GroupInvitation, user: User) -> GroupMember:
    """Join the group with the account of the invited address."""
    if normalise_email(user.email) != invitation.email:
        raise InvitationError(
            f"Deze uitnodiging is voor {invitation.email}. Log in met dat e-mailadres, "
            "of vraag de begeleider om een uitnodiging voor uw eigen adres."
        )
    return _use(invitation, user)


def register_and_accept(
    invitation: GroupInvitation, name: str, organisation: str, region: str, password_hash: str
) -> User:
    """Create the account of the invited address and make it a member; raise if it exists."""
    user = register_user(
        Registration(
            email=invitation.email,
            name=name,
            organisation=organisation,
            region=region,
            password_hash=password_hash,
        )  # fmt: skip
    )
    if user is None:
        raise InvitationError(
            "Er is al een account met dit e-mailadres. Log in en open de link opnieuw."
        )
    _use(invitation, user)
    return user


def open_invitations(group: Group) -> list[GroupInvitation]:
    """Return the group's invitations that are neither used nor expired, newest first."""
    return list(
        db.session.scalars(
            select(GroupInvitation)
            .where(
                GroupInvitation.group_id == group.id,
                GroupInvitation.accepted_at.is_(None),
                GroupInvitation.expires_at >= utcnow(),
            )
            .order_by(GroupInvitation.id.desc())
        )
    )
