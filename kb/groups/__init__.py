"""Groups (issue 15): CoP spaces, members, invitations, discussions and their moderation.

Modules: `models` (the tables), `access` (the one rule for who sees and does what; every route,
the search, the feeds and the mails use it), `notify` (hooks helper "groupmail" fills in).
"""

from kb.groups.access import ACTIONS, can, is_staff, membership, visible_group_ids
from kb.groups.models import (
    KINDS,
    MEMBER_ROLES,
    MEMBER_STATES,
    NOTIFY_CHOICES,
    VISIBILITIES,
    Group,
    GroupInvitation,
    GroupMember,
    Mention,
    ModerationAction,
    Post,
    PostAttachment,
    PostReport,
    PostRevision,
    Topic,
    TopicRead,
)

__all__ = [
    "ACTIONS",
    "KINDS",
    "MEMBER_ROLES",
    "MEMBER_STATES",
    "NOTIFY_CHOICES",
    "VISIBILITIES",
    "Group",
    "GroupInvitation",
    "GroupMember",
    "Mention",
    "ModerationAction",
    "Post",
    "PostAttachment",
    "PostReport",
    "PostRevision",
    "Topic",
    "TopicRead",
    "can",
    "is_staff",
    "membership",
    "visible_group_ids",
]
