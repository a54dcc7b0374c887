"""Submissions: practice examples that regions send in, and the editors' review of them.

Modules: `workflow` (create, edit, send back, resubmit, reject, publish; every step commits and
then mails), `forms` (the region's and the editor's forms), `uploads` (attachments: checked,
held while the form is open, served privately; with `intake`, which caps them while they stream
in, and `pending`, the capped area that holds them), `notifications` (the Dutch e-mails) and
`similar` ("Lijkt op": published articles like the typed text), `team` (assignment, editors'
comments, attachments confirmed for publication), `versions` (the kept versions of the fields
and the version check that stops two editors overwriting each other) and `vocabulary` (the
statuses, steps and field names, and the workflow's errors).
"""

from kb.submissions.forms import (
    AssignForm,
    CommentForm,
    EditorSubmissionForm,
    PublishForm,
    ResubmitForm,
    SubmissionFields,
    SubmissionForm,
    form_data,
    initial_data,
    version_of,
)
from kb.submissions.pending import PendingFile
from kb.submissions.pending import discard as discard_pending
from kb.submissions.pending import owner_key as pending_owner
from kb.submissions.pending import purge as purge_pending
from kb.submissions.similar import similar_articles
from kb.submissions.team import (
    TeamError,
    add_comment,
    assign,
    assigned_to,
    comments,
    confirm_attachments,
    editors,
)
from kb.submissions.uploads import (
    DOCUMENTS_AND_IMAGES,
    Checked,
    check_files,
    collect_uploads,
    download,
    limits_sentence,
    readable_size,
    remove_stored,
    store,
    type_label,
)
from kb.submissions.versions import history, state_of, typed_state
from kb.submissions.vocabulary import (
    ACTION_LABELS,
    FIELD_LABELS,
    OPEN,
    SECTIONS,
    STATUS_LABELS,
    EditConflict,
    TransitionError,
)
from kb.submissions.workflow import (
    DuplicateSubmission,
    by_idempotency_key,
    by_token,
    create,
    edit,
    publish,
    publish_problems,
    reject,
    rendered_sections,
    resubmit,
    send_back,
)

__all__ = [
    "ACTION_LABELS",
    "DOCUMENTS_AND_IMAGES",
    "Checked",
    "FIELD_LABELS",
    "OPEN",
    "SECTIONS",
    "STATUS_LABELS",
    "AssignForm",
    "CommentForm",
    "EditorSubmissionForm",
    "PublishForm",
    "PendingFile",
    "ResubmitForm",
    "SubmissionFields",
    "SubmissionForm",
    "DuplicateSubmission",
    "EditConflict",
    "TeamError",
    "TransitionError",
    "add_comment",
    "assign",
    "assigned_to",
    "comments",
    "confirm_attachments",
    "editors",
    "history",
    "by_idempotency_key",
    "by_token",
    "check_files",
    "collect_uploads",
    "create",
    "discard_pending",
    "download",
    "edit",
    "form_data",
    "initial_data",
    "limits_sentence",
    "pending_owner",
    "publish",
    "publish_problems",
    "purge_pending",
    "readable_size",
    "reject",
    "remove_stored",
    "rendered_sections",
    "resubmit",
    "send_back",
    "similar_articles",
    "state_of",
    "type_label",
    "typed_state",
    "version_of",
    "store",
]
