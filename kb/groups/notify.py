"""Hooks for group mail; helper "groupmail" (item 4) fills them in. Called after the commit."""

from __future__ import annotations

from kb.groups.models import Post


def post_created(post: Post) -> None:
    """Tell the members (and everyone mentioned) about a new post; a no-op until groupmail."""
