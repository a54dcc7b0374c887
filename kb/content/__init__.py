"""Content: the files in content/ (Markdown articles, YAML taxonomy and leeslijsten) and their
way into the database and back.

Modules: `taxonomy` (read and validate the taxonomy files), `files` (read and validate article
files), `collections` (read and validate the leeslijst files), `originality` (flag wording shared
with the source documents), `style` (warnings: spelling variants and sentences repeated across
articles), `states` (an article as plain data, from a file or a row), `sync` (validate, then
upsert everything in one transaction) and `export` (write the database back as files).
"""

from kb.content.export import ExportReport, export_content
from kb.content.style import style_warnings
from kb.content.sync import SyncReport, check_content, content_dir, sync_content
from kb.content.taxonomy import Problem

__all__ = [
    "ExportReport",
    "Problem",
    "SyncReport",
    "check_content",
    "content_dir",
    "export_content",
    "style_warnings",
    "sync_content",
]
