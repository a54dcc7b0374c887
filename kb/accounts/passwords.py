"""Password strength: zxcvbn's estimate, with the account's own details as likely guesses.

One rule everywhere a password is chosen (registration, reset, `kb create-user`): a score below
STRONG_ENOUGH is refused, explained in Dutch (zxcvbn's own feedback is English).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

# zxcvbn's scale: 3 = "safely unguessable: moderate protection from offline slow-hash attacks".
STRONG_ENOUGH = 3
# Words anyone guessing a password for this site tries first (zxcvbn's lists are English).
SITE_WORDS = ("wachtwoord", "kennisbank", "welkom", "onderwijs", "zorg", "jeugd", "geheim")
# zxcvbn's time grows with the length; the tail of a longer password adds strength anyway.
_ESTIMATE_CHARS = 100

_REASONS = {
    "user_inputs": "het lijkt op uw e-mailadres, naam of organisatie",
    "repeat": "het herhaalt steeds dezelfde tekens",
    "sequence": "het is een reeks zoals 12345 of abcde",
    "spatial": "het is een patroon op het toetsenbord zoals qwerty",
    "date": "het bevat een datum of jaartal",
    "site_words": "het is een woord dat iedereen voor deze site als eerste probeert",
    "passwords": "het staat op de lijsten van veelgebruikte wachtwoorden",
    "dictionary": "het bestaat uit gewone woorden of namen",
}
_ORDER = ("user_inputs", "site_words", "passwords", "repeat", "sequence", "spatial", "date")
ADVICE = (
    "Kies bijvoorbeeld vier losse woorden die niet bij elkaar horen, zoals "
    "‘fiets lamp oever mango’."
)


def personal_words(*values: str | None) -> list[str]:
    """Return the words of an account's details that a guesser would try (e-mail, its parts)."""
    words: list[str] = []
    for value in values:
        value = (value or "").strip().lower()
        if not value:
            continue
        parts = [w for w in re.split(r"[@.\s_+-]+", value) if w]
        local = re.split(r"[\s_+.-]+", value.split("@")[0])
        # The whole, its words, and its words run together ("anna.jansen" -> "annajansen").
        words += [value, "".join(local), *(w for w in parts if len(w) >= 3)]
    return list(dict.fromkeys(words))


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Return a Dutch explanation when the password is too easy to guess, else None."""
    words = [*personal_words(*user_inputs), *SITE_WORDS]
    result = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=words)
    if result["score"] >= STRONG_ENOUGH:
        return None
    return f"Dit wachtwoord is te makkelijk te raden: {_reason(result['sequence'])}. {ADVICE}"


def _reason(sequence: list[dict]) -> str:
    # The weakest recognisable part says most: name it, most specific pattern first.
    found = {_pattern(m) for m in sequence}
    for pattern in _ORDER:
        if pattern in found:
            return _REASONS[pattern]
    if "bruteforce" in found and len(found) == 1:
        return "het is te kort of te eenvoudig"
    return _REASONS["dictionary"]


def _pattern(match: dict) -> str:
    if match["pattern"] != "dictionary":
        return match["pattern"]
    if match.get("dictionary_name") == "user_inputs" and match.get("matched_word") in SITE_WORDS:
        return "site_words"
    return match.get("dictionary_name") or "dictionary"
