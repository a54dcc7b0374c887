"""Jinja filters that present dates the Dutch way."""

from __future__ import annotations

from datetime import date, datetime

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


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(dutch_date)
    app.add_template_filter(reference_date)
