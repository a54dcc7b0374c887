"""The statement pages and "Meer weten" pass axe-core (WCAG 2.1 AA) and reflow at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from kb.config import PROJECT_ROOT

AXE = (PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
# Path and the part of the page that is ours to keep within 320 px.
PAGES = [
    ("/toegankelijkheid", "html"),
    ("/privacy", "html"),
    ("/contact", "html"),
    ("/over", "html"),
    ("/artikel/oogo-test", "section.more-info"),
]
OVERFLOW = """selector => {
  const el = document.querySelector(selector);
  return Math.max(el.scrollWidth - el.clientWidth,
                  el.getBoundingClientRect().right - document.documentElement.clientWidth);
}"""


def _violations(page: Page) -> list[str]:
    page.evaluate(AXE)  # through the DevTools protocol: the page's CSP forbids inline script
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa']}})"
    )
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


@pytest.mark.parametrize(("path", "ours"), PAGES)
def test_statement_pages_have_no_axe_violations_and_reflow(
    server_factory, page: Page, path: str, ours: str
) -> None:
    server = server_factory()
    page.goto(server.url + path)
    assert _violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate(OVERFLOW, ours) <= 0
