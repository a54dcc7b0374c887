"""Uploaded files as they stream in: held in memory, each capped, and capped together.

Werkzeug hands every file part of a multipart request to the request's stream factory. Ours
keeps the bytes in memory (nothing touches the disk before the form has been validated), stops
keeping them once a file passes MAX_UPLOAD_BYTES or all files together pass
MAX_ATTACHMENTS_BYTES, and marks the file as refused. The parser then reads on, so the form
fields after a refused file still arrive: the file is refused, never the form.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Request, current_app

FILE_TOO_LARGE = "file"
TOTAL_TOO_LARGE = "total"


class _Budget:
    """The bytes all files of one request may still use together."""

    def __init__(self, per_file: int, total: int) -> None:
        self.per_file = per_file
        self.left = total


class CappedFile(io.BytesIO):
    """One uploaded file in memory; past a cap its bytes are counted and dropped."""

    def __init__(self, budget: _Budget) -> None:
        super().__init__()
        self.budget = budget
        self.received = 0
        self.refused: str | None = None

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.received += len(data)
        if self.refused:
            return len(data)
        if self.received > self.budget.per_file:
            self._refuse(FILE_TOO_LARGE)
        elif len(data) > self.budget.left:
            self._refuse(TOTAL_TOO_LARGE)
        else:
            self.budget.left -= len(data)
            super().write(data)
        return len(data)

    def _refuse(self, reason: str) -> None:
        # Give the bytes back to the request's budget: the next file may still fit.
        self.budget.left += self.tell()
        self.refused = reason
        self.seek(0)
        self.truncate()


class UploadRequest(Request):
    """Flask's request, with uploaded files capped while they stream in."""

    _upload_budget: _Budget | None = None

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        if self._upload_budget is None:
            config = current_app.config
            self._upload_budget = _Budget(
                int(config["MAX_UPLOAD_BYTES"]), int(config["MAX_ATTACHMENTS_BYTES"])
            )
        return CappedFile(self._upload_budget)
