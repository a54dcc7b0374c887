"""Every page type looks as its committed reference at 1280 and 375 px (full page).

References live in tests/browser/visual/; `make update-screenshots` rewrites them (never when
CI=true). A missing reference fails. On a difference the actual, the reference and a diff image
(differing pixels in red over a faded reference) are written to test-results/visual/.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont
from playwright.sync_api import Page

from kb.config import PROJECT_ROOT
from tests.browser.pages import WIDTHS, PageState, params

REFERENCES = Path(__file__).parent / "visual"
RESULTS = PROJECT_ROOT / "test-results" / "visual"
UPDATE_COMMAND = "make update-screenshots"
# A pixel differs when one of its channels moves more than this (out of 255): anti-aliasing noise
# stays under it, a changed colour or a moved edge does not.
PIXEL_THRESHOLD = 40
# The share of differing pixels a page may have; measured: re-runs on one machine differ in 0.
MAX_DIFFERING = 0.001

# What changes from run to run is rewritten to a fixed text before the picture is taken, so the
# layout around it stays exactly the same: dates and times ("3 december 2026 09:42"), the
# server's port and private tokens in the links shown as text.
FREEZE_SCRIPT = r"""() => {
  const months = 'januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|' +
                 'november|december';
  const rules = [
    [new RegExp(`\\b\\d{1,2} (${months}) \\d{4} \\d{1,2}:\\d{2}`, 'g'), '1 januari 2026 12:00'],
    [new RegExp(`\\b\\d{1,2} (${months}) \\d{4}`, 'g'), '1 januari 2026'],
    [/https?:\/\/(127\.0\.0\.1|localhost):\d+/g, 'http://kennisbank.test'],
    [/\/(inzending|wachtwoord-vergeten)\/[A-Za-z0-9_.-]{20,}/g, '/$1/TOKEN'],
  ];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let text = node.nodeValue;
    for (const [pattern, fixed] of rules) text = text.replace(pattern, fixed);
    if (text !== node.nodeValue) node.nodeValue = text;
  }
}"""


def updating() -> bool:
    """Whether this run rewrites the references (KB_UPDATE_SCREENSHOTS=1, never in CI)."""
    wanted = os.environ.get("KB_UPDATE_SCREENSHOTS") == "1"
    if wanted and os.environ.get("CI") == "true":
        pytest.fail("CI=true: references are never written in CI; run the update locally")
    return wanted


def screenshot(page: Page) -> Image.Image:
    """Take a full-page picture with dynamic text frozen, no animation and no caret."""
    page.evaluate("document.fonts.ready")
    page.evaluate(FREEZE_SCRIPT)
    png = page.screenshot(full_page=True, animations="disabled", caret="hide", scale="css")
    return Image.open(io.BytesIO(png)).convert("RGB")


def differing_pixels(actual: Image.Image, expected: Image.Image) -> tuple[int, Image.Image]:
    """Count the pixels whose largest channel difference exceeds the threshold; draw them."""
    red, green, blue = ImageChops.difference(actual, expected).split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = largest.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0)
    count = mask.histogram()[255]
    faded = Image.blend(expected, Image.new("RGB", expected.size, "white"), 0.7)
    diff = Image.composite(Image.new("RGB", expected.size, (255, 0, 0)), faded, mask)
    return count, diff


def keep_results(
    name: str, actual: Image.Image, reference: Path, diff: Image.Image | None, results: Path
) -> Path:
    """Write the actual picture (and the reference and diff, if any) to the results folder."""
    results.mkdir(parents=True, exist_ok=True)
    actual.save(results / f"{name}-actual.png")
    if reference.exists():
        shutil.copy(reference, results / f"{name}-expected.png")
    if diff is not None:
        diff.save(results / f"{name}-diff.png")
    return results


def write_reference(actual: Image.Image, reference: Path) -> None:
    """Save a reference as a palette PNG."""
    reference.parent.mkdir(parents=True, exist_ok=True)
    # 256 colours keep the files a third the size; measured, no pixel of today's pages moves
    # past PIXEL_THRESHOLD by it.
    palette = actual.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette.save(reference, optimize=True)


def check_against_reference(
    name: str, actual: Image.Image, references: Path = REFERENCES, results: Path = RESULTS
) -> None:
    """Fail unless the picture matches its reference (or rewrite the reference when updating)."""
    reference = references / f"{name}.png"
    for stale in results.glob(f"{name}-*.png"):
        stale.unlink()
    if updating():
        write_reference(actual, reference)
        return
    if not reference.exists():
        folder = keep_results(name, actual, reference, None, results)
        pytest.fail(f"no reference {reference.name}: run `{UPDATE_COMMAND}` (actual in {folder})")
    expected = Image.open(reference).convert("RGB")
    if actual.size != expected.size:
        folder = keep_results(name, actual, reference, None, results)
        pytest.fail(
            f"{name}: page is {actual.size[0]}×{actual.size[1]} px, reference "
            f"{expected.size[0]}×{expected.size[1]} px (a layout change; see {folder}; if it is "
            f"intended, run `{UPDATE_COMMAND}`)"
        )
    count, diff = differing_pixels(actual, expected)
    share = count / (actual.size[0] * actual.size[1])
    if share > MAX_DIFFERING:
        folder = keep_results(name, actual, reference, diff, results)
        pytest.fail(
            f"{name}: {count} pixels ({share:.2%}) differ from the reference, more than "
            f"{MAX_DIFFERING:.2%} (see {folder}/{name}-diff.png; if intended, run "
            f"`{UPDATE_COMMAND}`)"
        )


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("state", params())
def test_page_looks_like_its_reference(
    show_state: Callable[[PageState, int], Page], state: PageState, width: int
) -> None:
    check_against_reference(f"{state.name}-{width}", screenshot(show_state(state, width)))


# The mechanism itself, on drawn pictures: what must fail fails, and CI never writes.


def _page_picture(block_top: int = 100, block_left: int = 40) -> Image.Image:
    picture = Image.new("RGB", (1280, 2000), "white")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=16)
    for line in range(8):  # a paragraph of eight lines of 16 px text
        top = block_top + line * 24
        draw.text((block_left, top), "Een regel tekst in een alinea. " * 3, fill="black", font=font)
    return picture


def test_a_missing_reference_fails_and_names_the_update_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KB_UPDATE_SCREENSHOTS", raising=False)
    with pytest.raises(pytest.fail.Exception, match=UPDATE_COMMAND):
        check_against_reference("home-1280", _page_picture(), tmp_path / "ref", tmp_path / "out")
    assert not (tmp_path / "ref").exists()
    assert (tmp_path / "out" / "home-1280-actual.png").exists()


def test_ci_never_writes_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_UPDATE_SCREENSHOTS", "1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        check_against_reference("home-1280", _page_picture(), tmp_path / "ref", tmp_path / "out")
    assert not (tmp_path / "ref").exists()


@pytest.mark.parametrize("shift", [{"block_top": 110}, {"block_left": 50}], ids=["down", "right"])
def test_a_block_moved_10px_fails_and_leaves_a_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shift: dict[str, int]
) -> None:
    monkeypatch.delenv("KB_UPDATE_SCREENSHOTS", raising=False)
    write_reference(_page_picture(), tmp_path / "ref" / "home-1280.png")
    check_against_reference("home-1280", _page_picture(), tmp_path / "ref", tmp_path / "out")
    with pytest.raises(pytest.fail.Exception, match="differ from the reference"):
        check_against_reference(
            "home-1280", _page_picture(**shift), tmp_path / "ref", tmp_path / "out"
        )
    assert (tmp_path / "out" / "home-1280-diff.png").exists()
