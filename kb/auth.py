"""Accounts: registration, login, logout and password reset (blueprint), and the LoginManager."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from kb import throttle
from kb.forms import (
    ActionForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    SelectChoice,
    choices,
)
from kb.mail import send_mail
from kb.models import Region, User, db, utcnow
from kb.roles import Anonymous, SessionUser, login_redirect, safe_next

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

# Compared against when the e-mail is unknown, so a wrong address costs as much time as a
# wrong password and response times do not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("kennisbank-dummy-password")
RESET_SALT = "kb-password-reset"


def init_app(app: Flask) -> None:
    """Set up Flask-Login and register the account pages."""
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(login_redirect)
    app.register_blueprint(bp)


@login_manager.user_loader
def _load_user(identifier: str) -> SessionUser | None:
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    row = db.session.get(User, int(user_id))
    if row is None or row.is_blocked or row.session_version != int(version):
        return None
    return SessionUser(row)


def hash_password(password: str) -> str:
    """Hash a password with werkzeug's current default (scrypt)."""
    return generate_password_hash(password)


def normalise_email(email: str) -> str:
    """Return the e-mail address as we store and compare it."""
    return email.strip().lower()


def start_session(user: User) -> None:
    """Log the user in on a brand-new session (nothing from before the login survives)."""
    session.clear()
    login_user(SessionUser(user))


def region_choices() -> list[SelectChoice]:
    """Return the region options for a select, with an empty first option."""
    regions = db.session.scalars(select(Region).order_by(Region.name))
    return choices([("", "— kies een regio —")] + [(r.slug, r.name) for r in regions])


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; throttled per account and per address."""
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, next_url=next_url)
    config = current_app.config
    email, address = normalise_email(form.email.data), throttle.client_address()
    window = config["LOGIN_WINDOW_SECONDS"]
    if throttle.exceeded(
        "login-account", email, config["LOGIN_MAX_FAILURES_ACCOUNT"], window
    ) or throttle.exceeded("login-address", address, config["LOGIN_MAX_FAILURES_ADDRESS"], window):
        form.form_errors.append(
            "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw, of vraag "
            "een nieuw wachtwoord aan."
        )
        return render_template("auth/login.html", form=form, next_url=next_url), 429
    user = db.session.scalar(select(User).where(User.email == email))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, form.password.data)
    if user is None or not valid:
        throttle.record("login-account", email)
        throttle.record("login-address", address)
        db.session.commit()
        form.form_errors.append("Het e-mailadres of het wachtwoord klopt niet.")
        return render_template("auth/login.html", form=form, next_url=next_url), 200
    if user.is_blocked:
        form.form_errors.append("Dit account is geblokkeerd. Neem contact op met de beheerder.")
        return render_template("auth/login.html", form=form, next_url=next_url), 403
    throttle.clear("login-account", email)
    user.last_login_at = utcnow()
    db.session.commit()
    start_session(user)
    flash(f"Welkom, {user.name}.", "success")
    return redirect(next_url or url_for("public.home"))


@bp.route("/uitloggen", methods=["GET", "POST"])
def logout():
    """Log out (POST, so another site cannot log you out); GET shows the button."""
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        logout_user()
        session.clear()
        flash("U bent uitgelogd.", "success")
        return redirect(url_for("public.home"))
    return render_template("auth/logout.html", form=form)


@bp.route("/registreren", methods=["GET", "POST"])
def register():
    """Create a member account and log it in."""
    form = RegisterForm()
    form.region.choices = region_choices()
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form)
    config, address = current_app.config, throttle.client_address()
    if throttle.exceeded(
        "register", address, config["REGISTRATIONS_PER_ADDRESS"], config["RATE_WINDOW_SECONDS"]
    ):
        form.form_errors.append("Te veel nieuwe accounts vanaf dit adres. Probeer het later.")
        return render_template("auth/register.html", form=form), 429
    email = normalise_email(form.email.data)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        form.email.errors.append(
            "Er bestaat al een account met dit e-mailadres. "
            "Log in of vraag een nieuw wachtwoord aan."
        )
        return render_template("auth/register.html", form=form)
    region = db.session.scalar(select(Region).where(Region.slug == form.region.data))
    user = User(
        email=email,
        name=form.name.data.strip(),
        organisation=form.organisation.data.strip(),
        region=region,
        password_hash=hash_password(form.password.data),
        role="member",
        last_login_at=utcnow(),
    )
    db.session.add(user)
    throttle.record("register", address)
    try:
        db.session.commit()
    except IntegrityError:  # the same address registered a moment ago in another worker
        db.session.rollback()
        form.email.errors.append("Er bestaat al een account met dit e-mailadres.")
        return render_template("auth/register.html", form=form)
    start_session(user)
    flash("Uw account is aangemaakt. U bent ingelogd.", "success")
    return redirect(url_for("public.home"))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    """Return a reset token bound to the user's current password and session version."""
    return _serializer().dumps({"u": user.id, "v": user.session_version,
                                "p": _password_fingerprint(user)})  # fmt: skip


def user_for_reset_token(token: str) -> User | None:
    """Return the user a reset token is for, if it is unexpired and not used yet."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    # A new password changes both: so a token works once, and not after any other change.
    if user is None or user.is_blocked or user.session_version != data.get("v"):
        return None
    if _password_fingerprint(user) != data.get("p"):
        return None
    return user


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    """Send a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form)
    config, address = current_app.config, throttle.client_address()
    window = config["RATE_WINDOW_SECONDS"]
    if throttle.exceeded("reset-address", address, config["RESET_REQUESTS_PER_ADDRESS"], window):
        form.form_errors.append("Te veel aanvragen vanaf dit adres. Probeer het later.")
        return render_template("auth/forgot.html", form=form), 429
    email = normalise_email(form.email.data)
    throttle.record("reset-address", address)
    user = db.session.scalar(select(User).where(User.email == email))
    send = (
        user is not None
        and not user.is_blocked
        and not throttle.exceeded("reset-account", email, 3, window)
    )
    if send:
        throttle.record("reset-account", email)
    db.session.commit()
    if send:
        link = config["BASE_URL"].rstrip("/") + url_for(
            "auth.reset_password", token=reset_token(user)
        )
        minutes = config["PASSWORD_RESET_MAX_AGE"] // 60
        send_mail(
            user.email,
            "Nieuw wachtwoord voor de kennisbank",
            f"Beste {user.name},\n\nU vroeg een nieuw wachtwoord aan voor de Kennisbank "
            "Onderwijs · Zorg · Jeugd. Kies een nieuw wachtwoord via deze link:\n\n"
            f"{link}\n\nDe link werkt {minutes} minuten en één keer. Vroeg u niets aan? Dan "
            "kunt u dit bericht negeren; uw wachtwoord blijft hetzelfde.\n\n"
            "Kennisbank Onderwijs · Zorg · Jeugd\n",
        )
    return render_template("auth/forgot_sent.html", email=email)


@bp.route("/wachtwoord-vergeten/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password with a valid reset link; ends all other sessions of the account."""
    user = user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form)
    user.password_hash = hash_password(form.password.data)
    user.session_version += 1
    throttle.clear("login-account", user.email)
    db.session.commit()
    if current_user.is_authenticated:
        logout_user()
    session.clear()
    flash("Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord.", "success")
    return redirect(url_for("auth.login"))
