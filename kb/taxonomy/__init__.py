"""The taxonomy online: themes, sectors, regions, adviezen and synonyms, edited by editors.

Modules: `vocab` (the vocabularies, their fields, counts and slugs), `terms` (add, change,
retire, merge), `synonyms` (groups, validation, the preview), `redirects` (old slugs answer
301), `history` (who changed what, before and after) and `undo`. Every write records a
history entry in the same transaction and goes through `kb.publishing` for the articles it
touches, so the index follows after the commit.
"""

from kb.taxonomy.forms import MergeForm, SynonymForm, form_data, form_for
from kb.taxonomy.history import ACTIONS, can_undo, entries, entry
from kb.taxonomy.redirects import moved, redirect_map
from kb.taxonomy.synonyms import (
    PreviewRow,
    check_terms,
    parse_terms,
    preview,
)
from kb.taxonomy.synonyms import (
    delete as delete_synonyms,
)
from kb.taxonomy.synonyms import (
    group as synonym_group,
)
from kb.taxonomy.synonyms import (
    groups as synonym_groups,
)
from kb.taxonomy.synonyms import (
    save as save_synonyms,
)
from kb.taxonomy.terms import add, edit, find_theme, merge, set_retired
from kb.taxonomy.undo import undo
from kb.taxonomy.vocab import (
    BY_SEGMENT,
    SUBJECTS,
    Subject,
    TaxonomyError,
    article_counts,
    find,
    rows,
)

__all__ = [
    "ACTIONS",
    "BY_SEGMENT",
    "MergeForm",
    "SUBJECTS",
    "SynonymForm",
    "PreviewRow",
    "Subject",
    "TaxonomyError",
    "add",
    "article_counts",
    "can_undo",
    "check_terms",
    "delete_synonyms",
    "edit",
    "entries",
    "entry",
    "find",
    "find_theme",
    "form_data",
    "form_for",
    "merge",
    "moved",
    "parse_terms",
    "preview",
    "redirect_map",
    "rows",
    "save_synonyms",
    "set_retired",
    "synonym_group",
    "synonym_groups",
    "undo",
]
