"""Following: members follow themes, regions, adviezen, kinds and saved searches, and get mail.

Modules: `store` (the follows and what is new in them), `digests` (`kb send-digests`),
`newsletter` (visitors' double opt-in) and `links` (signed unsubscribe and confirm links).
"""

from kb.follows.digests import DigestReport, claim, finish, send_digests, unsubscribe
from kb.follows.links import read_unsubscribe, unsubscribe_url
from kb.follows.newsletter import confirm, remove_subscriber, subscribe
from kb.follows.store import (
    FREQUENCIES,
    KIND_LABELS,
    Followed,
    FollowError,
    find,
    follow,
    follows_of,
    label_and_url,
    mark_seen,
    normalise_search,
    overview,
    owned,
    remove,
    set_frequency,
)

__all__ = [
    "FREQUENCIES",
    "KIND_LABELS",
    "DigestReport",
    "FollowError",
    "Followed",
    "claim",
    "confirm",
    "find",
    "finish",
    "follow",
    "follows_of",
    "label_and_url",
    "mark_seen",
    "normalise_search",
    "overview",
    "owned",
    "read_unsubscribe",
    "remove",
    "remove_subscriber",
    "send_digests",
    "set_frequency",
    "subscribe",
    "unsubscribe",
    "unsubscribe_url",
]
