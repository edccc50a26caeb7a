"""Table models. The technology row keeps the validated record as JSON (the source of truth for
export and versions) plus the columns that filters, sorting and joins need."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

import catalogue.db  # noqa: F401  (sets the naming convention before tables are declared)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite stores no offset, so we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(nullable: bool = False) -> Any:
    return Field(default_factory=utcnow if not nullable else None, sa_type=UTCDateTime, nullable=nullable)


class Section(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=40)
    name_zh: str = Field(max_length=80)
    name_en: str = Field(max_length=160)
    seed_ref: str | None = Field(default=None, max_length=200)
    position: int = 0


class Direction(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=80)
    section_code: str = Field(foreign_key="section.code", index=True, max_length=40)
    name_zh: str = Field(max_length=120)
    name_en: str = Field(max_length=200)
    scope_zh: str = Field(default="", sa_type=Text)
    position: int = 0


class VocabularyTerm(SQLModel, table=True):
    """Controlled process (工序) and equipment (设备) tags per section."""

    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("section_code", "kind", "term", name="uq_vocabulary_term_entry"),)

    id: int | None = Field(default=None, primary_key=True)
    section_code: str = Field(foreign_key="section.code", max_length=40)
    kind: str = Field(max_length=20)  # process | equipment
    term: str = Field(max_length=40)
    position: int = 0


class Provider(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    kind: str = Field(default="equipment_maker", max_length=40)
    region: str | None = Field(default=None, max_length=100)
    uscc: str | None = Field(default=None, max_length=18)  # 统一社会信用代码
    contact: str | None = Field(default=None, max_length=200)
    services: list[str] = Field(default_factory=list, sa_type=JSON)
    sections: list[str] = Field(default_factory=list, sa_type=JSON)
    description: str = Field(default="", sa_type=Text)
    demo: bool = False
    created_at: datetime = _ts()


class Technology(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=80)
    name_zh: str = Field(index=True, max_length=80)
    name_en: str | None = Field(default=None, max_length=160)
    section_code: str = Field(foreign_key="section.code", index=True, max_length=40)
    status: str = Field(default="draft", index=True, max_length=20)
    version: int = 0  # number of the last published version; 0 = never published
    maturity: str = Field(max_length=20)
    evidence_level: str = Field(max_length=20)
    saving_rate_min: float | None = None
    saving_rate_max: float | None = None
    payback_min: float | None = None
    payback_max: float | None = None
    investment_min: float | None = None
    investment_max: float | None = None
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    record: dict[str, Any] = Field(sa_type=JSON)
    search_text: str = Field(default="", sa_type=Text)  # lower-cased text for substring search
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    published_at: datetime | None = _ts(nullable=True)


class TechnologyDirection(SQLModel, table=True):
    __tablename__ = "technology_direction"

    technology_id: int = Field(
        sa_column=Column(Integer, ForeignKey("technology.id", ondelete="CASCADE"), primary_key=True)
    )
    direction_code: str = Field(
        sa_column=Column(String(80), ForeignKey("direction.code"), primary_key=True, index=True)
    )
    position: int = 0


class TechnologyTag(SQLModel, table=True):
    """Industry, process, equipment and symptom tags, one row each, for indexed filters and facets."""

    __tablename__ = "technology_tag"
    __table_args__ = (Index("ix_technology_tag_kind_value", "kind", "value"),)

    technology_id: int = Field(
        sa_column=Column(Integer, ForeignKey("technology.id", ondelete="CASCADE"), primary_key=True)
    )
    kind: str = Field(sa_column=Column(String(20), primary_key=True))
    value: str = Field(sa_column=Column(String(40), primary_key=True))


class TechnologyVersion(SQLModel, table=True):
    """Every published version, kept for good (published entries are archived, never deleted)."""

    __tablename__ = "technology_version"
    __table_args__ = (UniqueConstraint("technology_id", "version", name="uq_technology_version_number"),)

    id: int | None = Field(default=None, primary_key=True)
    technology_id: int = Field(foreign_key="technology.id", index=True)
    version: int
    record: dict[str, Any] = Field(sa_type=JSON)
    published_at: datetime = _ts()
    published_by: int | None = None  # user id; None for seed and CLI imports
    note: str = Field(default="", max_length=500)


class Benchmark(SQLModel, table=True):
    """工业重点领域能效标杆水平和基准水平: one product or process indicator."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=80)
    sector: str = Field(max_length=40)
    product: str = Field(max_length=120)
    indicator: str = Field(max_length=80)
    unit: str = Field(max_length=40)
    benchmark: float | None = None  # 标杆水平
    baseline: float | None = None  # 基准水平
    lower_is_better: bool = True
    standard: str = Field(default="", max_length=200)
    policy_document: str = Field(default="", max_length=200)
    deadline: date | None = None
    sections: list[str] = Field(default_factory=list, sa_type=JSON)
    directions: list[str] = Field(default_factory=list, sa_type=JSON)
    source_url: str = Field(default="", sa_type=Text)
    notes: str = Field(default="", sa_type=Text)


class EquipmentLevel(SQLModel, table=True):
    """重点用能产品设备能效先进水平、节能水平和准入水平."""

    __tablename__ = "equipment_level"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=80)
    category: str = Field(index=True, max_length=40)
    product: str = Field(max_length=120)
    spec: str = Field(default="", max_length=120)
    indicator: str = Field(max_length=80)
    unit: str = Field(default="", max_length=40)
    advanced: float | None = None
    energy_saving: float | None = None
    access: float | None = None
    higher_is_better: bool = True
    standard: str = Field(default="", max_length=200)
    policy_document: str = Field(default="", max_length=200)
    source_url: str = Field(default="", sa_type=Text)
    notes: str = Field(default="", sa_type=Text)


# ------------------------------------------------------------------ accounts


class User(SQLModel, table=True):
    """A person who signs in: enterprise staff, provider staff, curator (agency) or admin."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)  # stored lower-case
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    role: str = Field(index=True, max_length=20)  # enterprise | provider | curator | admin
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    organisation: str | None = Field(default=None, max_length=200)  # enterprise name, free text
    active: bool = True
    created_at: datetime = _ts()
    last_login_at: datetime | None = _ts(nullable=True)


class AuthToken(SQLModel, table=True):
    """A bearer token (kind "api") or a browser session (kind "session"); only the hash is stored."""

    __tablename__ = "auth_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(max_length=10)
    token_hash: str = Field(unique=True, max_length=64)  # sha256 hex
    csrf_token: str | None = Field(default=None, max_length=64)  # sessions only
    name: str = Field(default="", max_length=80)
    created_at: datetime = _ts()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked: bool = False


# ------------------------------------------------------------------ review workflow


class Submission(SQLModel, table=True):
    """A provider's proposed record: a new technology, or an edit of a published one (the published
    version stays visible until a curator approves). `lock_version` is the optimistic-concurrency
    counter carried by every write (ETag)."""

    id: int | None = Field(default=None, primary_key=True)
    technology_code: str = Field(index=True, max_length=80)
    technology_id: int | None = Field(default=None, foreign_key="technology.id", index=True)  # None = new entry
    base_version: int = 0  # published version the edit started from
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    section_code: str = Field(index=True, max_length=40)
    name_zh: str = Field(max_length=80)
    status: str = Field(default="draft", index=True, max_length=20)
    record: dict[str, Any] = Field(sa_type=JSON)
    lock_version: int = 1
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    claimed_by: int | None = Field(default=None, foreign_key="app_user.id")
    decision_note: str = Field(default="", sa_type=Text)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    submitted_at: datetime | None = _ts(nullable=True)
    decided_at: datetime | None = _ts(nullable=True)


class ReviewComment(SQLModel, table=True):
    __tablename__ = "review_comment"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(
        sa_column=Column(Integer, ForeignKey("submission.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    kind: str = Field(default="comment", max_length=20)  # comment | request_changes | reject | approve
    body: str = Field(sa_type=Text)
    created_at: datetime = _ts()


class AuditEvent(SQLModel, table=True):
    """Append-only record of every state change and admin action (see catalogue.audit)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, index=True)  # no FK: the trail outlives accounts
    actor_label: str = Field(default="", max_length=254)  # e-mail or "cli"
    action: str = Field(index=True, max_length=40)
    target_type: str = Field(max_length=30)
    target_id: str = Field(index=True, max_length=80)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    note: str = Field(default="", sa_type=Text)


# ------------------------------------------------------------------ enterprise features


class SavedProfile(SQLModel, table=True):
    __tablename__ = "saved_profile"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    name: str = Field(max_length=80)
    profile: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class RecommendationRun(SQLModel, table=True):
    """One recommendation as it was given (profile and result), addressable by an unguessable token so
    the web wizard can redirect to its result; owned by a user when one was signed in."""

    __tablename__ = "recommendation_run"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=32)
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    )
    profile: dict[str, Any] = Field(sa_type=JSON)
    result: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = _ts()


class Bookmark(SQLModel, table=True):
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True))
    technology_id: int = Field(
        sa_column=Column(Integer, ForeignKey("technology.id", ondelete="CASCADE"), primary_key=True)
    )
    created_at: datetime = _ts()
