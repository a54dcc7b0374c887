"""Every page type and state passes axe-core at WCAG 2.1 AA and reflows at 320 px (WCAG 1.4.10).

axe-core comes from node_modules (pinned in package.json, installed by `make assets`) and is
injected through the DevTools protocol, so the app's CSP (no inline script) stays in force.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from kb.config import PROJECT_ROOT
from tests.browser.pages import WIDTHS, PageState, params

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REFLOW_WIDTH = 320
# axe leaves the contrast of text of one or two characters (a count such as "(1)") undecided;
# such counts are read like any text, so their contrast is checked too.
AXE_RUN = """tags => axe.run(document, {
  runOnly: {type: 'tag', values: tags},
  checks: {'color-contrast': {options: {ignoreLength: true}}},
})"""

# Offending elements at 320 px: the page itself scrolls sideways, or an element that clips its
# overflow (overflow hidden/clip, text-overflow) is narrower than its content. Elements hidden on
# purpose (1 px "visually hidden" text, display none) do not count, nor text fields, which
# scroll their own text by design.
REFLOW_SCRIPT = """() => {
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    for (const c of el.classList) name += '.' + c;
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  const root = document.documentElement;
  const viewport = root.clientWidth;
  const wide = [], clipped = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    // Name where the overflow starts: an element past the edge inside a parent that is not.
    const parent = el.parentElement.getBoundingClientRect();
    if (box.right > viewport + 1 && parent.right <= viewport + 1) {
      const right = Math.round(box.right), width = Math.round(box.width);
      wide.push({element: describe(el), right, width});
    }
    const clips = ['hidden', 'clip'].includes(style.overflowX)
      && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    if (clips && el.scrollWidth > el.clientWidth + 1 && style.clipPath === 'none'
        && style.clip === 'auto') {
      clipped.push({element: describe(el), content: el.scrollWidth, box: el.clientWidth});
    }
  }
  wide.sort((a, b) => b.right - a.right);
  return {scrollWidth: root.scrollWidth, clientWidth: viewport, wide: wide.slice(0, 8), clipped};
}"""


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now and return its WCAG 2.1 AA violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(AXE_RUN, WCAG_AA)
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    """One line per rule (id, impact, what it checks) and the offending selectors beneath it."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:10]:
            target = " ".join(t if isinstance(t, str) else json.dumps(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def test_axe_is_installed() -> None:
    assert AXE.exists(), f"{AXE} missing: run `make assets` (axe-core is pinned in package.json)"


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("state", params())
def test_no_axe_violations(
    show_state: Callable[[PageState, int], Page], state: PageState, width: int
) -> None:
    page = show_state(state, width)
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"{state.name} at {width} px ({page.url}): {len(violations)} axe rule(s) violated\n"
            + describe_violations(violations),
            pytrace=False,
        )


@pytest.mark.parametrize("state", params())
def test_reflows_at_320px(show_state: Callable[[PageState, int], Page], state: PageState) -> None:
    page = show_state(state, REFLOW_WIDTH)
    found = page.evaluate(REFLOW_SCRIPT)
    problems = []
    if found["scrollWidth"] > found["clientWidth"]:
        widest = "\n".join(
            f"    {w['element']}: right edge {w['right']} px, {w['width']} px wide"
            for w in found["wide"]
        )
        problems.append(
            f"scrolls sideways: {found['scrollWidth']} px of content in {found['clientWidth']} px;"
            f" widest elements:\n{widest}"
        )
    if found["clipped"]:
        problems.append("cut off:\n" + "\n".join(
            f"    {c['element']}: {c['content']} px of content in {c['box']} px"
            for c in found["clipped"]
        ))  # fmt: skip
    if problems:
        pytest.fail(
            f"{state.name} at {REFLOW_WIDTH} px ({page.url}):\n" + "\n".join(problems),
            pytrace=False,
        )
