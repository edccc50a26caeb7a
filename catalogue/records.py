"""The technology record: one format for seed files, import/export and provider submissions.

A record is what a person writes; the database row is derived from it. Keeping one schema
means a seed file, an uploaded spreadsheet row and an API payload are validated alike.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
DIRECTION_CODE_PATTERN = r"^[a-z_]+\.[a-z0-9_]+$"
SECTION_CODE_PATTERN = r"^[a-z_]+$"

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
# "|" separates tags in spreadsheet cells, so it cannot appear inside one.
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^|]+$")]


class Maturity(StrEnum):
    RESEARCH = "研发阶段"
    PILOT = "中试阶段"
    DEMONSTRATION = "示范阶段"
    PROMOTION = "推广阶段"
    MATURE = "成熟应用"


class EvidenceLevel(StrEnum):
    """How well the quoted effect is backed, weakest first."""

    DECLARED = "declared"  # stated by a catalogue entry or the provider
    EXPERT_REVIEWED = "expert_reviewed"  # passed an expert selection (e.g. a national catalogue review)
    VERIFIED_CASE = "verified_case"  # a named project reports the result
    MONITORED = "monitored"  # measured by third-party monitoring


class SourceKind(StrEnum):
    CATALOGUE = "catalogue"
    STANDARD = "standard"
    POLICY = "policy"
    CASE = "case"
    ARTICLE = "article"


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,20}$")]
    kind: SourceKind
    title: ShortText
    publisher: ShortText | None = None
    edition: ShortText | None = None  # e.g. "2024年版（工业和信息化部公告2024年第8号）"
    url: Annotated[str, StringConstraints(max_length=500)] | None = None


class Range(BaseModel):
    """A quoted figure: a value or a range, the scale it refers to and where it comes from."""

    model_config = ConfigDict(extra="forbid")

    min: float
    max: float
    reference_scale: ShortText | None = None  # e.g. "5000 t/d 熟料生产线"
    source: str  # id of an entry in the record's sources

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class SpecificSaving(Range):
    """A saving per unit of product or service, e.g. 25 kWh/t 熟料."""

    unit: ShortText


class ScaleLimit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameter: ShortText  # e.g. "熟料产能"
    min: float | None = None
    max: float | None = None
    unit: ShortText


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_type: ShortText  # never a made-up company name; "某5000 t/d 水泥熟料线" is fine
    scale: ShortText | None = None
    measures: LongText
    result: LongText
    year: int | None = Field(default=None, ge=1980, le=2100)
    source: str


class TechnologyRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=80)]
    name_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, max_length=160)] | None = None
    section: Annotated[str, StringConstraints(pattern=SECTION_CODE_PATTERN)]
    directions: list[Annotated[str, StringConstraints(pattern=DIRECTION_CODE_PATTERN)]] = Field(min_length=1)
    industries: list[Annotated[str, StringConstraints(pattern=SECTION_CODE_PATTERN)]] = []
    processes: list[Tag] = []
    equipment: list[Tag] = []
    symptoms: list[Tag] = []  # plant problems the technology cures, in an energy manager's words
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=400)]
    principle: LongText = ""
    key_indicators: LongText = ""
    applicability: LongText = ""
    scale_limits: list[ScaleLimit] = []
    saving_rate_pct: Range | None = None
    specific_saving: SpecificSaving | None = None
    annual_saving_tce: Range | None = None
    co2_reduction_t: Range | None = None  # tCO2 per year
    investment_wan_cny: Range | None = None
    payback_years: Range | None = None
    maturity: Maturity = Maturity.PROMOTION
    trl: int | None = Field(default=None, ge=1, le=9)
    evidence_level: EvidenceLevel = EvidenceLevel.DECLARED
    cases: list[Case] = []
    provider: Annotated[str, StringConstraints(pattern=CODE_PATTERN)] | None = None
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.directions and len(set(self.directions)) != len(self.directions):
            raise ValueError("directions contain duplicates")
        ids = [s.id for s in self.sources]
        if len(set(ids)) != len(ids):
            raise ValueError("source ids must be unique")
        known = set(ids)
        for name in FIGURE_FIELDS:
            figure = getattr(self, name)
            if figure is not None and figure.source not in known:
                raise ValueError(f"{name}.source '{figure.source}' is not one of the sources")
        for case in self.cases:
            if case.source not in known:
                raise ValueError(f"case source '{case.source}' is not one of the sources")
        if self.saving_rate_pct and not (self.saving_rate_pct.min >= 0 and self.saving_rate_pct.max <= 100):
            raise ValueError("saving_rate_pct must lie within 0–100")
        if self.payback_years and not (self.payback_years.min >= 0 and self.payback_years.max <= 30):
            raise ValueError("payback_years must lie within 0–30")
        for name in ("annual_saving_tce", "co2_reduction_t", "investment_wan_cny"):
            figure = getattr(self, name)
            if figure is not None and figure.min < 0:
                raise ValueError(f"{name} must not be negative")
        return self


SCALAR_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "section",
    "summary",
    "principle",
    "key_indicators",
    "applicability",
    "maturity",
    "trl",
    "evidence_level",
    "provider",
)  # one value each: a column in a spreadsheet, an input in a form

FIGURE_FIELDS = (
    "saving_rate_pct",
    "specific_saving",
    "annual_saving_tce",
    "co2_reduction_t",
    "investment_wan_cny",
    "payback_years",
)


def slugify(text: str) -> str:
    """A code from an English name; callers still check uniqueness."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]
