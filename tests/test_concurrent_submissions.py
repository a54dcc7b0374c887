"""20 simultaneous submissions (each with an attachment) against gunicorn with 4 workers.

Every one must be stored with its attachment, get its own status link, and show up in the
editors' queue. Runs over real HTTP, each client with its own session and CSRF token.
"""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import subprocess
import sys
import threading
import time
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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path,
        make_content_dir(tmp_path / "content"),
        workers=4,
        extra_env={"KB_SUBMISSIONS_PER_ADDRESS": "1000"},
    )
    try:
        yield live
    finally:
        live.stop()


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
            fields["csrf_token"] = _csrf(opener, form_url)
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
