"""Account pages: registration, login, logout and password reset."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from kb import accounts, queries
from kb.forms import ActionForm, choices
from kb.mail import send_mail

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
    """Create a member account and log it in."""
    form = accounts.RegisterForm()
    form.region.choices = choices(queries.taxonomy_choices()["region"])
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form)
    address = accounts.client_address()
    if accounts.registration_limited(address):
        form.form_errors.append("Te veel nieuwe accounts vanaf dit adres. Probeer het later.")
        return render_template("auth/register.html", form=form), 429
    user = accounts.register_user(form.email.data, form.name.data, form.organisation.data,
                                  form.region.data or "", form.password.data, address)  # fmt: skip
    if user is None:
        form.email.errors.append(
            "Er bestaat al een account met dit e-mailadres. "
            "Log in of vraag een nieuw wachtwoord aan."
        )
        return render_template("auth/register.html", form=form)
    accounts.start_session(user)
    flash("Uw account is aangemaakt. U bent ingelogd.", "success")
    return redirect(url_for("public.home"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    """Send a reset link; the answer is the same whether or not the address is known."""
    form = accounts.ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form)
    if not accounts.reset_allowed(accounts.client_address()):
        form.form_errors.append("Te veel aanvragen vanaf dit adres. Probeer het later.")
        return render_template("auth/forgot.html", form=form), 429
    email = accounts.normalise_email(form.email.data)
    user = accounts.reset_recipient(email)
    if user is not None:
        config = current_app.config
        link = config["BASE_URL"].rstrip("/") + url_for(
            "auth.reset_password", token=accounts.reset_token(user)
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
