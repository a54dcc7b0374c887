"""Issue 9 in a real Chromium: reloading the page after sending stores nothing new (9),
and the browser warns about attachments over the real limits before sending (11)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.test_submission_flow import VALUES, fill_submission
from tests.support.accounts import PDF_BYTES
from tests.support.server import LiveServer


def _stored(server: LiveServer) -> int:
    database = server.env["KB_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        count = connection.execute("SELECT COUNT(*) FROM submission").fetchone()[0]
    connection.close()
    return count


def test_reloading_bedankt_stores_nothing_new(
    server_factory: Callable[..., LiveServer], page: Page
) -> None:
    live = server_factory()
    page.goto(live.url + "/voorbeeld-indienen")
    fill_submission(page, VALUES)
    page.get_by_role("button", name="Verzenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw voorbeeld")
    expect(page.locator("a.status-link")).to_have_count(1)
    assert page.url == live.url + "/voorbeeld-indienen/bedankt"
    for _ in range(2):
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw voorbeeld")
    expect(page.locator("a.status-link")).to_have_count(0)  # shown once; it is in the e-mail
    assert _stored(live) == 1


def test_attachments_over_the_total_are_refused_before_upload(
    server_factory: Callable[..., LiveServer], page: Page
) -> None:
    live = server_factory(
        extra_env={"KB_MAX_UPLOAD_BYTES": "4096", "KB_MAX_ATTACHMENTS_BYTES": "6144"}
    )
    page.goto(live.url + "/voorbeeld-indienen")
    files = page.get_by_label("Bijlagen (PDF, DOCX of ODT)")
    pdf = PDF_BYTES + b"0" * (4000 - len(PDF_BYTES))
    files.set_input_files(
        files=[
            {"name": f"deel-{n}.pdf", "mimeType": "application/pdf", "buffer": pdf} for n in (1, 2)
        ]
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "Deze bijlagen zijn samen 8 kB; er kan nog 6 kB bij."
    )
    assert files.evaluate("input => input.files.length") == 0
