"""The submitter's review link from a reminder mail: confirm the article or propose changes."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from kb import freshness, mail
from kb.forms import KBForm
from kb.submissions.notifications import editor_addresses

bp = Blueprint("review_link", __name__)


class ReviewAnswerForm(KBForm):
    """The submitter's answer: it still holds, or what has changed."""

    changes = TextAreaField("Wat is er veranderd? (laat leeg als alles nog klopt)",
                            validators=[Optional(), Length(max=5000,
                                                           message="Hoogstens 5000 tekens.")])


@bp.route("/controle/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Let a submitter confirm their published example, or tell the editors what changed."""
    article = freshness.article_for_review_token(token) or abort(404)
    form = ReviewAnswerForm()
    if form.validate_on_submit():
        changes = (form.changes.data or "").strip()
        if changes:
            mail.send_mail(editor_addresses(), f"Wijziging voorgesteld: {article.title}",
                           render_template("mail/review_changes.txt", article=article,
                                           changes=changes))  # fmt: skip
            freshness.mark_reviewed(article, None, "Indiener stelde een wijziging voor")
        else:
            freshness.mark_reviewed(article, None, "Bevestigd door de indiener: klopt nog")
        return render_template("freshness/thanks.html", changes=bool(changes))
    return render_template("freshness/confirm.html", article=article, form=form), \
        400 if form.errors else 200  # fmt: skip
