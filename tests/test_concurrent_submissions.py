"""Submissions over real HTTP against gunicorn: many at once, a double click, a locked database.

20 simultaneous submissions (each with an attachment, 4 workers) must all be stored with their
attachment, get their own status link and show up in the editors' queue. A double click (the
same form twice at once) stores one. While another process holds the SQLite database locked, a
submission is answered 503 with the form kept and no orphan files; once released, the retry is
stored exactly once. Each client has its own session and CSRF token.
"""

from __future__ import annotations

import html as html_lib
import http.cookiejar
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.config import PROJECT_ROOT
from tests.support.accounts import CSRF, PDF_BYTES, valid_submission
from tests.support.app import make_content_dir
from tests.support.server import LiveServer, start_server

CLIENTS = 20
EDITOR = ("eva@example.nl", "redactie-wachtwoord-1")


def _serve(tmp_path: Path, workers: int, env: dict[str, str]) -> Iterator[LiveServer]:
    """Gunicorn on the fixture content, stopped when the test ends."""
    live = start_server(tmp_path, make_content_dir(tmp_path / "content"), workers=workers,
                        extra_env=env)  # fmt: skip
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    yield from _serve(tmp_path, 4, {"KB_SUBMISSIONS_PER_ADDRESS": "1000"})


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _multipart(fields: dict[str, object], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{item}\r\n".encode()
            )
    for name, filename, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _csrf(opener: urllib.request.OpenerDirector, url: str) -> str:
    with opener.open(url, timeout=30) as response:
        return CSRF.search(response.read().decode()).group(1)


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    return html_lib.unescape(match.group(1)) if match else ""


def _form_fields(opener: urllib.request.OpenerDirector, url: str) -> dict[str, str]:
    """Open the form as a browser would and return its hidden fields (CSRF token, form key)."""
    with opener.open(url, timeout=30) as response:
        page = response.read().decode()
    return {name: _hidden(page, name) for name in ("csrf_token", "idempotency_key")}


def _post(
    opener: urllib.request.OpenerDirector,
    url: str,
    fields: dict[str, object],
    files: list[tuple[str, str, bytes]],
) -> tuple[int, str, str]:
    """Post a multipart form; return the final status, page and URL (redirects followed)."""
    data, content_type = _multipart(fields, files)
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})  # noqa: S310
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(), response.url
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.url


def test_twenty_simultaneous_submissions_are_all_stored_and_queued(server: LiveServer) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "kb", "create-user", "--email",
         EDITOR[0], "--role", "editor"],
        input=EDITOR[1] + "\n", text=True, check=True, cwd=PROJECT_ROOT, env=server.env,
        capture_output=True,
    )  # fmt: skip
    barrier = threading.Barrier(CLIENTS)
    results: dict[int, tuple[int, str]] = {}
    errors: list[BaseException] = []
    form_url = server.url + "/voorbeeld-indienen"

    def one(n: int) -> None:
        try:
            opener = _opener()
            fields = valid_submission(title=f"Gelijktijdig voorbeeld {n:02d}")
            fields.update(_form_fields(opener, form_url))
            upload = ("attachments", f"bijlage-{n}.pdf", PDF_BYTES)
            data, content_type = _multipart(fields, [upload])
            request = urllib.request.Request(  # noqa: S310 (loopback test server)
                form_url, data=data, headers={"Content-Type": content_type}
            )
            barrier.wait(timeout=30)  # everyone posts at the same moment
            with opener.open(request, timeout=60) as response:
                results[n] = (response.status, response.read().decode())
        except BaseException as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    assert not errors, errors
    assert sorted(results) == list(range(CLIENTS))
    tokens = set()
    for status, html in results.values():
        assert status == 200 and "Bedankt voor uw voorbeeld" in html
        tokens.add(re.search(r"/inzending/([A-Za-z0-9_-]{20,})", html).group(1))
    assert len(tokens) == CLIENTS

    database = server.env["KB_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        stored = connection.execute(
            "SELECT COUNT(*), COUNT(DISTINCT token_hash) FROM submission WHERE status='submitted'"
        ).fetchone()
        attachments = connection.execute("SELECT COUNT(*) FROM attachment").fetchone()[0]
        events = connection.execute("SELECT COUNT(*) FROM submission_event").fetchone()[0]
    connection.close()
    assert stored == (CLIENTS, CLIENTS) and attachments == CLIENTS and events == CLIENTS

    editor = _opener()
    login = {"csrf_token": _csrf(editor, server.url + "/inloggen"), "email": EDITOR[0],
             "password": EDITOR[1]}  # fmt: skip
    editor.open(server.url + "/inloggen", urllib.parse.urlencode(login).encode(), timeout=30)
    with editor.open(server.url + "/redactie/", timeout=30) as response:
        queue = response.read().decode()
    assert re.search(rf'Te beoordelen <span class="count">{CLIENTS}</span>', queue)
    for n in range(CLIENTS):
        assert f"Gelijktijdig voorbeeld {n:02d}" in queue
    print(f"\n{CLIENTS} simultaneous submissions stored in {elapsed:.2f}s")


def _database(server: LiveServer) -> str:
    return server.env["KB_DATABASE_URL"].removeprefix("sqlite:///")


def _stored_files(server: LiveServer) -> tuple[list[str], list[str]]:
    """Return the names of the stored attachment files and of everything in the pending area."""
    uploads = server.tmp / "uploads"
    stored = sorted(p.name for p in uploads.iterdir() if p.is_file()) if uploads.exists() else []
    pending = uploads / "pending"
    held = sorted(p.name for p in pending.iterdir()) if pending.exists() else []
    return stored, held


def test_a_double_click_stores_one_submission(server: LiveServer) -> None:
    opener = _opener()
    form_url = server.url + "/voorbeeld-indienen"
    fields = {**valid_submission(title="Dubbel geklikt"), **_form_fields(opener, form_url)}
    barrier = threading.Barrier(2)
    results: list[tuple[int, str, str]] = []

    def click() -> None:
        barrier.wait(timeout=30)
        results.append(_post(opener, form_url, fields, [("attachments", "plan.pdf", PDF_BYTES)]))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2
    for status, page, url in results:
        assert status == 200 and "Bedankt voor uw voorbeeld" in page
        assert url.endswith("/voorbeeld-indienen/bedankt")
    with sqlite3.connect(_database(server)) as connection:
        rows = connection.execute(
            "SELECT id FROM submission WHERE title='Dubbel geklikt'"
        ).fetchall()
        names = [r[0] for r in connection.execute("SELECT stored_name FROM attachment")]
    connection.close()
    assert len(rows) == 1 and len(names) == 1
    assert _stored_files(server) == (names, [])  # the second click's file did not stay behind


# Holds the database's write lock from another process until told to let go (a line on stdin);
# says so on stdout, so the test waits on the event itself, never on a timer.
LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
print("released", flush=True)
"""
BUSY = "De kennisbank is even bezet; probeer het zo opnieuw."


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[LiveServer]:
    yield from _serve(tmp_path, 2, {"KB_DATABASE_BUSY_TIMEOUT": "1"})


def test_a_locked_database_keeps_the_form_and_the_retry_is_stored_once(
    busy_server: LiveServer,
) -> None:
    opener = _opener()
    form_url = busy_server.url + "/voorbeeld-indienen"
    fields: dict[str, object] = {**valid_submission(title="Tijdens de blokkade"),
                                 **_form_fields(opener, form_url)}  # fmt: skip
    files = [("attachments", "plan.pdf", PDF_BYTES)]
    with subprocess.Popen(
        [sys.executable, "-c", LOCKER, _database(busy_server)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as locker:  # fmt: skip
        try:
            assert locker.stdout.readline().strip() == "locked"
            for attempt in range(3):
                status, page, _url = _post(opener, form_url, fields, files if attempt == 0 else [])
                assert status == 503, page
                assert BUSY in page
                assert 'value="Tijdens de blokkade"' in page and "Leerlingen wachtten" in page
                assert "plan.pdf" in page  # held server-side: not to be chosen again
                # Send the form again as it came back (its hidden fields), as the user would.
                fields.update(
                    {n: _hidden(page, n) for n in ("csrf_token", "idempotency_key", "pending")}
                )
            stored, held = _stored_files(busy_server)
            assert stored == [] and len(held) == 2  # one held file and its description, no orphans
        finally:
            locker.stdin.write("\n")
            locker.stdin.flush()
            released = locker.stdout.readline().strip()
            locker.wait(timeout=30)
    assert released == "released"

    for _ in range(2):  # the retry, and a reload of it
        status, page, url = _post(opener, form_url, fields, [])
        assert status == 200 and "Bedankt voor uw voorbeeld" in page
        assert url.endswith("/voorbeeld-indienen/bedankt")
    with sqlite3.connect(_database(busy_server)) as connection:
        count = connection.execute(
            "SELECT COUNT(*) FROM submission WHERE title='Tijdens de blokkade'"
        ).fetchone()[0]
        names = [r[0] for r in connection.execute("SELECT stored_name FROM attachment")]
    connection.close()
    assert count == 1 and len(names) == 1
    assert _stored_files(busy_server) == (names, [])
