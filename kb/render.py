"""Markdown to safe HTML, and HTML to plain text. The only place that sanitises.

Trusted content files and untrusted submissions go through the same pipeline: raw HTML in the
Markdown is escaped (shown as text, never interpreted), and the resulting HTML is cleaned again
against one allow-list, so a bug in either step alone cannot let script through.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import bleach
import markdown
from markdown.extensions import Extension
from markdown.serializers import _escape_attrib_html  # the very escaping Markdown's output uses
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code",
        "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th",
        "td", "abbr", "sup", "sub", "del",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# An internal link is written as "slug.md", optionally with an anchor.
INTERNAL_LINK = re.compile(r"^(?:\./)?([a-z0-9][a-z0-9-]*)\.md(#[A-Za-z0-9_-]+)?$")
# A line that opens or closes a fenced code block (Python-Markdown's fenced_code).
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]{0,30})\s*:")


@dataclass
class Rendered:
    """The outcome of rendering: safe HTML, plain text, and the article slugs it links to."""

    html: str
    text: str
    links: list[str] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)
    # Dutch notices for what the sanitiser removed (a link target, an image), in text order.
    removed: list[str] = field(default_factory=list)


class _LinkRewriter(Treeprocessor):
    """Turn `slug.md` hrefs into article URLs and remember which slugs were linked."""

    def __init__(self, md: markdown.Markdown, prefix: str) -> None:
        super().__init__(md)
        self.prefix = prefix
        self.found: list[str] = []

    def run(self, root: Element) -> None:
        for element in root.iter("a"):
            match = INTERNAL_LINK.match(element.get("href", "").strip())
            if match:
                slug, anchor = match.group(1), match.group(2) or ""
                element.set("href", f"{self.prefix}{slug}{anchor}")
                if slug not in self.found:
                    self.found.append(slug)


class _RemovalNotices(Treeprocessor):
    """Note, in Dutch, each link target and image that the sanitiser is going to drop.

    The verdict on a link comes from the sanitiser itself (`_href_survives`), so the notices
    can never disagree with what is removed.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.notices: list[str] = []

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("href") and not _href_survives(element):
                self.notices.append(_link_notice(element))
            elif element.tag == "img":
                alt = (element.get("alt") or "").strip()
                named = f" (‘{alt[:60]}’)" if alt else ""
                self.notices.append(
                    f"Een afbeelding{named} is verwijderd: afbeeldingen kunnen niet in de tekst "
                    "staan. Stuur ze mee als bijlage."
                )


def _href_survives(element: Element) -> bool:
    # Serialise the href exactly as Markdown will (entities kept), then ask the sanitiser.
    probe = _escape_attrib_html(element.get("href", ""))
    return "href=" in sanitize_html(f'<a href="{probe}">x</a>')


def _link_notice(element: Element) -> str:
    match = _SCHEME.match(html.unescape(element.get("href", "")))
    target = f"{match.group(1).lower()}:…" if match else "dit adres"
    text = "".join(element.itertext()).strip()
    kept = f" De linktekst ‘{text[:60]}’ staat er nog." if text else ""
    return (
        f"Een link naar {target} is verwijderd: alleen http-, https- en mailto-links zijn "
        f"toegestaan.{kept}"
    )


class _InternalLinks(Extension):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.rewriter: _LinkRewriter | None = None
        self.notices: _RemovalNotices | None = None
        self.prefix = prefix

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        self.rewriter = _LinkRewriter(md, self.prefix)
        md.treeprocessors.register(self.rewriter, "kb_internal_links", 1)
        self.notices = _RemovalNotices(md)
        md.treeprocessors.register(self.notices, "kb_removal_notices", 0)


def _slugify_heading(value: str, separator: str) -> str:
    value = re.sub(r"[^\w\s-]", "", value.lower()).strip()
    return re.sub(r"[\s_-]+", separator, value)


def render_markdown(source: str, article_url_prefix: str = "/artikel/") -> Rendered:
    """Render Markdown to sanitised HTML; collect internal link targets and headings."""
    links = _InternalLinks(article_url_prefix)
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code", "toc", links],
        extension_configs={"toc": {"slugify": _slugify_heading, "toc_depth": "2-3"}},
        output_format="html",
    )
    # Raw HTML is never interpreted: escape it so it shows as the text that was typed.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    raw_html = md.convert(source or "")
    safe_html = sanitize_html(raw_html)
    headings = [(t["id"], t["name"]) for t in getattr(md, "toc_tokens", []) if t["level"] == 2]
    found = links.rewriter.found if links.rewriter else []
    removed = links.notices.notices if links.notices else []
    return Rendered(
        html=safe_html, text=html_to_text(safe_html), links=found, headings=headings,
        removed=removed,
    )  # fmt: skip


def normalise_markdown(source: str) -> str:
    """Return Markdown as a content file holds it: LF line ends, no blank space around it."""
    # A file's body is read stripped, so an online edit is kept the same way: then the file
    # an export writes renders to the very HTML the edit did.
    return source.replace("\r\n", "\n").replace("\r", "\n").strip()


def close_fences(source: str) -> str:
    """Close a code fence left open at the end of one field, so it cannot swallow what follows.

    Fields are rendered, and joined into an article, one by one: a fence opened in "Aanpak" and
    never closed must end with "Aanpak", not run on through the headings of later sections.
    """
    text = (source or "").rstrip()
    open_fence = None
    for line in text.splitlines():
        if open_fence is None:
            match = FENCE.match(line)
            open_fence = match.group("fence") if match else None
        elif line.rstrip() == open_fence:
            open_fence = None
    return f"{text}\n{open_fence}" if open_fence else text


def render_with_notices(source: str) -> tuple[str, list[str]]:
    """Render one field on its own (fences closed); return the safe HTML and what was removed."""
    rendered = render_markdown(close_fences(source))
    return rendered.html, rendered.removed


def sanitize_html(raw_html: str) -> str:
    """Clean HTML against the allow-list; anything else is removed."""
    return bleach.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|blockquote|pre|td|th)>|<br\s*/?>", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Return the readable text of an HTML fragment, whitespace collapsed."""
    spaced = _BLOCK_END.sub(lambda m: m.group(0) + " ", fragment)
    stripped = bleach.clean(spaced, tags=set(), strip=True, strip_comments=True)
    return _WHITESPACE.sub(" ", html.unescape(stripped)).strip()
