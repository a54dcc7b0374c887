"""From discussion to knowledge: a topic or reply becomes a draft practice example for review.

The draft is an ordinary submission (kb.submissions.create, status "submitted": the editors'
review queue), in the author's name, cited to the discussion. The begeleider confirms the
author's consent; that confirmation is recorded in group_moderation with the submission's id.
The post's id is the submission's idempotency key, so one post never becomes two drafts.
"""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import func, select

from kb import render
from kb.groups.access import can
from kb.groups.models import Post
from kb.groups.records import record
from kb.models import Submission, User, db
from kb.submissions import DuplicateSubmission, create


class DraftError(ValueError):
    """A post that cannot become a draft; the message is Dutch."""


def citation(post: Post) -> str:
    """Return the sentence that says where the example comes from."""
    topic, group = post.topic, post.topic.group
    author = post.author
    who = author.name if author else "een lid"
    if author and author.organisation:
        who = f"{who} ({author.organisation})"
    link = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "group_topics.topic", slug=group.slug, topic_id=topic.id, _anchor=f"bericht-{post.id}"
    )
    return (
        f"Uit de discussie ‘{topic.title}’ in de groep ‘{group.name}’, bericht van {who} "
        f"op {post.created_at.strftime('%d-%m-%Y')}: {link}"
    )


def make_draft(post: Post, actor: User, consent: bool) -> Submission:
    """Turn the post into a draft practice example in the review queue."""
    group = post.topic.group
    if not can(actor, "moderate", group):
        raise DraftError("Alleen een begeleider kan een bericht als praktijkvoorbeeld indienen.")
    if not consent:
        raise DraftError("Bevestig dat de auteur toestemming geeft.")
    if post.deleted_at or post.hidden_at or post.pending_review or post.author is None:
        raise DraftError("Dit bericht is niet zichtbaar en kan geen praktijkvoorbeeld worden.")
    author = post.author
    first = post.id == _first_post_id(post)
    title = post.topic.title if first else f"{post.topic.title} (reactie van {author.name})"
    text = render.render_markdown(post.body).text
    data = {
        "title": title[:300],
        "summary": text[:300],
        "background": citation(post),
        "approach": post.body,
        "contact_name": author.name,
        "contact_email": author.email,
        "organisation": author.organisation,
        "region": author.region.slug if author.region else "",
    }
    try:
        submission, _token = create(data, [], author, idempotency_key=f"group-post-{post.id}")
    except DuplicateSubmission as exc:
        raise DraftError("Dit bericht is al als praktijkvoorbeeld ingediend.") from exc
    record(group, actor, "draft", post_id=post.id, topic_id=post.topic_id, user_id=author.id,
           note=f"Inzending {submission.id}; toestemming van de auteur bevestigd door "
                f"{actor.name}.")  # fmt: skip
    db.session.commit()
    return submission


def _first_post_id(post: Post) -> int | None:
    return db.session.scalar(select(func.min(Post.id)).where(Post.topic_id == post.topic_id))
