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
