"""Issue 9 on the submission form: disk fill (1), duplicates (9), size limits (11), notices (12).

All against the real app on a real SQLite file and a real upload folder.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from kb.models import Attachment, Submission, db
from tests.support.accounts import (
    PDF_BYTES,
    csrf,
    login,
    make_user,
    status_token,
    submission_form_tokens,
    submit,
    valid_submission,
)
from tests.support.app import make_app

MB = 1024 * 1024
LIMITS = "Een bijlage mag hoogstens 10 MB zijn; alle bijlagen samen hoogstens 12 MB."


def _pdf(size: int) -> bytes:
    return PDF_BYTES + b"0" * (size - len(PDF_BYTES))


def _bytes_under(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Submission.id)))


def _pending(app: Flask) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / "pending"


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


# Finding 1: nothing reaches the disk before the form is valid and within its limit.


def test_twenty_invalid_anonymous_posts_with_five_pdfs_add_nothing_to_disk(app: Flask) -> None:
    uploads = Path(app.config["UPLOAD_DIR"])
    before = _bytes_under(uploads)
    files = [(_pdf(MB), f"stuk-{n}.pdf") for n in range(5)]
    for _ in range(20):
        response = submit(app.test_client(), {"actie": "verzenden"}, files=files)
        assert response.status_code == 200
        assert "stuk-0.pdf" in response.get_data(as_text=True)  # named, not silently dropped
    assert _bytes_under(uploads) == before
    assert _count(app) == 0


def test_the_address_limit_applies_before_any_attachment_is_written(tmp_path: Path) -> None:
    app = make_app(tmp_path, SUBMISSIONS_PER_ADDRESS=1)
    assert "Bedankt" in submit(app.test_client(), valid_submission()).get_data(as_text=True)
    before = _bytes_under(Path(app.config["UPLOAD_DIR"]))
    files = [(_pdf(MB), f"stuk-{n}.pdf") for n in range(5)]
    for actie in ("verzenden", "voorbeeld"):
        response = submit(app.test_client(), valid_submission(actie=actie), files=files)
        assert response.status_code == 429
        assert 'value="Schoolmaatschappelijk werk in Utrecht-West"' in response.get_data(True)
    assert _bytes_under(Path(app.config["UPLOAD_DIR"])) == before


def test_files_held_for_an_open_form_expire_on_the_next_write_and_by_command(app: Flask) -> None:
    preview = valid_submission(actie="voorbeeld")
    submit(app.test_client(), preview, files=[(PDF_BYTES, "oud.pdf")])
    old = list(_pending(app).iterdir())
    assert len(old) == 2  # the file and its description
    long_ago = time.time() - app.config["PENDING_UPLOADS_MAX_AGE"] - 60
    for path in old:
        os.utime(path, (long_ago, long_ago))
    submit(app.test_client(), preview, files=[(PDF_BYTES, "nieuw.pdf")])
    remaining = list(_pending(app).iterdir())
    assert not set(old) & set(remaining) and len(remaining) == 2
    for path in remaining:
        os.utime(path, (long_ago, long_ago))
    result = app.test_cli_runner().invoke(args=["kb", "purge-pending"])
    assert result.exit_code == 0 and "1 bijlagen" in result.output
    assert list(_pending(app).iterdir()) == []


def test_the_pending_area_is_capped_in_total_and_per_address(tmp_path: Path) -> None:
    app = make_app(
        tmp_path, PENDING_UPLOADS_MAX_BYTES=3 * MB, PENDING_UPLOADS_PER_ADDRESS_BYTES=2 * MB
    )
    preview = valid_submission(actie="voorbeeld")
    first = submit(app.test_client(), preview, files=[(_pdf(MB + MB // 2), "een.pdf")])
    assert "een.pdf" in first.get_data(as_text=True)
    assert _bytes_under(_pending(app)) > MB
    before = _bytes_under(_pending(app))
    # Same address, over its share: refused, text kept, nothing written.
    second = submit(app.test_client(), preview, files=[(_pdf(MB), "twee.pdf")])
    html = second.get_data(as_text=True)
    assert "Er wachten vanaf dit adres al veel bijlagen op verzending" in html
    assert 'value="Schoolmaatschappelijk werk in Utrecht-West"' in html
    assert _bytes_under(_pending(app)) == before
    # Another address, over the total: refused the same way.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    third = submit(other, preview, files=[(_pdf(MB), "een.pdf"), (_pdf(MB), "twee.pdf")])
    assert "De kennisbank kan op dit moment geen bijlagen meer aannemen" in third.get_data(True)
    assert _bytes_under(_pending(app)) == before


def test_file_size_is_measured_while_streaming_not_taken_from_headers(app: Flask) -> None:
    client = app.test_client()
    tokens = submission_form_tokens(client)
    boundary = "grens"
    fields = {**valid_submission(), **tokens}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{item}\r\n'.encode()
        for k, v in fields.items()
        for item in (v if isinstance(v, list) else [v])
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            f'filename="klein.pdf"\r\nContent-Type: application/pdf\r\nContent-Length: 100\r\n\r\n'
        ).encode()
        + _pdf(11 * MB)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(
        "/voorbeeld-indienen",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"klein.pdf: het bestand is te groot. {LIMITS}" in html
    assert _count(app) == 0 and _bytes_under(Path(app.config["UPLOAD_DIR"])) == 0


# Finding 11: refuse the file, never the form, and say the real limits.


def test_a_file_over_the_limit_is_refused_and_everything_typed_is_kept(app: Flask) -> None:
    data = valid_submission(title="Mijn titel met een te grote bijlage")
    response = submit(app.test_client(), data, files=[(_pdf(11 * MB), "groot.pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"groot.pdf: het bestand is te groot. {LIMITS}" in html
    assert 'value="Mijn titel met een te grote bijlage"' in html
    assert "Leerlingen wachtten **maanden** op hulp." in html
    assert _count(app) == 0


def test_files_over_the_total_are_refused_one_by_one_and_the_rest_is_held(app: Flask) -> None:
    files = [(_pdf(7 * MB), "eerste.pdf"), (_pdf(7 * MB), "tweede.pdf")]  # 14 MB together
    response = submit(app.test_client(), valid_submission(), files=files)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"tweede.pdf: past niet meer bij de andere bijlagen. {LIMITS}" in html
    assert "eerste.pdf" in html and "hoeft deze niet opnieuw te kiezen" in html
    assert 'value="Schoolmaatschappelijk werk in Utrecht-West"' in html
    assert _count(app) == 0


def test_the_hard_cap_page_says_the_real_limits(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=50_000)
    response = submit(app.test_client(), valid_submission(), files=[(_pdf(60_000), "g.pdf")])
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Te groot" in html and LIMITS in html and "(49 kB)" in html


def test_the_form_states_the_real_limits_for_the_browser_check(app: Flask) -> None:
    html = app.test_client().get("/voorbeeld-indienen").get_data(as_text=True)
    assert "hoogstens 10 MB per bestand, 12 MB samen en 5 bestanden" in html
    assert f'data-max-bytes="{10 * MB}"' in html and f'data-max-total-bytes="{12 * MB}"' in html


# Finding 9: post/redirect/get and one submission per idempotency key.


def test_sending_redirects_to_bedankt_which_shows_the_status_link_once(app: Flask) -> None:
    client = app.test_client()
    response = submit(client, valid_submission(), follow=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/voorbeeld-indienen/bedankt")
    page = client.get("/voorbeeld-indienen/bedankt")
    assert "Bedankt voor uw voorbeeld" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    token = status_token(page.get_data(as_text=True))
    assert client.get(f"/inzending/{token}").status_code == 200
    reload = client.get("/voorbeeld-indienen/bedankt").get_data(as_text=True)
    assert "Bedankt voor uw voorbeeld" in reload and "/inzending/" not in reload


def test_the_same_form_posted_twice_stores_one_submission(app: Flask) -> None:
    client = app.test_client()
    payload = {**valid_submission(), **submission_form_tokens(client)}
    first = client.post("/voorbeeld-indienen", data=payload, follow_redirects=True)
    again = client.post("/voorbeeld-indienen", data=payload, follow_redirects=True)
    assert "Bedankt voor uw voorbeeld" in first.get_data(as_text=True)
    assert "Bedankt voor uw voorbeeld" in again.get_data(as_text=True)
    assert _count(app) == 1
    assert again.request.path == "/voorbeeld-indienen/bedankt"


def test_a_retry_with_held_files_stores_them_once(app: Flask) -> None:
    client = app.test_client()
    preview = submit(client, valid_submission(actie="voorbeeld"), files=[(PDF_BYTES, "a.pdf")])
    html = preview.get_data(as_text=True)
    payload = valid_submission(pending=_hidden(html, "pending"))
    for name in ("csrf_token", "idempotency_key"):
        payload[name] = _hidden(html, name)
    for _ in range(3):
        response = client.post("/voorbeeld-indienen", data=payload, follow_redirects=True)
        assert "Bedankt voor uw voorbeeld" in response.get_data(as_text=True)
    assert _count(app) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == 1
    assert list(_pending(app).iterdir()) == []


def test_the_database_itself_refuses_a_second_row_for_the_same_key(app: Flask) -> None:
    # Two requests can both pass the "already stored?" check; the unique index decides.
    from kb.submissions import DuplicateSubmission, create

    with app.app_context():
        data = {**valid_submission(), "advice": [2]}
        first, _token = create(data, [], None, idempotency_key="k" * 32)
        with pytest.raises(DuplicateSubmission) as refused:
            create(data, [], None, idempotency_key="k" * 32)
        assert refused.value.submission_id == first.id
        assert db.session.scalar(select(func.count(Submission.id))) == 1


def test_a_new_form_gets_a_new_key(app: Flask) -> None:
    client = app.test_client()
    assert submission_form_tokens(client)["idempotency_key"]
    first, second = (submission_form_tokens(client)["idempotency_key"] for _ in range(2))
    assert first != second
    submit(client, valid_submission())
    submit(client, valid_submission())
    assert _count(app) == 2


# Finding 12: the preview and the editor say what the sanitiser removed.

NOTICE = (
    "Aanpak: Een link naar javascript:… is verwijderd: alleen http-, https- en mailto-links zijn "
    "toegestaan. De linktekst ‘klik hier’ staat er nog."
)


def _unescaped(html: str) -> str:
    return html.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")


def test_the_preview_says_what_was_removed_and_why(app: Flask) -> None:
    data = valid_submission(actie="voorbeeld", approach="Zie [klik hier](javascript:alert(1)).")
    html = _unescaped(submit(app.test_client(), data).get_data(as_text=True))
    assert NOTICE in html
    assert "javascript:alert" not in html.split("Zo ziet uw voorbeeld eruit")[1].split("<form")[0]


def test_the_editor_sees_what_was_removed(app: Flask) -> None:
    editor = make_user(app, role="editor", email_address="redacteur@example.nl")
    submit(app.test_client(), valid_submission(approach="Zie [klik hier](javascript:alert(1))."))
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    client = app.test_client()
    login(client, editor.email)
    html = _unescaped(client.get(f"/redactie/inzending/{submission_id}").get_data(as_text=True))
    assert NOTICE in html


def test_the_pending_description_never_holds_the_address(app: Flask) -> None:
    submit(app.test_client(), valid_submission(actie="voorbeeld"), files=[(PDF_BYTES, "a.pdf")])
    meta = json.loads(next(_pending(app).glob("*.json")).read_text())
    assert "127.0.0.1" not in json.dumps(meta) and len(meta["owner"]) == 32


def test_tiny_files_count_at_least_64_kb_against_the_caps(tmp_path: Path) -> None:
    # Otherwise an address could fill the folder with a million tiny files within its bytes.
    app = make_app(tmp_path, PENDING_UPLOADS_PER_ADDRESS_BYTES=5 * 64 * 1024)
    preview = valid_submission(actie="voorbeeld")
    files = [(PDF_BYTES, f"klein-{n}.pdf") for n in range(5)]
    assert "klein-4.pdf" in submit(app.test_client(), preview, files=files).get_data(True)
    refused = submit(app.test_client(), preview, files=[(PDF_BYTES, "nog-een.pdf")])
    assert "Er wachten vanaf dit adres al veel bijlagen" in refused.get_data(as_text=True)
    assert len(list(_pending(app).glob("*.json"))) == 5


def test_an_answer_to_a_question_on_a_locked_database_keeps_what_was_typed(
    tmp_path: Path,
) -> None:
    import sqlite3

    from kb import submissions
    from kb.models import User

    app = make_app(tmp_path, DATABASE_BUSY_TIMEOUT=0.05)
    client = app.test_client()
    token = status_token(submit(client, valid_submission()).get_data(as_text=True))
    editor = make_user(app, role="editor")
    with app.app_context():
        row = db.session.scalar(db.select(Submission))
        submissions.send_back(row, db.session.get(User, editor.id), "Welke scholen doen mee?")
    url = f"/inzending/{token}"
    answer = valid_submission(answer="Drie basisscholen in Almere Haven doen mee.")
    answer["csrf_token"] = csrf(client, url)
    locker = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"),
                             isolation_level=None)  # fmt: skip
    locker.execute("BEGIN EXCLUSIVE")
    try:
        busy = client.post(url, data=answer)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert busy.status_code == 503
    html = busy.get_data(as_text=True)
    assert "probeer het zo opnieuw" in html and "Drie basisscholen in Almere Haven" in html
    retry = client.post(url, data=answer | {"csrf_token": csrf(client, url)})
    assert retry.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Submission)).status == "submitted"
