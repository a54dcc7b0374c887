"""Submissions: practice examples that regions send in, and the editors' review of them.

Modules: `workflow` (create, edit, send back, resubmit, reject, publish; every step commits and
then mails), `forms` (the region's and the editor's forms), `uploads` (attachments: checked,
held while the form is open, served privately), `notifications` (the Dutch e-mails) and
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
from kb.submissions.similar import similar_articles
from kb.submissions.uploads import PendingFile, collect_uploads, download
from kb.submissions.workflow import (
    ACTION_LABELS,
    FIELD_LABELS,
    OPEN,
    SECTIONS,
    STATUS_LABELS,
    TransitionError,
    by_token,
    create,
    edit,
    publish,
    publish_problems,
    reject,
    resubmit,
    send_back,
)

__all__ = [
    "ACTION_LABELS",
    "FIELD_LABELS",
    "OPEN",
    "SECTIONS",
    "STATUS_LABELS",
    "EditorSubmissionForm",
    "PendingFile",
    "ResubmitForm",
    "SubmissionFields",
    "SubmissionForm",
    "TransitionError",
    "by_token",
    "collect_uploads",
    "create",
    "download",
    "edit",
    "form_data",
    "initial_data",
    "publish",
    "publish_problems",
    "reject",
    "resubmit",
    "send_back",
    "similar_articles",
]
