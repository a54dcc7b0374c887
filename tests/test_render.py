"""The renderer: Markdown to safe HTML, for trusted files and hostile submissions alike."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from kb.render import ALLOWED_TAGS, html_to_text, render_markdown, sanitize_html

HOSTILE = [
    ("script tag", "<script>alert(1)</script>"),
    ("script in paragraph", "Tekst <script>alert(document.cookie)</script> meer"),
    ("event handler", '<img src=x onerror="alert(1)">'),
    ("event handler on div", '<div onmouseover="alert(1)">hover</div>'),
    ("javascript link", "[klik](javascript:alert(1))"),
    ("javascript link, mixed case", "[klik](JaVaScRiPt:alert(1))"),
    ("javascript link, entity", "[klik](&#106;avascript:alert(1))"),
    ("data uri link", "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("data uri image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("vbscript link", "[klik](vbscript:msgbox(1))"),
    ("raw iframe", '<iframe src="https://example.org"></iframe>'),
    ("raw style", "<style>body{display:none}</style>"),
    ("svg onload", "<svg onload=alert(1)>"),
    ("object", '<object data="x.swf"></object>'),
    ("form", '<form action="https://evil.example"><input name=a></form>'),
    ("html comment", "<!-- <script>alert(1)</script> -->"),
    ("autolink javascript", "<javascript:alert(1)>"),
    ("reference link", "[klik][x]\n\n[x]: javascript:alert(1)"),
    ("attribute breakout", '[a](https://x.org/" onclick="alert(1))'),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">'),
    ("base tag", '<base href="https://evil.example/">'),
]


class _Elements(HTMLParser):
    """Collect every element and attribute the browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def _assert_safe(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name in {"href", "title", "id", "align"}, html
            if name == "href":
                scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
                assert scheme in {"", "http", "https", "mailto"}, html


@pytest.mark.parametrize(("name", "source"), HOSTILE, ids=[n for n, _ in HOSTILE])
def test_hostile_markdown_is_neutralised(name: str, source: str) -> None:
    _assert_safe(render_markdown(source).html)


def test_raw_html_is_shown_as_text_not_dropped() -> None:
    rendered = render_markdown("Gebruik <b>vet</b> niet")
    assert "&lt;b&gt;vet&lt;/b&gt;" in rendered.html
    assert "<b>" not in rendered.html


def test_ordinary_markdown_survives() -> None:
    source = (
        "## Aanpak\n\nEen **vet** woord, een *schuin* woord en een [link](https://nji.nl).\n\n"
        "- een\n- twee\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    html = render_markdown(source).html
    assert '<h2 id="aanpak">Aanpak</h2>' in html
    assert "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert '<a href="https://nji.nl">link</a>' in html
    assert "<li>twee</li>" in html and "<td>2</td>" in html


def test_internal_links_are_resolved_and_collected() -> None:
    rendered = render_markdown("Zie [OOGO](oogo.md) en [portret](regioportret-almere.md#de-regio).")
    assert '<a href="/artikel/oogo">OOGO</a>' in rendered.html
    assert 'href="/artikel/regioportret-almere#de-regio"' in rendered.html
    assert rendered.links == ["oogo", "regioportret-almere"]


def test_headings_are_collected_for_section_checks() -> None:
    rendered = render_markdown("## Aanleiding\n\ntekst\n\n## Betrokken partners\n\nwie")
    assert [name for _, name in rendered.headings] == ["Aanleiding", "Betrokken partners"]


def test_html_to_text_keeps_words_apart() -> None:
    assert html_to_text("<p>een</p><p>twee &amp; drie</p>") == "een twee & drie"


def test_sanitize_html_removes_disallowed_attributes() -> None:
    assert sanitize_html('<p class="x" style="color:red">a</p>') == "<p>a</p>"


# Issue 9, finding 12: each field on its own, and a word about what the sanitiser removed.

LINK_REMOVED = (
    "Een link naar {scheme}:… is verwijderd: alleen http-, https- en mailto-links zijn toegestaan."
)


def test_a_fence_left_open_in_one_field_does_not_swallow_the_next_sections() -> None:
    from kb.models import Submission
    from kb.submissions.workflow import as_article_state

    submission = Submission(
        title="Voorbeeld", summary="Kort.", background="Waarom.",
        approach="Zo deden we het:\n\n```\nstap 1\nstap 2",  # the fence is never closed
        results="Het werkte.", lessons="Een codeblok:\n\n```\nklaar\n```", partners="Gemeente.",
        themes=[], advice=[], sectors=[], organisation="SWV",
    )  # fmt: skip
    rendered = render_markdown(as_article_state(submission)["body_md"])
    headings = [name for _, name in rendered.headings]
    assert headings == ["Aanleiding", "Aanpak", "Resultaten", "Lessen", "Betrokken partners"]
    assert "<code>stap 1\nstap 2\n</code>" in rendered.html
    assert "Het werkte." in rendered.text and "<code>klaar\n</code>" in rendered.html


def test_close_fences_closes_only_what_is_open() -> None:
    from kb.render import close_fences

    assert close_fences("a\n\n```python\nx = 1") == "a\n\n```python\nx = 1\n```"
    assert close_fences("~~~~\nx\n~~~~\n\n```\ny\n") == "~~~~\nx\n~~~~\n\n```\ny\n```"
    assert close_fences("```\nx\n```") == "```\nx\n```"
    assert close_fences("geen code") == "geen code"


@pytest.mark.parametrize(
    ("source", "scheme"),
    [
        ("[klik](javascript:alert(1))", "javascript"),
        ("[klik](JaVaScRiPt:alert(1))", "javascript"),
        ("[klik](&#106;avascript:alert(1))", "javascript"),
        ("[klik](data:text/html;base64,PHNjcmlwdD4=)", "data"),
        ("[klik][x]\n\n[x]: vbscript:msgbox(1)", "vbscript"),
    ],
)
def test_a_removed_link_target_is_reported(source: str, scheme: str) -> None:
    from kb.render import render_with_notices

    html, removed = render_with_notices(source)
    _assert_safe(html)
    assert "href" not in html and "klik" in html
    assert removed == [LINK_REMOVED.format(scheme=scheme) + " De linktekst ‘klik’ staat er nog."]


def test_a_removed_image_is_reported_with_its_description() -> None:
    from kb.render import render_with_notices

    html, removed = render_with_notices("Kijk: ![schema van de aanpak](data:image/png;base64,AA)")
    assert "<img" not in html
    assert removed == [
        "Een afbeelding (‘schema van de aanpak’) is verwijderd: afbeeldingen kunnen niet in de "
        "tekst staan. Stuur ze mee als bijlage."
    ]


def test_allowed_links_give_no_notices() -> None:
    from kb.render import render_with_notices

    source = "[a](https://nji.nl/?a=1&b=2) [b](mailto:info@nji.nl) [c](/regios) [d](oogo.md)"
    html, removed = render_with_notices(source)
    assert removed == [] and html.count("href=") == 4


@pytest.mark.parametrize(("name", "source"), HOSTILE, ids=[n for n, _ in HOSTILE])
def test_every_dropped_link_or_image_has_a_notice(name: str, source: str) -> None:
    # The notices come from the one sanitiser: whatever link target or image it drops is named.
    from kb.render import render_with_notices

    html, removed = render_with_notices(source)
    _assert_safe(html)
    raw = render_markdown(source)
    dropped_links = html.count("<a>")
    assert len([n for n in removed if n.startswith("Een link")]) == dropped_links, raw.html
