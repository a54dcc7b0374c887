"""Groups (issue 15): CoP spaces, members, invitations, discussions and their moderation.

Modules: `models` (the tables), `access` (the one rule for who sees and does what; every route,
the search, the feeds and the mails use it), `notify` (mail for a new post: every-post members
and @mentions, see `mentions`), `digest` (the group part of `kb send-digests`), `unsubscribe`
(one-click unsubscribe of group mail), `search` ("In mijn groepen") and `mailstate` (the mail
bookkeeping tables).
"""

from kb.groups.access import ACTIONS, can, is_staff, membership, visible_group_ids
from kb.groups.digest import send_group_digests
from kb.groups.mailstate import GroupFanout, GroupMailPref, GroupNotice
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
from kb.groups.notify import post_created
from kb.groups.search import GroupHit, GroupSearch, search_posts
from kb.groups.unsubscribe import is_group_recipient, unsubscribe

__all__ = [
    "ACTIONS",
    "KINDS",
    "MEMBER_ROLES",
    "MEMBER_STATES",
    "NOTIFY_CHOICES",
    "VISIBILITIES",
    "Group",
    "GroupFanout",
    "GroupHit",
    "GroupInvitation",
    "GroupMailPref",
    "GroupMember",
    "GroupNotice",
    "GroupSearch",
    "Mention",
    "ModerationAction",
    "Post",
    "PostAttachment",
    "PostReport",
    "PostRevision",
    "Topic",
    "TopicRead",
    "can",
    "is_group_recipient",
    "is_staff",
    "membership",
    "post_created",
    "search_posts",
    "send_group_digests",
    "unsubscribe",
    "visible_group_ids",
]
