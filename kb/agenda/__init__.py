"""News and agenda: the programme's news items and bijeenkomsten (CoP meetings) with sign-up.

Modules: `news`, `events` (sign-up with capacity and closing date), `ics` (calendar files and
feeds) and `clock` (Dutch local time).
"""

from kb.agenda.events import (
    SignupRefused,
    SignupState,
    all_events,
    cops,
    of_cop,
    purge_signups,
    save_event,
    sign_up,
    signup_state,
    upcoming,
    when,
)
from kb.agenda.ics import calendar
from kb.agenda.news import delete_news, latest, save_news

__all__ = [
    "SignupRefused",
    "SignupState",
    "all_events",
    "calendar",
    "cops",
    "delete_news",
    "latest",
    "of_cop",
    "purge_signups",
    "save_event",
    "save_news",
    "sign_up",
    "signup_state",
    "upcoming",
    "when",
]
