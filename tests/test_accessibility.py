"""Colour pairs used by the stylesheet meet WCAG 2.1 AA contrast (4.5:1 for body text)."""

from __future__ import annotations

import re

import pytest

from kb.config import PROJECT_ROOT

CSS = (PROJECT_ROOT / "static" / "kb.css").read_text(encoding="utf-8")
VARIABLES = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))
WHITE = "#ffffff"

# (foreground, background) as used in the stylesheet: text colours on the surfaces they sit on.
PAIRS = [
    ("ink", WHITE),
    ("muted", WHITE),
    ("brand", WHITE),
    ("brand-dark", WHITE),
    ("accent", WHITE),
    ("error", WHITE),
    ("ok", WHITE),
    ("ink", "bg-soft"),
    ("muted", "bg-soft"),
    ("brand", "bg-soft"),
    (WHITE, "brand"),
    (WHITE, "brand-dark"),
    (WHITE, "error"),
    ("ink", "mark"),
]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio of two colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _colour(name: str) -> str:
    return name if name.startswith("#") else VARIABLES[name]


@pytest.mark.parametrize(("foreground", "background"), PAIRS)
def test_text_contrast_is_at_least_aa(foreground: str, background: str) -> None:
    ratio = contrast(_colour(foreground), _colour(background))
    assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}:1"


def test_focus_ring_is_visible_against_the_page() -> None:
    # Non-text contrast (WCAG 1.4.11): the focus ring needs 3:1 against what it sits on;
    # it is drawn as a yellow outline with a dark ring, so one of the two always contrasts.
    assert contrast(VARIABLES["ink"], WHITE) >= 3
    assert contrast(VARIABLES["focus"], VARIABLES["brand"]) >= 3
