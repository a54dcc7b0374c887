"""Submissions: practice examples that regions send in, and the editors' review of them.

Modules: `workflow` (create, edit, send back, resubmit, reject, publish; every step commits and
then mails), `forms` (the region's and the editor's forms), `uploads` (attachments: checked,
held while the form is open, served privately; with `intake`, which caps them while they stream
in, and `pending`, the capped area that holds them), `notifications` (the Dutch e-mails) and
`similar` ("Lijkt op": published articles like the typed text).
"""

from kb.submissions.forms import (
    EditorSubmissionForm,
    ResubmitForm,
    SubmissionFields,
    SubmissionForm,
    form_data,
    initial_data,
)
from kb.submissions.pending import PendingFile
from kb.submissions.pending import discard as discard_pending
from kb.submissions.pending import owner_key as pending_owner
from kb.submissions.pending import purge as purge_pending
from kb.submissions.similar import similar_articles
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
)
from kb.submissions.workflow import (
    ACTION_LABELS,
    FIELD_LABELS,
    OPEN,
    SECTIONS,
    STATUS_LABELS,
    DuplicateSubmission,
    TransitionError,
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
    "EditorSubmissionForm",
    "PendingFile",
    "ResubmitForm",
    "SubmissionFields",
    "SubmissionForm",
    "DuplicateSubmission",
    "TransitionError",
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
    "store",
]
