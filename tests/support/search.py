"""Helpers for the search tests: write a valid article file and load it into app and index."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.support.app import load_content

FILLER = (
    "Deze alinea vult het artikel aan tot de minimale lengte die een achtergrondartikel moet "
    "hebben; de inhoud ervan doet er voor de zoektest niet toe. "
)


def article_text(
    title: str,
    body: str,
    *,
    summary: str = "",
    kind: str = "achtergrond",
    regions: tuple[str, ...] = ("landelijk",),
    themes: tuple[str, ...] = ("wet-en-regelgeving",),
    advice: tuple[int, ...] = (),
    sectors: tuple[str, ...] = (),
    reference_date: str = "2019",
) -> str:
    """Return a valid achtergrond article (front matter and body) with the given fields."""
    summary = (
        summary
        or f"{title}. Een korte samenvatting van dit testartikel, alleen bedoeld voor de zoektests."
    )
    lines = [
        "---",
        f'title: "{title}"',
        f"kind: {kind}",
        f"summary: >-\n  {summary}",
        f"regions: [{', '.join(regions)}]",
        f"themes: [{', '.join(themes)}]",
    ]
    if advice:
        lines.append(f"advice: [{', '.join(map(str, advice))}]")
    if sectors:
        lines.append(f"sectors: [{', '.join(sectors)}]")
    lines += [
        f'reference_date: "{reference_date}"',
        "sources:",
        "  - id: nji-2019-sterke-netwerken",
        '    section: "Testbron"',
        "links:",
        '  - title: "Nederlands Jeugdinstituut"',
        "    url: https://www.nji.nl",
        "---",
        "",
        body,
        "",
        FILLER * 9,
        "",
    ]
    return "\n".join(lines)


def add_articles(app: Flask, articles: dict[str, str]) -> None:
    """Write article files (slug -> text) into the app's content folder and sync them."""
    folder = Path(app.config["CONTENT_DIR"]) / "articles"
    for slug, text in articles.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    load_content(app)
