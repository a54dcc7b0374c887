"""Hooks for group mail; helper "groupmail" (item 4) fills them in. Called after the commit."""

from __future__ import annotations

from kb.groups.models import Post, PostReport


def post_created(post: Post) -> None:
    """Tell the members (and everyone mentioned) about a new post; a no-op until groupmail."""


def post_reported(report: PostReport) -> None:
    """Tell the group's begeleiders about a report; a no-op until groupmail."""
