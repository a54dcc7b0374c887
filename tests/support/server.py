"""A real gunicorn serving the app on loopback, for browser and concurrency tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kb.config import PROJECT_ROOT
from tests.support.app import build_app, load_content


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running gunicorn serving the app, with the paths it uses."""

    url: str
    tmp: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: IO[bytes]

    def create_user(self, email: str, password: str, role: str, name: str) -> None:
        """Make an account on this server's database the way an admin does: `kb create-user`."""
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "kb", "create-user", "--email", email,
             "--role", role, "--name", name],
            input=password + "\n", text=True, check=True, cwd=PROJECT_ROOT, env=self.env,
            capture_output=True,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            # Reap it: an unreaped child warns in Popen.__del__, which the suite makes an error.
            self.process.wait()
        self.log.close()


def start_server(
    tmp: Path,
    content: Path,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    load: bool = True,
) -> LiveServer:
    """Migrate and load a database in tmp, then serve it with gunicorn on a free port."""
    settings = {
        "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp / 'kb.sqlite'}",
        "INDEX_DIR": str(tmp / "index"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "CONTENT_DIR": str(content),
    }
    app = build_app(tmp, content, **settings)
    if load:
        load_content(app)
    port = free_port()
    env = dict(os.environ)
    env.update({f"KB_{k}": v for k, v in settings.items()})
    env["KB_BASE_URL"] = f"http://127.0.0.1:{port}"
    env.update(extra_env or {})
    log = open(tmp / "server.log", "ab")  # noqa: SIM115 (kept open for the server's lifetime)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 (loopback)
                break
        except OSError:
            if process.poll() is not None:
                log.close()
                raise RuntimeError((tmp / "server.log").read_text()) from None
            time.sleep(0.2)
    else:
        process.kill()
        process.wait()
        log.close()
        raise RuntimeError("server did not start: " + (tmp / "server.log").read_text())
    return LiveServer(url=url, tmp=tmp, env=env, process=process, log=log)
