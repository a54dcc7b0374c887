"""Who may see and do what in a group: the one rule every route, search, feed and mail uses.

The rule:
- Content of a group (topics, posts, attachments, members list) is shown only to its active
  members, and to editors and admins (who manage all groups and must be able to act on a
  report, also in a closed group). Anonymous visitors see no group content at all.
- Whether a group is *listed* depends on visibility: "open" and "request" groups are listed to
  every logged-in member (name and description only); "closed" groups only to their members
  (and editors/admins). Open groups can be joined directly, "request" groups after a
  facilitator approves, closed groups only through an invitation.
- Facilitators ("begeleiders") of a group, editors and admins moderate it; only facilitators,
  editors and admins invite. An archived group stays readable for its members; nobody posts.
- Blocked accounts can do nothing (Flask-Login refuses them before they get here; mail code
  passes User rows, so this checks too).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kb.accounts.roles import ROLE_RANK
from kb.groups.models import Group, GroupMember
from kb.models import User, db

ACTIONS = (
    "list",  # the group appears in lists and its page shows name + description
    "read",  # topics, posts, attachments, members
    "join",  # become a member at once (open groups)
    "request",  # ask to become a member (request groups)
    "post",  # open a topic or reply
    "report",  # "Meld dit bericht"
    "moderate",  # hide/restore, lock, pin, remove members, approve, see reports
    "invite",  # send invitations by e-mail
    "manage",  # edit name/description/visibility, archive, appoint facilitators
)


def _row(user: Any) -> User | None:
    """Return the User row behind current_user, a SessionUser or a User; None if anonymous."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    row = getattr(user, "row", user)
    if not isinstance(row, User) or row.is_blocked:
        return None
    return row


def is_staff(user: Any) -> bool:
    """Tell whether the user is an editor or admin (manages every group)."""
    row = _row(user)
    return row is not None and ROLE_RANK.get(row.role, 0) >= ROLE_RANK["editor"]


def membership(user: Any, group: Group) -> GroupMember | None:
    """Return the user's membership row in the group (any state), or None."""
    row = _row(user)
    if row is None:
        return None
    return db.session.scalar(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == row.id)
    )


def visible_group_ids(user: Any) -> set[int]:
    """Return the ids of the groups whose content the user may read."""
    row = _row(user)
    if row is None:
        return set()
    if is_staff(row):
        return set(db.session.scalars(select(Group.id)))
    return set(
        db.session.scalars(
            select(GroupMember.group_id).where(
                GroupMember.user_id == row.id, GroupMember.state == "active"
            )
        )
    )


def can(user: Any, action: str, group: Group, member: GroupMember | None = None) -> bool:
    """Tell whether the user may do `action` (see ACTIONS) in the group.

    `member` may be passed when the caller already loaded the membership (saves a query).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown group action: {action}")
    row = _row(user)
    if row is None:
        return False
    staff = is_staff(row)
    if member is None or member.user_id != row.id or member.group_id != group.id:
        member = membership(row, group)
    active = member is not None and member.state == "active"
    facilitator = active and member is not None and member.role == "facilitator"
    archived = group.archived_at is not None
    if action == "list":
        return staff or active or group.visibility in ("open", "request")
    if action == "read":
        return staff or active
    if action in ("join", "request"):
        wanted = "open" if action == "join" else "request"
        # A removed member cannot rejoin on their own; a facilitator has to invite them again.
        return not archived and member is None and group.visibility == wanted
    if action in ("post", "report"):
        return not archived and (active or staff)
    if action in ("moderate", "invite"):
        return facilitator or staff
    return staff  # manage
