"""Files with posts: checked and stored exactly like submission attachments (kb.submissions).

Only the storing differs: a post has no preview step, so checked files go straight from memory
to UPLOAD_DIR when the post is stored, and are removed again if its transaction fails.
Serving is the submissions' private download; the view checks group membership first.
"""

from __future__ import annotations

from flask import Response

from kb.groups.models import Post, PostAttachment
from kb.models import db, utcnow
from kb.submissions import Checked, download, remove_stored, store


def attach(post: Post, files: list[Checked]) -> list[str]:
    """Store the files and add their rows to the post (flushed post); return the stored names."""
    stored: list[str] = []
    for item in files:
        name = store(item)
        stored.append(name)
        db.session.add(
            PostAttachment(
                post_id=post.id, group_id=post.group_id, filename=item.filename,
                stored_name=name, content_type=item.content_type, size=len(item.data),
                sha256=item.sha256, created_at=utcnow(),
            )
        )  # fmt: skip
    return stored


def discard(stored: list[str]) -> None:
    """Remove stored files of a post whose transaction failed."""
    remove_stored(stored)


def by_id(attachment_id: int) -> PostAttachment | None:
    """Return a post attachment."""
    return db.session.get(PostAttachment, attachment_id)


def serve(attachment: PostAttachment) -> Response:
    """Send the file as a private download (never rendered by the browser)."""
    return download(attachment)
