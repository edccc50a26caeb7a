"""Response shapes of the public JSON API (they document the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from catalogue.records import TechnologyRecord

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


class SectionOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    seed_ref: str | None
    direction_count: int
    technology_count: int


class SectionRef(BaseModel):
    code: str
    name_zh: str
    name_en: str


class DirectionOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    scope_zh: str
    section: SectionRef
    technology_count: int


class TechnologyOut(TechnologyRecord):
    """A technology record with its catalogue state."""

    model_config = ConfigDict(extra="forbid")

    status: str
    version: int
    provider_name: str | None = None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None


class TechnologyPageOut(PageOut[TechnologyOut]):
    facets: dict[str, dict[str, int]] | None = None


class VersionOut(BaseModel):
    version: int
    published_at: datetime
    published_by: int | None
    note: str
    record: dict[str, Any]


class BenchmarkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    sector: str
    product: str
    indicator: str
    unit: str
    benchmark: float | None
    baseline: float | None
    lower_is_better: bool
    standard: str
    policy_document: str
    deadline: date | None
    sections: list[str]
    directions: list[str]
    source_url: str
    notes: str


class EquipmentLevelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    category: str
    product: str
    spec: str
    indicator: str
    unit: str
    advanced: float | None
    energy_saving: float | None
    access: float | None
    higher_is_better: bool
    standard: str
    policy_document: str
    source_url: str
    notes: str


class HealthOut(BaseModel):
    status: str
    checks: dict[str, Any] = {}
