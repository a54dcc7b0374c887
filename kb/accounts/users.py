"""Account changes: registration, login checks, passwords, roles and blocking.

Every change commits here, so views only ask and show. Raising `session_version` ends every
existing session of the user (the session stores it, see `kb.accounts.roles.SessionUser`).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from kb import queries
from kb.accounts import devices, throttle
from kb.accounts.tokens import Registration
from kb.models import Region, User, db, utcnow

# Compared against when the e-mail is unknown, so a wrong address costs as much time as a
# wrong password and response times do not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("kennisbank-dummy-password")


def hash_password(password: str) -> str:
    """Hash a password with werkzeug's current default (scrypt)."""
    return generate_password_hash(password)


def normalise_email(email: str) -> str:
    """Return the e-mail address as we store and compare it."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """Return the account with this e-mail address, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@dataclass
class LoginResult:
    """The outcome of a login attempt: the user, or why not.

    refused: "throttled" (wait retry_after seconds), "invalid", "blocked", or "unavailable"
    (the database could not count the attempt, so it was not evaluated).
    """

    user: User | None = None
    refused: str = ""
    retry_after: int = 0


def _login_limits(email: str, address: str, device: str | None) -> list[tuple[str, str, int]]:
    """The counters a login attempt takes one from: (kind, value, free attempts)."""
    config = current_app.config
    if device:
        # The owner's own browser: only its own failures count, whatever the address does.
        return [("login-pair", f"{email}|device:{device}", config["LOGIN_MAX_FAILURES_PAIR"])]
    return [
        ("login-pair", f"{email}|{address}", config["LOGIN_MAX_FAILURES_PAIR"]),
        # One address guessing at many accounts is slowed, not everyone behind it locked out:
        # known devices skip this counter.
        ("login-address", address, config["LOGIN_MAX_FAILURES_ADDRESS"]),
        # Many addresses guessing at one account; again only for devices it never used.
        ("login-account", email, config["LOGIN_MAX_FAILURES_ACCOUNT"]),
    ]


def authenticate(email: str, password: str, address: str) -> LoginResult:
    """Check a login with backoff per account+address (or device), address and account.

    The attempt is taken from every counter before the password is checked, so parallel
    attempts cannot outrun the limits; a success gives the attempts back.
    """
    config = current_app.config
    email = normalise_email(email)
    user = user_by_email(email)
    limits = _login_limits(email, address, devices.known_device(user.id) if user else None)
    taken: list[tuple[str, str]] = []
    try:
        for kind, value, free in limits:
            decision = throttle.take(
                kind, value, free=free, window=config["LOGIN_WINDOW_SECONDS"],
                backoff=config["LOGIN_BACKOFF_SECONDS"],
                backoff_max=config["LOGIN_BACKOFF_MAX_SECONDS"],
            )  # fmt: skip
            if not decision.allowed:
                for kind_taken, value_taken in taken:  # not evaluated, so it does not count
                    throttle.give_back(kind_taken, value_taken)
                return LoginResult(refused="throttled", retry_after=decision.retry_after)
            taken.append((kind, value))
    except throttle.ThrottleUnavailable:
        return LoginResult(refused="unavailable")
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid:
        return LoginResult(refused="invalid")
    if user.is_blocked:
        return LoginResult(refused="blocked")
    with suppress(throttle.ThrottleUnavailable):  # the login is fine; counters forget anyway
        throttle.forget(*taken[0])  # the pair (or device) starts afresh
        for kind, value in taken[1:]:
            throttle.give_back(kind, value)
    user.last_login_at = utcnow()
    db.session.commit()
    return LoginResult(user=user)


def registration_allowed(address: str) -> throttle.Decision:
    """Take one registration from this address's allowance (raises ThrottleUnavailable)."""
    config = current_app.config
    return throttle.take("register", address, free=config["REGISTRATIONS_PER_ADDRESS"],
                         window=config["RATE_WINDOW_SECONDS"])  # fmt: skip


def registration_mail_allowed(email: str) -> bool:
    """Tell whether one more registration mail may go to this address (and count it)."""
    config = current_app.config
    return throttle.take("register-email", normalise_email(email),
                         free=config["REGISTRATION_MAILS_PER_EMAIL"],
                         window=config["RATE_WINDOW_SECONDS"]).allowed  # fmt: skip


def register_user(registration: Registration) -> User | None:
    """Create the member account of a confirmed registration; None when the address is taken."""
    email = normalise_email(registration.email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return None
    region = registration.region
    user = User(
        email=email,
        name=registration.name.strip(),
        organisation=registration.organisation.strip(),
        region=queries.by_slug(Region, region) if region else None,
        password_hash=registration.password_hash,
        role="member",
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same address was confirmed a moment ago in another worker
        db.session.rollback()
        return None
    return user


def create_user(email: str, password: str, role: str, name: str, organisation: str) -> User:
    """Create an account from the command line (the caller checked the address is free)."""
    email = normalise_email(email)
    user = User(email=email, name=name or email.split("@")[0], organisation=organisation,
                role=role, password_hash=hash_password(password))  # fmt: skip
    db.session.add(user)
    db.session.commit()
    return user


def reset_allowed(address: str) -> bool:
    """Take one reset request from this address's allowance (raises ThrottleUnavailable)."""
    config = current_app.config
    return throttle.take("reset-address", address, free=config["RESET_REQUESTS_PER_ADDRESS"],
                         window=config["RATE_WINDOW_SECONDS"]).allowed  # fmt: skip


def reset_recipient(email: str) -> User | None:
    """Return the account to mail a reset link to, within its own limit; None for no mail.

    Counted for every address asked about, known or not, so the work done does not tell.
    """
    config = current_app.config
    email = normalise_email(email)
    within = throttle.take("reset-account", email, free=config["RESET_REQUESTS_PER_ACCOUNT"],
                           window=config["RATE_WINDOW_SECONDS"]).allowed  # fmt: skip
    user = user_by_email(email)
    if user is None or user.is_blocked or not within:
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Give the user a new password and end every existing session of theirs."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.commit()
    # The owner proved who they are: guesses at the account stop counting against them.
    with suppress(throttle.ThrottleUnavailable):
        throttle.forget("login-account", user.email)


def set_role(user: User, role: str) -> bool:
    """Give the user another role; False when it already was that role."""
    if user.role == role:
        return False
    user.role = role
    db.session.commit()
    return True


def set_blocked(user: User, blocked: bool) -> bool:
    """Block an account (ending its sessions) or unblock it; False when nothing changed."""
    if user.is_blocked == blocked:
        return False
    user.is_blocked = blocked
    user.session_version += 1
    db.session.commit()
    return True
