"""@mentions in posts: who a `@naam` names.

How a name resolves (only among the group's active members, so a mention can never reach, or
reveal a post to, someone outside the group):
- `@` starts a mention at the start of the text or after a character that is not a letter or
  digit (so `jan@gemeente.nl` is no mention); the handle runs over letters, digits, `.`, `-`
  and `_`.
- The member's display name, case and accents ignored, with spaces or `.`, `-`, `_` (or
  nothing) between its words: "Jet de Vries" answers to `@Jet de Vries`, `@jet.de.vries`,
  `@jet-de-vries`, `@JetdeVries`.
- The first name alone (`@Jet`) works too when exactly one member has that first name.
- Text in code (`…` and fenced blocks) and in quoted lines (`> …`) does not mention anyone:
  quoting a reply must not notify its mentions again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from kb.groups.models import GroupMember
from kb.models import User, db
from kb.search import fold

_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.DOTALL)
_QUOTE = re.compile(r"^\s{0,3}>.*$", re.MULTILINE)
_FIRST = re.compile(r"(?<![\w@])@(\w+)")
_WORDS = re.compile(r"[a-z0-9]+")
_SEPARATOR = r"[\s.\-_]*"
MAX_MENTIONS = 50  # a post naming more people than this is a mass mailing, not a mention


def mention_text(body: str) -> str:
    """Return the folded text of a Markdown body where mentions count (no code, no quotes)."""
    return fold(_QUOTE.sub(" ", _CODE.sub(" ", body)))


def resolve(body: str, members: Iterable[tuple[int, str]]) -> set[int]:
    """Return the user ids that the body mentions, among members given as (user id, name)."""
    text = mention_text(body)
    if "@" not in text:
        return set()
    named: set[int] = set()
    first: dict[str, set[int]] = {}
    for user_id, name in members:
        words = _WORDS.findall(fold(name or ""))
        if not words:
            continue
        first.setdefault(words[0], set()).add(user_id)
        pattern = r"(?<![\w@])@" + _SEPARATOR.join(map(re.escape, words)) + r"(?![a-z0-9])"
        if re.search(pattern, text):
            named.add(user_id)
    for wanted in dict.fromkeys(_FIRST.findall(text)):
        if len(first.get(wanted, ())) == 1:
            named |= first[wanted]
    return set(sorted(named)[:MAX_MENTIONS])


def mentioned_users(group_id: int, body: str) -> set[int]:
    """Return the ids of the group's active members that the body mentions."""
    if "@" not in body:
        return set()
    members = db.session.execute(
        select(User.id, User.name)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group_id, GroupMember.state == "active",
               User.is_blocked.is_(False))
    ).all()  # fmt: skip
    return resolve(body, members)
