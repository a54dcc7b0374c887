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


@dataclass
class Rendered:
    """The outcome of rendering: safe HTML, plain text, and the article slugs it links to."""

    html: str
    text: str
    links: list[str] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)


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


class _InternalLinks(Extension):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.rewriter: _LinkRewriter | None = None
        self.prefix = prefix

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        self.rewriter = _LinkRewriter(md, self.prefix)
        md.treeprocessors.register(self.rewriter, "kb_internal_links", 1)


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
    return Rendered(html=safe_html, text=html_to_text(safe_html), links=found, headings=headings)


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
