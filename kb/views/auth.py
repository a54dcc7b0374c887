"""Account pages: registration, login, logout and password reset."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from kb import accounts, queries
from kb.forms import ActionForm, choices

bp = Blueprint("auth", __name__)

LOGIN_REFUSALS = {
    "throttled": (
        "Te veel mislukte pogingen. Probeer het over {wait} opnieuw, of vraag een nieuw "
        "wachtwoord aan.",
        429,
    ),
    "invalid": ("Het e-mailadres of het wachtwoord klopt niet.", 200),
    "blocked": ("Dit account is geblokkeerd. Neem contact op met de beheerder.", 403),
    "unavailable": ("Inloggen lukt nu even niet. Probeer het zo opnieuw.", 503),
}


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; throttled per account+address, address and account."""
    form = accounts.LoginForm()
    next_url = accounts.safe_next(request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, next_url=next_url)
    result = accounts.authenticate(form.email.data, form.password.data, accounts.client_address())
    if result.user is None:
        message, status = LOGIN_REFUSALS[result.refused]
        form.form_errors.append(message.format(wait=accounts.wait_text(result.retry_after)))
        response = make_response(
            render_template("auth/login.html", form=form, next_url=next_url), status
        )
        if result.retry_after:
            response.headers["Retry-After"] = str(result.retry_after)
        return response
    accounts.start_session(result.user)
    flash(f"Welkom, {result.user.name}.", "success")
    response = redirect(next_url or url_for("public.home"))
    accounts.remember_device(response, result.user.id)
    return response


@bp.route("/uitloggen", methods=["GET", "POST"])
def logout():
    """Log out (POST, so another site cannot log you out); GET shows the button."""
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        accounts.end_session()
        flash("U bent uitgelogd.", "success")
        return redirect(url_for("public.home"))
    return render_template("auth/logout.html", form=form)


@bp.route("/registreren", methods=["GET", "POST"])
def register():
    """Ask for an account: the same answer whether or not the address has one (no enumeration).

    A new address gets a link that creates the account; an address with an account gets a
    note that someone tried, with a reset link. Throttled per address and per e-mail address.
    """
    form = accounts.RegisterForm()
    form.region.choices = choices(queries.taxonomy_choices()["region"])
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form)
    email = accounts.normalise_email(form.email.data)
    try:
        decision = accounts.registration_allowed(accounts.client_address())
        if not decision.allowed:
            form.form_errors.append(
                "Te veel nieuwe accounts vanaf dit adres. Probeer het over "
                f"{accounts.wait_text(decision.retry_after)} opnieuw."
            )
            return render_template("auth/register.html", form=form), 429
        mail_allowed = accounts.registration_mail_allowed(email)
    except accounts.ThrottleUnavailable:
        form.form_errors.append("Registreren lukt nu even niet. Probeer het zo opnieuw.")
        return render_template("auth/register.html", form=form), 503
    # Hashed in both cases, so the answer takes as long whether or not the address is known.
    registration = accounts.Registration(
        email=email, name=form.name.data.strip(), organisation=form.organisation.data.strip(),
        region=form.region.data or "", password_hash=accounts.hash_password(form.password.data),
    )  # fmt: skip
    if mail_allowed:
        existing = accounts.user_by_email(email)
        if existing is None:
            accounts.mail_activation(registration)
        else:
            accounts.mail_existing_account(existing)
    return render_template("auth/register_sent.html", email=email)


@bp.get("/registreren/<token>")
def activate(token: str):
    """Create the account from a mailed registration link (once), then ask to log in.

    No session is started here: a mail filter that opens links must not end up logged in.
    """
    registration = accounts.registration_from_token(token)
    if registration is None:
        return render_template("auth/activate_invalid.html"), 400
    if accounts.register_user(registration) is None:
        flash("Dit account bestaat al. Log in met uw e-mailadres en wachtwoord.", "success")
    else:
        flash("Uw account is aangemaakt. Log in met uw e-mailadres en wachtwoord.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    """Send a reset link; the answer is the same whether or not the address is known."""
    form = accounts.ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form)
    email = accounts.normalise_email(form.email.data)
    try:
        if not accounts.reset_allowed(accounts.client_address()):
            form.form_errors.append("Te veel aanvragen vanaf dit adres. Probeer het later.")
            return render_template("auth/forgot.html", form=form), 429
        user = accounts.reset_recipient(email)
    except accounts.ThrottleUnavailable:
        form.form_errors.append("Dit lukt nu even niet. Probeer het zo opnieuw.")
        return render_template("auth/forgot.html", form=form), 503
    if user is not None:
        accounts.mail_reset_link(user)
    return render_template("auth/forgot_sent.html", email=email)


@bp.route("/wachtwoord-vergeten/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password with a valid reset link; ends all other sessions of the account."""
    user = accounts.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = accounts.ResetPasswordForm(user_inputs=[user.email, user.name, user.organisation])
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form)
    accounts.set_password(user, form.password.data)
    # The new password ended the account's sessions; whoever was logged in here starts over.
    accounts.end_session(everywhere=False)
    flash("Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord.", "success")
    return redirect(url_for("auth.login"))
