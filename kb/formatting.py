"""Jinja filters that present dates and times the Dutch way (times in Europe/Amsterdam),
and the section headings of an article for its table of contents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache, lru_cache
from html.parser import HTMLParser
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)  # fmt: skip


def dutch_date(value: str | date | datetime | None) -> str:
    """Format a date as '22 november 2026'."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def reference_date(value: str) -> str:
    """Format a reference date ('2019' or '2019-06') as Dutch text."""
    if len(value) == 7:
        year, month = value.split("-")
        return f"{MONTHS[int(month) - 1]} {year}"
    return value


@cache
def _zone() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # no tz database on this machine: show UTC, and say so
        return None


def local_datetime(value: datetime | None) -> str:
    """Format a naive UTC datetime as '22 november 2026 11:00' in Dutch local time."""
    if value is None:
        return ""
    zone = _zone()
    if zone is None:
        return f"{dutch_date(value)} {value:%H:%M} UTC"
    local = value.replace(tzinfo=UTC).astimezone(zone)
    return f"{dutch_date(local)} {local:%H:%M}"


class _SectionHeadings(HTMLParser):
    """Collect (id, text) of every <h2 id="..."> in a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._current: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id")
        if tag == "h2" and anchor:
            self._current, self._text = anchor, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._current is not None:
            self.found.append((self._current, " ".join("".join(self._text).split())))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._text.append(data)


def section_headings(html: str) -> list[tuple[str, str]]:
    """Return (id, text) of the sections (h2 with an id) of rendered article HTML, in order."""
    return list(_section_headings(html or ""))


# Parsing an article's HTML was a sixth of its page's time; the same HTML gives the same list
# (the article page hands the same cached string each time, whose hash Python keeps).
@lru_cache(maxsize=1024)
def _section_headings(html: str) -> tuple[tuple[str, str], ...]:
    parser = _SectionHeadings()
    parser.feed(html)
    parser.close()
    return tuple((anchor, text) for anchor, text in parser.found if text)


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(dutch_date)
    app.add_template_filter(reference_date)
    app.add_template_filter(local_datetime)
    app.add_template_filter(section_headings)
