"""Groups and their members: create, join, ask, approve, remove, appoint; every change commits.

Membership changes that several requests may make at once (two clicks on "Word lid") rely on
the unique (group_id, user_id) index: the loser of the race reads the row the winner wrote.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kb import queries, slugs
from kb.groups.access import can
from kb.groups.models import Group, GroupMember
from kb.groups.records import record
from kb.models import Article, User, db, utcnow

KIND_LABELS = {
    "cop": "Community of Practice",
    "members": "Aandeelhouders",
    "connectors": "Coalitieverbinders en programmabureau",
    "inspiration": "Inspiratieregio",
    "free": "Vrije groep",
}
VISIBILITY_LABELS = {
    "open": "Open: iedere aandeelhouder kan lid worden",
    "request": "Op aanvraag: een begeleider keurt goed",
    "closed": "Besloten: alleen op uitnodiging",
}
ROLE_LABELS = {"member": "Lid", "facilitator": "Begeleider"}


class MembershipError(ValueError):
    """A membership step that cannot be taken; the message is Dutch."""


def by_slug(slug: str) -> Group | None:
    """Return the group with this slug."""
    return db.session.scalar(select(Group).where(Group.slug == slug))


def group_for_article(article_id: int) -> Group | None:
    """Return the (unarchived) group of a CoP article."""
    return db.session.scalar(
        select(Group).where(Group.article_id == article_id, Group.archived_at.is_(None))
    )


def create_group(
    name: str,
    description: str,
    kind: str,
    visibility: str,
    creator: User | None,
    article_id: int | None = None,
) -> Group:
    """Create a group; its creator becomes its first begeleider."""
    group = Group(
        slug=slugs.unique_slug(name, Group.slug, "groep"), name=name.strip(),
        description=description.strip(), kind=kind, visibility=visibility,
        article_id=article_id, created_at=utcnow(),
    )  # fmt: skip
    db.session.add(group)
    db.session.flush()
    if creator is not None:
        db.session.add(_member(group, creator, "facilitator"))
    record(group, creator, "create")
    db.session.commit()
    return group


def update_group(
    group: Group, actor: User, name: str, description: str, visibility: str,
    article_id: int | None = None,
) -> None:  # fmt: skip
    """Change a group's name, description, visibility and CoP article."""
    group.name, group.description, group.visibility = name.strip(), description.strip(), visibility
    group.article_id = article_id
    record(group, actor, "edit")
    db.session.commit()


def set_archived(group: Group, actor: User, archived: bool) -> None:
    """Archive a group (read-only for its members) or bring it back."""
    group.archived_at = utcnow() if archived else None
    record(group, actor, "archive" if archived else "unarchive")
    db.session.commit()


def _member(group: Group, user: User, role: str = "member", state: str = "active") -> GroupMember:
    return GroupMember(group_id=group.id, user_id=user.id, role=role, state=state,
                       joined_at=utcnow())  # fmt: skip


def _row(group: Group, user: User) -> GroupMember | None:
    return db.session.scalar(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )


def add_member(group: Group, user: User, role: str = "member") -> GroupMember:
    """Make the user an active member (an invitation, a facilitator); idempotent, commits."""
    member = _row(group, user)
    if member is None:
        member = _member(group, user, role)
        db.session.add(member)
        try:
            db.session.commit()
        except IntegrityError:  # the same person was added a moment ago in another request
            db.session.rollback()
            member = _row(group, user)
            assert member is not None
        return member
    if member.state != "active":
        member.state, member.removed_at, member.joined_at = "active", None, utcnow()
    if role == "facilitator":
        member.role = role
    db.session.commit()
    return member


def join(group: Group, user: User) -> GroupMember:
    """Join an open group, or ask to join a group on request."""
    if can(user, "join", group):
        return add_member(group, user)
    if not can(user, "request", group):
        raise MembershipError("U kunt zich niet zelf aanmelden voor deze groep.")
    member = _member(group, user, state="requested")
    db.session.add(member)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        member = _row(group, user)
        assert member is not None
    return member


def leave(group: Group, user: User) -> None:
    """Leave a group (or withdraw a request); the row goes, so one may join an open group again."""
    member = _row(group, user)
    if member is None or member.state == "removed":
        return
    db.session.delete(member)
    db.session.commit()


def approve(group: Group, member: GroupMember, actor: User) -> None:
    """Accept a request to join."""
    if member.group_id != group.id or member.state != "requested":
        raise MembershipError("Deze aanvraag is er niet meer.")
    member.state, member.joined_at = "active", utcnow()
    record(group, actor, "approve_member", user_id=member.user_id)
    db.session.commit()


def decline(group: Group, member: GroupMember, actor: User) -> None:
    """Turn down a request to join (the person may ask again)."""
    if member.group_id != group.id or member.state != "requested":
        raise MembershipError("Deze aanvraag is er niet meer.")
    record(group, actor, "decline_member", user_id=member.user_id)
    db.session.delete(member)
    db.session.commit()


def remove_member(group: Group, member: GroupMember, actor: User, note: str = "") -> None:
    """Remove a member: no more access; only a new invitation brings them back."""
    if member.group_id != group.id or member.state != "active":
        raise MembershipError("Deze persoon is geen lid van de groep.")
    if member.user_id == actor.id:
        raise MembershipError(
            "U kunt uzelf niet verwijderen; verlaat de groep via ‘Groep verlaten’."
        )
    member.state, member.removed_at = "removed", utcnow()
    record(group, actor, "remove_member", user_id=member.user_id, note=note.strip())
    db.session.commit()


def set_role(group: Group, member: GroupMember, actor: User, role: str) -> None:
    """Make a member begeleider, or a begeleider a member again."""
    if member.group_id != group.id or member.state != "active" or role not in ROLE_LABELS:
        raise MembershipError("Deze persoon is geen lid van de groep.")
    member.role = role
    record(group, actor, "appoint" if role == "facilitator" else "unappoint",
           user_id=member.user_id)  # fmt: skip
    db.session.commit()


def member_by_id(group: Group, member_id: int) -> GroupMember | None:
    """Return a membership row of this group by id."""
    member = db.session.get(GroupMember, member_id)
    return member if member is not None and member.group_id == group.id else None


def ensure_cop_groups() -> list[Group]:
    """Create a group for every published CoP article that has none; return the new ones."""
    have = set(db.session.scalars(select(Group.article_id).where(Group.article_id.is_not(None))))
    made = []
    for article in db.session.scalars(queries.filtered({"kind": [queries.COP_KIND]})).unique():
        if article.id in have:
            continue
        made.append(_cop_group(article))
    if made:
        db.session.commit()
    return made


def _cop_group(article: Article) -> Group:
    group = Group(
        slug=slugs.unique_slug(article.slug, Group.slug, "groep"), name=article.title,
        description=article.summary, kind="cop", visibility="request", article_id=article.id,
        created_at=utcnow(),
    )  # fmt: skip
    db.session.add(group)
    db.session.flush()
    record(group, None, "create")
    return group
