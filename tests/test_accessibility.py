"""The design tokens in static/css/theme.css meet WCAG 2.1 AA contrast.

Every token is resolved through its var() chain to a colour. Pairs come from two places: the
naming convention the Utrecht components and our own tokens share (`<name>-color` is drawn on
`<name>-background-color`), and the cross-component pairs listed below (text on the surfaces it
sits on, borders of form controls, the focus ring). Text needs 4.5:1, borders and focus rings 3:1.
"""

from __future__ import annotations

import re

import pytest

from kb.config import PROJECT_ROOT

CSS_DIR = PROJECT_ROOT / "static" / "css"
THEME = (CSS_DIR / "theme.css").read_text(encoding="utf-8")
DECLARATION = re.compile(r"(--[a-z0-9-]+)\s*:\s*([^;]+);")
VAR = re.compile(r"^var\((--[a-z0-9-]+)\)$")
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
TRANSPARENT = "transparent"


def read_tokens(css: str) -> dict[str, str]:
    """Return the custom properties declared in a stylesheet, name -> raw value."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return {name: value.strip() for name, value in DECLARATION.findall(css)}


def resolve(tokens: dict[str, str], name: str) -> str | None:
    """Follow var() references to a #rrggbb colour, 'transparent', or None if not a colour."""
    seen: set[str] = set()
    value = tokens.get(name)
    while value is not None:
        if HEX.match(value) or value == TRANSPARENT:
            return value.lower()
        match = VAR.match(value)
        if not match or match.group(1) in seen:
            return None
        seen.add(match.group(1))
        value = tokens.get(match.group(1))
    return None


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def convention_pairs(tokens: dict[str, str]) -> list[tuple[str, str]]:
    """Return (text, background) token pairs named `<name>-color` / `<name>-background-color`."""
    pairs = []
    for name in tokens:
        if not name.endswith("-color") or name.endswith("-background-color"):
            continue
        if re.search(r"-(border|outline|decoration|separator|marker|icon)[a-z-]*-color$", name):
            continue
        background = name.removesuffix("-color") + "-background-color"
        if background in tokens:
            pairs.append((name, background))
    return pairs


def failures(tokens: dict[str, str], pairs, minimum: float, surface: str) -> list[str]:
    """Return a line per pair below the minimum ratio; a transparent background means `surface`."""
    found = []
    for foreground, background in pairs:
        fg, bg = resolve(tokens, foreground), resolve(tokens, background)
        if bg == TRANSPARENT:
            bg = resolve(tokens, surface)
        assert fg and HEX.match(fg), f"{foreground} does not resolve to a colour"
        assert bg and HEX.match(bg), f"{background} does not resolve to a colour"
        ratio = contrast(fg, bg)
        if ratio < minimum:
            found.append(f"{foreground} {fg} on {background} {bg}: {ratio:.2f}:1 < {minimum}:1")
    return found


TOKENS = read_tokens(THEME)
PAGE = "--utrecht-document-background-color"
SURFACES = [
    "--kb-color-surface",
    "--kb-color-surface-soft",
    "--kb-color-brand-tint",
    "--utrecht-nav-bar-background-color",
    "--utrecht-navigation-link-current-background-color",
    "--utrecht-page-footer-background-color",
]
KINDS = ["praktijkvoorbeeld", "regioportret", "instrument", "community-of-practice", "advies",
         "achtergrond", "perspectief"]  # fmt: skip

# Text drawn on a surface it is not named after (4.5:1).
TEXT_PAIRS = [
    *[
        (text, surface)
        for text in ("--utrecht-document-color", "--kb-color-ink")
        for surface in SURFACES[:3]
    ],
    *[
        (text, surface)
        for text in (
            "--utrecht-link-color",
            "--utrecht-link-hover-color",
            "--kb-color-muted",
            "--kb-color-error",
        )
        for surface in ("--kb-color-surface", "--kb-color-surface-soft")
    ],
    ("--utrecht-link-color", "--kb-color-brand-tint"),  # links in the home page's search hero
    ("--kb-color-brand-dark", "--kb-color-brand-tint"),  # active-filter chips
    ("--utrecht-nav-bar-link-color", "--utrecht-nav-bar-background-color"),
    ("--utrecht-nav-bar-link-color", "--utrecht-navigation-link-current-background-color"),
    ("--utrecht-page-footer-color", "--utrecht-page-footer-background-color"),
    ("--utrecht-link-focus-color", "--utrecht-link-focus-background-color"),
    ("--kb-color-ink", "--kb-color-mark"),  # search hits in snippets
    ("--kb-color-ink", "--kb-color-focus"),  # a focused link, chip or nav item
    ("--kb-color-muted", "--kb-color-surface-soft"),  # counts and dates on grey
    ("--utrecht-form-field-error-message-color", "--kb-color-surface"),
    *[(f"--kb-kind-{kind}-color", "--kb-color-surface") for kind in KINDS],  # advies number
]

# Borders of controls, the kinds' colour stripe and pictograms on white (3:1, WCAG 1.4.11).
UI_PAIRS = [
    *[
        (border, surface)
        for border in (
            "--utrecht-textbox-border-color",
            "--utrecht-textarea-border-color",
            "--utrecht-select-border-color",
            "--utrecht-checkbox-border-color",
            "--utrecht-radio-button-border-color",
            "--utrecht-pagination-page-link-border-color",
            "--utrecht-textbox-invalid-border-color",
            "--utrecht-checkbox-checked-background-color",
        )
        for surface in ("--kb-color-surface", "--kb-color-surface-soft")
    ],
    ("--utrecht-button-secondary-action-border-color", "--kb-color-surface"),
    ("--utrecht-button-primary-action-background-color", "--kb-color-surface"),
    *[(f"--kb-kind-{kind}-color", "--kb-color-surface") for kind in KINDS],
]


def test_the_convention_finds_the_component_pairs() -> None:
    pairs = dict(convention_pairs(TOKENS))
    # Not vacuous: the main components and every kind are checked through the convention.
    for text in (
        "--utrecht-button-primary-action-color",
        "--utrecht-skip-link-color",
        "--utrecht-alert-error-color",
        "--utrecht-status-badge-warning-color",
        "--utrecht-pagination-page-link-current-color",
        "--kb-kind-advies-color",
    ):
        assert text in pairs, text
    assert len(pairs) >= 40


@pytest.mark.parametrize(("foreground", "background"), convention_pairs(TOKENS))
def test_named_pair_has_text_contrast(foreground: str, background: str) -> None:
    assert not failures(TOKENS, [(foreground, background)], 4.5, PAGE)


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_on_its_surface_has_text_contrast(foreground: str, background: str) -> None:
    assert not failures(TOKENS, [(foreground, background)], 4.5, PAGE)


@pytest.mark.parametrize(("foreground", "background"), UI_PAIRS)
def test_control_edges_and_kind_colours_have_ui_contrast(foreground: str, background: str) -> None:
    assert not failures(TOKENS, [(foreground, background)], 3, PAGE)


@pytest.mark.parametrize("surface", SURFACES)
def test_focus_ring_is_visible_on_every_surface(surface: str) -> None:
    # The ring is a dark outline around a yellow halo: one of the two must stand out (3:1)
    # against whatever the focused element sits on, and the two against each other.
    outline = resolve(TOKENS, "--utrecht-focus-outline-color")
    halo = resolve(TOKENS, "--utrecht-focus-inverse-outline-color")
    background = resolve(TOKENS, surface)
    assert outline and halo and background
    assert max(contrast(outline, background), contrast(halo, background)) >= 3
    assert contrast(outline, halo) >= 3


def test_a_bad_token_fails() -> None:
    # The checker itself: a grey on grey pair named by the convention is reported.
    css = ".x { --a-color: #777777; --a-background-color: var(--grey); --grey: #888888; }"
    tokens = read_tokens(css)
    assert convention_pairs(tokens) == [("--a-color", "--a-background-color")]
    assert failures(tokens, convention_pairs(tokens), 4.5, "--grey")


def test_page_css_uses_tokens_that_exist_and_no_colours_of_its_own() -> None:
    # Colours live in theme.css only; every var(--kb-*) a page stylesheet reads is defined there.
    for path in sorted(CSS_DIR.glob("*.css")):
        css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        for name in set(re.findall(r"var\((--kb-[a-z0-9-]+)", css)):
            assert name in TOKENS, f"{path.name} reads {name}, which theme.css does not define"
        if path.name != "theme.css":
            assert not re.search(r"#[0-9a-fA-F]{3,8}\b", css), f"{path.name} has a colour literal"
