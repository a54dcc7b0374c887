"""`flask --app wsgi kb ...` commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from kb import accounts, agenda, follows, freshness, search
from kb.content import check_content, content_dir, style_warnings, sync_content
from kb.publishing import apply_index_outbox

kb_cli = AppGroup("kb", help="Kennisbank: content, index and users.")


def _print_problems(problems: list) -> None:
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    click.echo(f"{len(problems)} probleem/problemen gevonden.", err=True)


@kb_cli.command("check-content")
@click.option("--no-sources", is_flag=True, help="Skip the check against the source documents.")
@click.option(
    "--file",
    "only",
    multiple=True,
    metavar="NAME",
    help="Report only problems of files whose name contains NAME (repeatable).",
)
@click.option("--strict", is_flag=True, help="Exit 1 on style warnings too.")
def check_content_command(no_sources: bool, only: tuple[str, ...], strict: bool) -> None:
    """Validate content/ without writing anything; exit 1 on any problem."""
    sources = Path(current_app.config["SOURCES_DIR"])
    if no_sources or not sources.is_dir():
        if not no_sources:
            click.echo(f"Bronnen niet gevonden ({sources}): woordcontrole overgeslagen.", err=True)
        sources = None
    taxonomy, articles, problems = check_content(content_dir(), sources)
    warnings = style_warnings(articles)
    if only:
        problems = [p for p in problems if any(name in p.path for name in only)]
        warnings = [w for w in warnings if any(name in w.path for name in only)]
    for warning in warnings:
        click.echo(f"  waarschuwing: {warning}", err=True)
    if problems:
        _print_problems(problems)
        sys.exit(1)
    if strict and warnings:
        click.echo(f"{len(warnings)} waarschuwing(en) (--strict).", err=True)
        sys.exit(1)
    click.echo(
        f"OK: {len(articles)} artikelen, {len(taxonomy.themes)} thema's, "
        f"{len(taxonomy.regions)} regio's, {len(taxonomy.synonyms)} synoniemgroepen, "
        f"{len(warnings)} waarschuwing(en)."
    )


@kb_cli.command("sync-content")
@click.option(
    "--force",
    "force",
    multiple=True,
    metavar="SLUG",
    help="Let the file win over online edits for this slug (kept as a revision).",
)
def sync_content_command(force: tuple[str, ...]) -> None:
    """Load content/ into the database (changed files only) and update the index."""
    report, problems = sync_content(content_dir(), frozenset(force))
    if problems:
        _print_problems(problems)
        click.echo("Niets geschreven.", err=True)
        sys.exit(1)
    indexed = apply_index_outbox()
    click.echo(
        f"Nieuw: {len(report.created)}, bijgewerkt: {len(report.updated)}, "
        f"ongewijzigd: {report.unchanged}, offline gehaald: {len(report.unpublished)}, "
        f"geïndexeerd: {indexed}."
    )
    for slug in report.unpublished:
        click.echo(f"  offline gehaald (bestand verwijderd): {slug}")
    for slug in report.conflicts:
        click.echo(
            f"  CONFLICT {slug}: online bewerkt na de laatste import; bestand niet toegepast "
            f"(gebruik --force {slug} om het bestand te laten winnen).",
            err=True,
        )


@kb_cli.command("index-pending")
def index_pending_command() -> None:
    """Apply logged changes this index has not applied yet (after a locked or broken index)."""
    click.echo(f"Geïndexeerd: {apply_index_outbox()}.")


@kb_cli.command("create-user")
@click.option("--email", required=True, help="E-mail address (the login name).")
@click.option("--role", type=click.Choice(["member", "editor", "admin"]), default="member")
@click.option("--name", default="", help="Display name (default: the part before the @).")
@click.option("--organisation", default="")
def create_user_command(email: str, role: str, name: str, organisation: str) -> None:
    """Create an account; the password is read from a prompt or stdin, never an argument."""
    email = accounts.normalise_email(email)
    if "@" not in email.strip("@") or any(c.isspace() for c in email):
        click.echo(f"Geen geldig e-mailadres: {email}", err=True)
        sys.exit(1)
    if accounts.user_by_email(email) is not None:
        click.echo(f"Er bestaat al een account voor {email}.", err=True)
        sys.exit(1)
    if sys.stdin.isatty():
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < accounts.PASSWORD_MIN:
        click.echo(f"Het wachtwoord moet minstens {accounts.PASSWORD_MIN} tekens hebben.", err=True)
        sys.exit(1)
    problem = accounts.password_problem(password, [email, name, organisation])
    if problem:
        click.echo(problem, err=True)
        sys.exit(1)
    accounts.create_user(email, password, role, name, organisation)
    click.echo(f"Account aangemaakt: {email} ({role}).")


@kb_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database; readers keep the old one until the switch."""
    import time

    started = time.perf_counter()
    count = search.rebuild()
    seconds = time.perf_counter() - started
    click.echo(f"Index opnieuw opgebouwd: {count} artikelen in {seconds:.1f} s.")


@kb_cli.command("check-index")
@click.option("--repair", is_flag=True, help="Rebuild the index when it differs from the database.")
def check_index_command(repair: bool) -> None:
    """Report differences and lag between the database and the search index; exit 1 if any.

    Reports, never crashes: a damaged index or an unreachable database is a finding (exit 1).
    """
    try:
        report = search.check_index()
    except Exception as exc:  # e.g. the database is unreachable
        click.echo(f"Index niet te controleren: {exc.__class__.__name__}: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Index: {report.message.rstrip('.')}.")
    click.echo(f"Wijzigingslog: index bij #{report.position}, database bij #{report.head}, "
               f"nog toe te passen: {report.pending}.")  # fmt: skip
    for label, slugs in (("ontbreekt in de index", report.missing),
                         ("staat in de index maar is niet gepubliceerd", report.extra),
                         ("verouderd in de index", report.stale)):  # fmt: skip
        for slug in slugs:
            click.echo(f"  {label}: {slug}")
    if report.clean:
        click.echo("Database en index komen overeen.")
        return
    if repair:
        search.rebuild()
        click.echo("Hersteld: index opnieuw opgebouwd.")
        return
    if not report.healthy:
        click.echo("Index onbruikbaar (herstel met --repair of kb reindex).", err=True)
    else:
        click.echo("Verschillen gevonden (herstel met --repair of kb reindex).", err=True)
    sys.exit(1)


@kb_cli.command("send-digests")
def send_digests_command() -> None:
    """Mail what is new to followers and newsletter subscribers (cron; safe to run twice)."""
    report = follows.send_digests()
    click.echo(f"Verstuurd: {report.sent}; niets nieuws: {report.empty}; "
               f"uitgesteld (index): {report.deferred}; mislukt: {report.failed}.")  # fmt: skip
    if report.failed:
        sys.exit(1)


@kb_cli.command("purge-signups")
def purge_signups_command() -> None:
    """Delete sign-ups of bijeenkomsten that ended EVENT_SIGNUP_RETENTION_DAYS ago (cron)."""
    days = int(current_app.config["EVENT_SIGNUP_RETENTION_DAYS"])
    click.echo(f"Aanmeldingen verwijderd: {agenda.purge_signups(days)} (ouder dan {days} dagen "
               "na de bijeenkomst).")  # fmt: skip


@kb_cli.command("send-review-reminders")
def send_review_reminders_command() -> None:
    """Mail editors and submitters about articles overdue for review (cron; once per cycle)."""
    report = freshness.send_review_reminders()
    click.echo(f"Te controleren: {report.articles} artikelen; mail aan de redactie: "
               f"{report.editor_mails}; aan indieners: {report.submitter_mails}.")  # fmt: skip


@kb_cli.command("purge-search-log")
@click.option("--days", type=int, default=None, help="Keep this many days (default: config).")
def purge_search_log_command(days: int | None) -> None:
    """Delete anonymous search-log rows older than SEARCH_LOG_RETENTION_DAYS (default 365)."""
    keep = days if days is not None else int(current_app.config["SEARCH_LOG_RETENTION_DAYS"])
    if keep < 0:
        click.echo("--days moet 0 of meer zijn.", err=True)
        sys.exit(1)
    deleted = search.purge_search_log(keep)
    click.echo(f"Zoeklog: {deleted} regel(s) ouder dan {keep} dagen verwijderd.")


@kb_cli.command("purge-pending")
@click.option(
    "--max-age", type=float, default=None, help="Seconds (default: PENDING_UPLOADS_MAX_AGE)."
)
def purge_pending_command(max_age: float | None) -> None:
    """Delete held attachments of forms that were never sent (older than the maximum age)."""
    from kb.submissions import purge_pending

    purged = purge_pending(max_age)
    click.echo(f"Verwijderd uit de wachtruimte: {purged.files} bijlagen ({purged.bytes} bytes).")


def init_app(app: Flask) -> None:
    """Register the kb command group."""
    app.cli.add_command(kb_cli)
