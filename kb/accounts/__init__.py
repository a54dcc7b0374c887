"""Accounts: who someone is and what they may do.

Modules: `users` (registration, login checks, passwords, roles, blocking: every change commits
there), `tokens` (reset and registration links), `passwords` (strength estimate), `session`
(Flask-Login, session lifetimes), `roles` (roles and the guards of whole blueprints),
`throttle` (limits per account, address and device, held in the database so they hold across
workers), `devices` (the known-device cookie), `mails` (what the account pages send) and
`forms` (the account forms).
"""

from kb.accounts.devices import known_device, remember_device
from kb.accounts.forms import (
    PASSWORD_MIN,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    RoleForm,
    new_password_fields,
)
from kb.accounts.mails import mail_activation, mail_existing_account, mail_reset_link
from kb.accounts.passwords import password_problem
from kb.accounts.roles import ROLE_LABELS, login_redirect, require_role, safe_next
from kb.accounts.session import end_session, init_app, start_session
from kb.accounts.throttle import (
    Decision,
    ThrottleUnavailable,
    client_address,
    limit_reached,
    record_attempt,
    take,
    wait_text,
)
from kb.accounts.tokens import (
    Registration,
    registration_from_token,
    registration_token,
    reset_token,
    user_for_reset_token,
)
from kb.accounts.users import (
    LoginResult,
    authenticate,
    create_user,
    hash_password,
    normalise_email,
    register_user,
    registration_allowed,
    registration_mail_allowed,
    reset_allowed,
    reset_recipient,
    set_blocked,
    set_password,
    set_role,
    user_by_email,
)

__all__ = [
    "PASSWORD_MIN",
    "ROLE_LABELS",
    "Decision",
    "ForgotPasswordForm",
    "LoginForm",
    "LoginResult",
    "RegisterForm",
    "ResetPasswordForm",
    "RoleForm",
    "ThrottleUnavailable",
    "authenticate",
    "client_address",
    "create_user",
    "hash_password",
    "end_session",
    "init_app",
    "known_device",
    "limit_reached",
    "login_redirect",
    "mail_activation",
    "mail_existing_account",
    "mail_reset_link",
    "new_password_fields",
    "normalise_email",
    "password_problem",
    "record_attempt",
    "register_user",
    "remember_device",
    "registration_allowed",
    "registration_mail_allowed",
    "registration_from_token",
    "registration_token",
    "Registration",
    "require_role",
    "reset_allowed",
    "reset_recipient",
    "reset_token",
    "safe_next",
    "set_blocked",
    "set_password",
    "set_role",
    "start_session",
    "take",
    "user_by_email",
    "user_for_reset_token",
    "wait_text",
]
