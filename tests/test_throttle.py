"""The login throttle slows the attacker, not the owner: backoff per account+address, known
devices past a busy address, atomic under parallel attempts, hashed keys, a busy database
refused in Dutch. Time moves by shifting the throttle's clock, never by sleeping.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kb.accounts import throttle
from kb.models import ThrottleCounter, db
from tests.support.accounts import PASSWORD, csrf, make_user
from tests.support.app import build_app, make_app
from tests.support.postgres import running_postgres


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Stop the throttle's clock; return a function that moves it forward by some seconds."""
    shift = {"seconds": 0}
    frozen = throttle.utcnow()

    def _now() -> datetime:
        return frozen + timedelta(seconds=shift["seconds"])

    monkeypatch.setattr(throttle, "utcnow", _now)

    def _advance(seconds: int) -> None:
        shift["seconds"] += seconds

    return _advance


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _login(client: FlaskClient, email: str, password: str = PASSWORD):
    token = csrf(client, "/inloggen")
    return client.post("/inloggen", data={"csrf_token": token, "email": email,
                                          "password": password})  # fmt: skip


def test_failures_from_other_addresses_do_not_lock_the_owner(app: Flask) -> None:
    owner = make_user(app)
    for n in range(8):  # more than the per-pair allowance, each from another address
        assert _login(_client(app, f"203.0.113.{n}"), owner.email, "fout").status_code == 200
    assert _login(_client(app, "198.51.100.7"), owner.email).status_code == 302


def test_one_pair_backs_off_exponentially_and_recovers(app: Flask, clock) -> None:
    user = make_user(app)
    attacker = _client(app, "203.0.113.5")
    for _ in range(5):
        assert _login(attacker, user.email, "fout").status_code == 200
    refused = _login(attacker, user.email)  # even the right password waits now
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert "Probeer het over 30 seconden opnieuw" in refused.get_data(as_text=True)
    clock(31)
    assert _login(attacker, user.email, "fout").status_code == 200  # evaluated again
    second = _login(attacker, user.email)
    assert second.status_code == 429 and second.headers["Retry-After"] == "60"
    clock(61)
    assert _login(attacker, user.email).status_code == 302


def test_the_owners_known_device_logs_in_behind_a_busy_address(app: Flask) -> None:
    """20+ failures from one NAT address: a browser that logged in before still gets in."""
    owner = make_user(app, email_address="eigenaar@school.nl")
    others = [make_user(app) for _ in range(3)]
    own_browser = _client(app, "192.0.2.1")
    assert _login(own_browser, owner.email).status_code == 302
    own_browser.post("/uitloggen", data={"csrf_token": csrf(own_browser, "/uitloggen")})
    for n in range(24):  # the same address, guessing at the owner and at others
        target = owner if n % 2 else others[n % 3]
        _login(_client(app, "192.0.2.1"), target.email, f"fout-{n}")
    assert _login(_client(app, "192.0.2.1"), owner.email).status_code == 429  # a new browser
    assert _login(own_browser, owner.email).status_code == 302


def test_a_forged_device_cookie_is_no_known_device(app: Flask) -> None:
    owner = make_user(app)
    attacker = _client(app, "203.0.113.9")
    attacker.set_cookie("kb_apparaat", "eyJkIjoieCIsInUiOlsxXX0.forged.sig",
                        domain=app.config["SERVER_NAME"])  # fmt: skip
    for _ in range(5):
        _login(attacker, owner.email, "fout")
    assert _login(attacker, owner.email).status_code == 429


def _parallel_wrong_attempts(app: Flask) -> list[int]:
    """Post 40 wrong passwords for one account from one address at once; return the statuses."""
    user = make_user(app)
    clients = [_client(app, "203.0.113.77") for _ in range(40)]
    tokens = [csrf(c, "/inloggen") for c in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def attempt(client: FlaskClient, token: str) -> None:
        start.wait()
        response = client.post("/inloggen", data={
            "csrf_token": token, "email": user.email, "password": "fout"})  # fmt: skip
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=pair)
               for pair in zip(clients, tokens, strict=True)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _assert_at_most_the_allowance(app: Flask, statuses: list[int]) -> None:
    assert len(statuses) == 40
    evaluated = statuses.count(200)  # "klopt niet": the password was checked
    assert 1 <= evaluated <= app.config["LOGIN_MAX_FAILURES_PAIR"]
    assert statuses.count(429) == 40 - evaluated


def test_parallel_wrong_attempts_are_evaluated_at_most_the_allowance(app: Flask) -> None:
    _assert_at_most_the_allowance(app, _parallel_wrong_attempts(app))


@pytest.mark.postgres
def test_parallel_wrong_attempts_on_postgresql(tmp_path: Path, content_dir: Path) -> None:
    with running_postgres() as url:
        app = build_app(tmp_path, content_dir, DATABASE_URL=url)
        try:
            _assert_at_most_the_allowance(app, _parallel_wrong_attempts(app))
            with app.app_context():
                assert db.engine.dialect.name == "postgresql"
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()  # close pooled connections before the server goes away


def test_keys_are_keyed_hashes_and_old_rows_are_purged(app: Flask, clock) -> None:
    user = make_user(app)
    _login(_client(app, "203.0.113.10"), user.email, "fout")
    with app.app_context():
        keys = db.session.scalars(select(ThrottleCounter.key)).all()
    assert len(keys) == 3  # pair, address, account
    assert not any("203.0.113" in k or user.email in k or "@" in k for k in keys)
    clock(app.config["LOGIN_WINDOW_SECONDS"] + 1)
    _login(_client(app, "203.0.113.11"), user.email, "fout")  # makes new rows: purges old
    old = {k for k in keys if not k.startswith("login-account:")}  # that one is in use again
    with app.app_context():
        assert not old & set(db.session.scalars(select(ThrottleCounter.key)))


def test_a_locked_database_is_refused_cleanly_not_counted(app: Flask) -> None:
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    locker = sqlite3.connect(path, isolation_level=None)
    with app.app_context():
        # A short wait for this test's connection only; the app waits 30 s.
        db.session.connection().exec_driver_sql("PRAGMA busy_timeout=50")
        locker.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(throttle.ThrottleUnavailable):
                throttle.take("login-pair", "x|y", free=5, window=60)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert throttle.take("login-pair", "x|y", free=5, window=60).allowed
        assert db.session.scalar(select(ThrottleCounter.attempts)) == 1


def test_registration_is_limited_per_address_atomically(tmp_path: Path) -> None:
    app = make_app(tmp_path, REGISTRATIONS_PER_ADDRESS=2)
    with app.test_request_context():
        decisions = [throttle.take("register", "203.0.113.1", free=2, window=3600)
                     for _ in range(3)]  # fmt: skip
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[2].retry_after > 3500


def test_login_on_a_locked_database_answers_503_in_dutch_and_keeps_the_address(
    app: Flask,
) -> None:
    user = make_user(app)
    client = _client(app, "203.0.113.30")
    token = csrf(client, "/inloggen")
    with app.app_context():
        # Requests run one at a time here, so the pool holds one connection: give that one a
        # short wait (the app's is 30 s) and every request below uses it.
        assert db.engine.pool.checkedin() == 1
        db.session.connection().exec_driver_sql("PRAGMA busy_timeout=50")
        db.session.remove()
    locker = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"),
                             isolation_level=None)  # fmt: skip
    locker.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/inloggen", data={
            "csrf_token": token, "email": user.email, "password": "fout"})  # fmt: skip
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Inloggen lukt nu even niet. Probeer het zo opnieuw." in text
    assert f'value="{user.email}"' in text
    assert _login(client, user.email).status_code == 302  # nothing was counted meanwhile
