"""Find runs of words an article shares with the source documents it was written from.

Articles must be in our own words: facts carry over, sentences do not. A run of RUN_LENGTH or
more consecutive words that also occurs in a source is reported. Titles of publications are
usually set in italics and short quotes in quotation marks; both are left out of the check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

RUN_LENGTH = 10
_WORD = re.compile(r"[0-9a-zà-ÿ]+(?:['’][a-z]+)?")
_ITALIC_OR_QUOTED = re.compile(
    r"\*[^*\n]+\*|_[^_\n]+_|\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’|'[^'\n]{12,}'"
)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFC", text.lower())
    return _WORD.findall(folded)


def _runs(words: list[str], length: int) -> Iterable[tuple[int, int]]:
    for start in range(len(words) - length + 1):
        yield start, hash(tuple(words[start : start + length]))


class SourceIndex:
    """The set of every RUN_LENGTH-word run in the source documents."""

    def __init__(self, texts: Iterable[str], length: int = RUN_LENGTH) -> None:
        self.length = length
        self.runs: set[int] = set()
        for text in texts:
            self.runs.update(h for _, h in _runs(_words(text), length))

    @classmethod
    def from_directory(cls, directory: Path) -> SourceIndex | None:
        """Build from every .txt file in a directory, or None when there is no such directory."""
        if not directory.is_dir():
            return None
        return cls(p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt")))

    def shared_runs(self, markdown_text: str) -> list[str]:
        """Return the passages (merged overlapping runs) that also occur in a source."""
        text = _LINK_TARGET.sub("]", _ITALIC_OR_QUOTED.sub(" ", markdown_text))
        words = _words(text)
        hits = [start for start, h in _runs(words, self.length) if h in self.runs]
        spans: list[list[int]] = []  # [first word, end] of merged overlapping runs
        for start in hits:
            if spans and start <= spans[-1][1]:
                spans[-1][1] = start + self.length
            else:
                spans.append([start, start + self.length])
        return [" ".join(words[first:end]) for first, end in spans]
