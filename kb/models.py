"""Database tables: taxonomy, articles, users, submissions, revisions, search log, index change log.

Over 300 lines on purpose: one declarative module keeps the schema readable in one place and
matches the migrations one to one; every part is plain column declarations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    from sqlalchemy import MetaData

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Return the current time in UTC (naive, as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


# --- taxonomy -------------------------------------------------------------------------------


class Kind(db.Model):
    __tablename__ = "kind"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(128))
    plural: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    min_body_chars: Mapped[int] = mapped_column(Integer, default=0)
    required_sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Theme(db.Model):
    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Words a reader may use for this theme (the theme as a concept in search); not shown.
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Retired: no longer offered in the facets or the submission form; articles keep it.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Advice(db.Model):
    __tablename__ = "advice"
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))


class Sector(db.Model):
    __tablename__ = "sector"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Region(db.Model):
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list)
    municipalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Source(db.Model):
    """A source document that articles cite (a publication)."""

    __tablename__ = "source"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(String(300), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    # The publication's public web address, where the document gives one or the publisher's
    # site is well known; shown in the article's "Meer weten" block.
    url: Mapped[str | None] = mapped_column(String(500))


class SynonymGroup(db.Model):
    """Terms search treats as the same: from content/taxonomy/synonyms.yml or edited online."""

    __tablename__ = "synonym_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list[str]] = mapped_column(JSON)


class SlugRedirect(db.Model):
    """An old public slug of a theme, region or sector: its pages answer 301 to the new one."""

    __tablename__ = "slug_redirect"
    __table_args__ = (UniqueConstraint("kind", "old_slug", name="uq_slug_redirect_old"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # theme | region | sector
    old_slug: Mapped[str] = mapped_column(String(64))
    new_slug: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TaxonomyChange(db.Model):
    """One online change to the taxonomy or the synonyms: who, when, the state before and after.

    `undone_at` is set when the change was undone; the undo itself is a change of its own
    (action "undo", `undo_of_id` pointing here).
    """

    __tablename__ = "taxonomy_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(16))  # theme | region | sector | advice | synonym
    summary: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undo_of_id: Mapped[int | None] = mapped_column(ForeignKey("taxonomy_change.id"))

    user: Mapped[User | None] = relationship()


# --- articles -------------------------------------------------------------------------------

article_theme = Table(
    "article_theme",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)
article_advice = Table(
    "article_advice",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("advice_number", ForeignKey("advice.number", ondelete="CASCADE"), primary_key=True),
)
article_sector = Table(
    "article_sector",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True),
)
article_region = Table(
    "article_region",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
)


class Article(db.Model):
    __tablename__ = "article"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind_id: Mapped[int] = mapped_column(ForeignKey("kind.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text, default="")
    reference_date: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    origin: Mapped[str] = mapped_column(String(16), default="content")
    source_path: Mapped[str | None] = mapped_column(String(300))
    # Checksum of the content file as last imported; tells a changed file from an unchanged one.
    file_checksum: Mapped[str | None] = mapped_column(String(64))
    # Checksum of the article's own fields; recomputed on every save.
    checksum: Mapped[str] = mapped_column(String(64), default="")
    # Set when an editor changes the article online; a sync never overwrites such an article.
    edited_online_at: Mapped[datetime | None] = mapped_column(DateTime)
    content_updated: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "Meer weten": external links ({title, url}, https only), the organisations involved and a
    # contact role. The editor's note is for editors only and never shown to readers.
    external_links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact: Mapped[str] = mapped_column(Text, default="")
    editor_note: Mapped[str] = mapped_column(Text, default="")
    # "Laatst gecontroleerd": an editor (or the submitter) confirmed the text still holds.
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the last review reminder went out (one per review cycle).
    review_reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    kind: Mapped[Kind] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(secondary=article_theme, order_by=Theme.position)
    advice: Mapped[list[Advice]] = relationship(secondary=article_advice, order_by=Advice.number)
    sectors: Mapped[list[Sector]] = relationship(secondary=article_sector, order_by=Sector.position)
    regions: Mapped[list[Region]] = relationship(secondary=article_region, order_by=Region.name)
    citations: Mapped[list[Citation]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Citation.position"
    )
    links: Mapped[list[ArticleLink]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="ArticleLink.position",
    )

    @property
    def is_published(self) -> bool:
        """Tell whether readers may see this article."""
        return self.status == "published"


class Citation(db.Model):
    """One source an article is based on: a known publication or a submitting organisation."""

    __tablename__ = "citation"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    source_id: Mapped[str | None] = mapped_column(ForeignKey("source.id"))
    # For submissions: the organisation that submitted the example.
    organisation: Mapped[str | None] = mapped_column(String(300))
    section: Mapped[str] = mapped_column(String(300), default="")
    pages: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    article: Mapped[Article] = relationship(back_populates="citations")
    source: Mapped[Source | None] = relationship(lazy="joined")


class ArticleLink(db.Model):
    """A link from an article to another, by slug: from `related:` or from the body."""

    __tablename__ = "article_link"
    __table_args__ = (UniqueConstraint("article_id", "target_slug", "relation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    target_slug: Mapped[str] = mapped_column(String(120), index=True)
    relation: Mapped[str] = mapped_column(String(16))  # "related" or "body"
    position: Mapped[int] = mapped_column(Integer, default=0)

    article: Mapped[Article] = relationship(back_populates="links")


class ArticleRevision(db.Model):
    """A saved state of an article, kept on every online change so it can be restored."""

    __tablename__ = "article_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    author: Mapped[User | None] = relationship()


# --- people ---------------------------------------------------------------------------------


class User(db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16), default="member")
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Changes at logout, a new password or a block; ends every older session (kb.accounts).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    region: Mapped[Region | None] = relationship()


class LoginAttempt(db.Model):
    """A failed login, kept briefly to throttle guessing per account and per address."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ThrottleCounter(db.Model):
    """Recent attempts for one key (a keyed hash of an account, address or pair), for limits.

    Changed only by compare-and-set on `version` (kb.accounts.throttle), so parallel requests
    never both take the same attempt; `expires_at` says when the row can be purged.
    """

    __tablename__ = "throttle_counter"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    allowed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


# --- submissions ----------------------------------------------------------------------------


class Submission(db.Model):
    """A practice example sent in by a region; never indexed until published as an article."""

    __tablename__ = "submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the private status token; the token itself is only in the link we send.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    title: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")  # aanleiding
    approach: Mapped[str] = mapped_column(Text, default="")  # aanpak
    results: Mapped[str] = mapped_column(Text, default="")  # resultaten
    lessons: Mapped[str] = mapped_column(Text, default="")  # lessen
    partners: Mapped[str] = mapped_column(Text, default="")  # betrokken partners
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    advice: Mapped[list[int]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"))
    # The call for examples (oproep) this submission answers, if any.
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The key the form carried (made when it was shown): a reload, double click or retried
    # request with the same key stores nothing new. Unique in the database, not just checked.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # Raised by every change (optimistic locking): a form carries the version it was shown at,
    # and a save against an older version is refused as a conflict instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The editor who took this submission on ("Mijn werk").
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    region: Mapped[Region | None] = relationship()
    submitter: Mapped[User | None] = relationship(foreign_keys=[submitter_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    article: Mapped[Article | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan"
    )
    events: Mapped[list[SubmissionEvent]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="SubmissionEvent.created_at",
    )


class SubmissionEvent(db.Model):
    """One step in a submission's life: who did what, when, with what message."""

    __tablename__ = "submission_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Attachment(db.Model):
    """A file sent with a submission, stored outside static/ under a random name."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The submitter allows publication; the editor confirms it. Only with both, and only while
    # the article is published, is the file a public download.
    may_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    submission: Mapped[Submission] = relationship(back_populates="attachments")


class SubmissionComment(db.Model):
    """A note between editors on a submission; never shown or sent to the submitter."""

    __tablename__ = "submission_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class SubmissionVersion(db.Model):
    """The submission's fields as they were after one change (sent in, edited, resubmitted)."""

    __tablename__ = "submission_version"
    __table_args__ = (
        UniqueConstraint("submission_id", "number", name="uq_submission_version_number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


# --- search ---------------------------------------------------------------------------------


class SearchLog(db.Model):
    """One anonymous search: what was asked and how many results came back. No user, no IP."""

    __tablename__ = "search_log"
    # Zero-result panels read a short range of this index instead of the whole period.
    __table_args__ = (Index("ix_search_log_zero", "result_count", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(500), default="")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # Lower case, one space between words: the form that Zoekanalyse groups by.
    normalised: Mapped[str] = mapped_column(String(500), default="", index=True)
    corrected: Mapped[str | None] = mapped_column(String(500))  # what "Bedoelde u" searched
    # A random key shared with the clicks on this search's results (no user, no session).
    search_key: Mapped[str | None] = mapped_column(String(32), index=True)


class SearchClick(db.Model):
    """A click on a search result: which rank, for which search key. Nothing about who."""

    __tablename__ = "search_click"
    id: Mapped[int] = mapped_column(primary_key=True)
    search_key: Mapped[str] = mapped_column(String(32), index=True)
    article_id: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class IndexChange(db.Model):
    """One article change, appended in the same transaction as the change itself.

    Append-only and shared: every search index follows the log by its own cursor (kept inside
    the index generation), so no index can miss a change another instance applied. Rows are
    pruned only when old (see `kb.search.changes.prune`).
    """

    __tablename__ = "index_change"
    # AUTOINCREMENT on SQLite: ids are never reused after pruning, so cursors stay valid.
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(16), default="index")  # "index" or "remove"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


# --- following: follows, saved searches, digests, the visitors' newsletter -------------------


class Follow(db.Model):
    """Something a member follows: a theme, region, advies or kind, or a saved search.

    `target` is the slug (the advies number for advies); for a saved search it is the search's
    query string. `seen_at` is the member's last look at /mijn-kennisbank for this follow.
    """

    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("user_id", "kind", "target", name="uq_follow_target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # theme | region | advice | kind | search
    target: Mapped[str] = mapped_column(String(1000))
    name: Mapped[str] = mapped_column(String(200), default="")
    # immediate | daily | weekly | never
    frequency: Mapped[str] = mapped_column(String(16), default="weekly")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class DigestState(db.Model):
    """Per recipient and frequency: what has been mailed up to when, and who is sending now.

    A run claims a row with one atomic UPDATE (lease), so two runs or two nodes never send
    the same period twice; `sent_until` moves only after the mail went out.
    """

    __tablename__ = "digest_state"
    __table_args__ = (UniqueConstraint("recipient", "frequency", name="uq_digest_recipient"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(64))  # "user:<id>" or "subscriber:<id>"
    frequency: Mapped[str] = mapped_column(String(16))
    sent_until: Mapped[datetime] = mapped_column(DateTime)
    next_due: Mapped[datetime] = mapped_column(DateTime, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    lease_token: Mapped[str | None] = mapped_column(String(64))


class Subscriber(db.Model):
    """A visitor without an account who asked for the weekly newsletter (double opt-in)."""

    __tablename__ = "subscriber"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    confirm_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- collections (leeslijsten) -------------------------------------------------------------


class Collection(db.Model):
    """A leeslijst: an ordered, annotated list of articles for a CoP, advies, theme or topic."""

    __tablename__ = "collection"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # What the list belongs to: "cop" (an article slug), "advice" (a number), "theme", "free".
    context_kind: Mapped[str] = mapped_column(String(16), default="free")
    context_key: Mapped[str] = mapped_column(String(120), default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Like an article's: the content/collections/ file last loaded (None: made online), and
    # whether an editor changed the list since, so a sync never overwrites that silently.
    file_checksum: Mapped[str | None] = mapped_column(String(64))
    edited_online_at: Mapped[datetime | None] = mapped_column(DateTime)

    items: Mapped[list[CollectionItem]] = relationship(
        back_populates="collection",
        cascade="all, delete-orphan",
        order_by="CollectionItem.position",
    )


class CollectionItem(db.Model):
    """One article in a leeslijst, by slug (so a removed article stays visible as such)."""

    __tablename__ = "collection_item"
    __table_args__ = (UniqueConstraint("collection_id", "article_slug",
                                       name="uq_collection_item_article"),)  # fmt: skip
    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), index=True
    )
    article_slug: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(500), default="")  # "waarom lezen"
    position: Mapped[int] = mapped_column(Integer, default=0)

    collection: Mapped[Collection] = relationship(back_populates="items")


# --- calls for examples -------------------------------------------------------------------


class Call(db.Model):
    """An oproep: editors ask the regions for examples on an advies, theme or region."""

    __tablename__ = "call"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    text_md: Mapped[str] = mapped_column(Text, default="")
    text_html: Mapped[str] = mapped_column(Text, default="")
    advice_number: Mapped[int | None] = mapped_column(ForeignKey("advice.number"))
    theme_slug: Mapped[str | None] = mapped_column(String(64))
    region_slug: Mapped[str | None] = mapped_column(String(64))
    closes_on: Mapped[date | None] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # The zero-result search it was started from, so Zoekanalyse can show the follow-up.
    from_query: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- news and agenda --------------------------------------------------------------------------


class NewsItem(db.Model):
    """A dated news item from the programme, optionally pointing at an article."""

    __tablename__ = "news_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    article_slug: Mapped[str | None] = mapped_column(String(120))
    published_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Event(db.Model):
    """A bijeenkomst: a CoP meeting or other event, in Dutch local time, with sign-up.

    `signup_count` is moved by one atomic UPDATE per sign-up, so the capacity holds when
    many people sign up at once, on SQLite and on PostgreSQL.
    """

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description_md: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # Europe/Amsterdam
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    cop_slug: Mapped[str | None] = mapped_column(String(120), index=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    signup_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    signup_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    signups: Mapped[list[EventSignup]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSignup.id"
    )


class EventSignup(db.Model):
    """Someone who signed up for an event; deleted a set time after the event (AVG)."""

    __tablename__ = "event_signup"
    __table_args__ = (UniqueConstraint("event_id", "email", name="uq_event_signup_email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="signups")


class ChangeCounter(db.Model):
    """One row, bumped in the same transaction as any change to articles or the taxonomy.

    Every worker keys its caches of taxonomy, counts and article pages on this number, so a
    change through one worker is seen by all the others on their next request.
    """

    __tablename__ = "change_counter"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)
