"""Content: the files in content/ (Markdown articles and YAML taxonomy) and their way into the
database.

Modules: `taxonomy` (read and validate the taxonomy files), `files` (read and validate article
files), `originality` (flag wording shared with the source documents), `style` (warnings: spelling
variants and sentences repeated across articles) and `sync` (validate, then upsert everything
in one transaction).
"""

from kb.content.style import style_warnings
from kb.content.sync import SyncReport, check_content, content_dir, sync_content
from kb.content.taxonomy import Problem

__all__ = [
    "Problem",
    "SyncReport",
    "check_content",
    "content_dir",
    "style_warnings",
    "sync_content",
]
