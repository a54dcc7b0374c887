"""Damage a real index on disk the way a bad disk does: bytes overwritten inside a segment."""

from __future__ import annotations

import os
from pathlib import Path

from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from kb.search.storage import current_generation


def stored_fields_at(root: Path, docnum: int) -> tuple[dict, Path, int, int]:
    """Return a document's stored fields and where its compressed bytes lie in the largest .seg.

    Reaches into whoosh 2.7.4 (pinned): the stored column's offsets inside the compound file.
    """
    generation = root / current_generation(root)
    segment_file = max(generation.glob("*.seg"), key=lambda p: p.stat().st_size)
    segment_id = segment_file.stem
    ix = FileStorage(str(generation)).open_index()
    with ix.searcher() as searcher:
        for reader, _offset in searcher.reader().leaf_readers():
            if reader.segment().segment_id() == segment_id:
                fields = reader.stored_fields(docnum)
                pickled = reader._perdoc._cached_reader("_stored", STORED_COLUMN)  # noqa: SLF001
                column = pickled._child  # noqa: SLF001 (the compressed bytes under the pickles)
                start = column._basepos + column._offsets[docnum]  # noqa: SLF001
                length = column._lengths[docnum]  # noqa: SLF001
                break
        else:
            raise AssertionError(f"segment {segment_id} not found")
    with open(segment_file, "rb") as handle:
        compound = CompoundStorage(FileStorage(str(generation)).open_file(segment_file.name))
        base = compound._dir[f"{segment_id}._stored.col"]["offset"]  # noqa: SLF001
        compound.close()
        handle.seek(base + start)
        assert len(handle.read(length)) == length
    return fields, segment_file, base + start, length


def overwrite(path: Path, offset: int, count: int) -> None:
    """Overwrite count bytes at offset with random bytes, in place (the file keeps its size)."""
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(os.urandom(count))
        handle.flush()
        os.fsync(handle.fileno())


def damage_stored_fields(root: Path, docnum: int) -> dict:
    """Overwrite up to 300 bytes inside one document's stored fields; return its fields."""
    fields, segment_file, offset, length = stored_fields_at(root, docnum)
    overwrite(segment_file, offset + 8, min(300, length - 16))
    return fields
