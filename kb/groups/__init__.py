"""Groups (issue 15): CoP spaces, members, invitations, discussions and their moderation.

Modules: `models` (the tables), `access` (the one rule for who sees and does what; every route,
<<<<<<< HEAD
the search, the feeds and the mails use it), `notify` (mail for a new post: every-post members
and @mentions, see `mentions`), `digest` (the group part of `kb send-digests`), `unsubscribe`
(one-click unsubscribe of group mail), `search` ("In mijn groepen") and `mailstate` (the mail
bookkeeping tables).
=======
the search, the feeds and the mails use it), `membership` (groups and members), `invitations`
(signed, expiring links by e-mail), `discussions` (topics and posts), `attachments` (files with
posts, through kb.submissions' checks), `moderation` (reports, hide/restore, lock, pin,
approve), `drafts` (a post becomes a draft practice example), `pages` (what the pages read),
`records` (the moderation log) and `notify` (hooks helper "groupmail" fills in).
>>>>>>> groups
"""

from kb.groups import notify
from kb.groups.access import ACTIONS, can, is_staff, membership, visible_group_ids
<<<<<<< HEAD
from kb.groups.digest import send_group_digests
from kb.groups.mailstate import GroupFanout, GroupMailPref, GroupNotice
=======
from kb.groups.attachments import by_id as attachment_by_id
from kb.groups.attachments import serve as serve_attachment
from kb.groups.discussions import (
    BODY_MAX,
    TITLE_MAX,
    DuplicatePost,
    PostRefused,
    delete_post,
    edit_post,
    mark_read,
    post_by_id,
    reply,
    revisions,
    start_topic,
    topic_by_id,
)
from kb.groups.drafts import DraftError, citation, make_draft
from kb.groups.invitations import (
    InvitationError,
    accept,
    from_token,
    invite,
    open_invitations,
    register_and_accept,
)
from kb.groups.membership import (
    KIND_LABELS,
    ROLE_LABELS,
    VISIBILITY_LABELS,
    MembershipError,
    add_member,
    approve,
    by_slug,
    create_group,
    decline,
    ensure_cop_groups,
    group_for_article,
    join,
    leave,
    member_by_id,
    remove_member,
    set_archived,
    set_role,
    update_group,
)
>>>>>>> groups
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
<<<<<<< HEAD
from kb.groups.notify import post_created
from kb.groups.search import GroupHit, GroupSearch, search_posts
from kb.groups.unsubscribe import is_group_recipient, unsubscribe
=======
from kb.groups.moderation import (
    ACTION_LABELS,
    REASON_MAX,
    ModerationError,
    approve_post,
    dismiss,
    held_posts,
    hide,
    history,
    open_reports,
    report,
    restore,
    restore_deleted,
    set_topic_flag,
)
from kb.groups.pages import group_list, members, topic_list, topic_posts
>>>>>>> groups

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "BODY_MAX",
    "KINDS",
    "KIND_LABELS",
    "MEMBER_ROLES",
    "MEMBER_STATES",
    "NOTIFY_CHOICES",
    "REASON_MAX",
    "ROLE_LABELS",
    "TITLE_MAX",
    "VISIBILITIES",
    "VISIBILITY_LABELS",
    "DraftError",
    "DuplicatePost",
    "Group",
    "GroupFanout",
    "GroupHit",
    "GroupInvitation",
    "GroupMailPref",
    "GroupMember",
<<<<<<< HEAD
    "GroupNotice",
    "GroupSearch",
=======
    "InvitationError",
    "MembershipError",
>>>>>>> groups
    "Mention",
    "ModerationAction",
    "ModerationError",
    "Post",
    "PostAttachment",
    "PostRefused",
    "PostReport",
    "PostRevision",
    "Topic",
    "TopicRead",
    "accept",
    "add_member",
    "approve",
    "approve_post",
    "attachment_by_id",
    "by_slug",
    "can",
<<<<<<< HEAD
    "is_group_recipient",
=======
    "citation",
    "create_group",
    "decline",
    "delete_post",
    "dismiss",
    "edit_post",
    "ensure_cop_groups",
    "from_token",
    "group_for_article",
    "group_list",
    "held_posts",
    "hide",
    "history",
    "invite",
>>>>>>> groups
    "is_staff",
    "join",
    "leave",
    "make_draft",
    "mark_read",
    "member_by_id",
    "members",
    "membership",
<<<<<<< HEAD
    "post_created",
    "search_posts",
    "send_group_digests",
    "unsubscribe",
=======
    "notify",
    "open_invitations",
    "open_reports",
    "post_by_id",
    "register_and_accept",
    "remove_member",
    "reply",
    "report",
    "restore",
    "restore_deleted",
    "revisions",
    "serve_attachment",
    "set_archived",
    "set_role",
    "set_topic_flag",
    "start_topic",
    "topic_by_id",
    "topic_list",
    "topic_posts",
    "update_group",
>>>>>>> groups
    "visible_group_ids",
]
