"""Plain data passed into and out of the recommender. No database, no web framework."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

MAX_DESCRIPTION_CHARS = 5000


@dataclass(frozen=True)
class Figure:
    min: float
    max: float


@dataclass(frozen=True)
class TechnologyDoc:
    """What the recommender knows of one published technology."""

    code: str
    name_zh: str
    name_en: str
    section: str
    directions: tuple[str, ...]
    industries: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    summary: str = ""
    principle: str = ""
    applicability: str = ""
    key_indicators: str = ""
    saving_rate_pct: Figure | None = None
    payback_years: Figure | None = None
    investment_wan_cny: Figure | None = None
    annual_saving_tce: Figure | None = None


@dataclass(frozen=True)
class DirectionDoc:
    code: str
    section: str
    name_zh: str
    name_en: str
    scope_zh: str
    section_name_zh: str = ""


@dataclass(frozen=True)
class BenchmarkLevel:
    code: str
    product: str
    indicator: str
    unit: str
    benchmark: float | None
    baseline: float | None
    lower_is_better: bool
    deadline: str | None
    policy_document: str
    directions: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ProductInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product: Text200 = Field(description="benchmark code (e.g. cement-clinker) or product name (e.g. 水泥熟料)")
    annual_output: float | None = Field(default=None, ge=0, description="annual output in the product's unit")
    unit_consumption: float | None = Field(default=None, description="unit energy consumption in the benchmark's unit")


class EnergyUse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    electricity_kwh: float | None = Field(default=None, ge=0)
    coal_t: float | None = Field(default=None, ge=0)
    natural_gas_m3: float | None = Field(default=None, ge=0)
    steam_gj: float | None = Field(default=None, ge=0)


class Constraints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_payback_years: float | None = Field(default=None, gt=0, le=100)
    budget_wan_cny: float | None = Field(default=None, gt=0)


class Profile(BaseModel):
    """An enterprise's process profile, in its own words and/or structured fields."""

    model_config = ConfigDict(extra="forbid")

    industry: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")] | None = Field(
        default=None, description="section code, e.g. building_materials"
    )
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_DESCRIPTION_CHARS)] = Field(
        default="", description="free text, Chinese or English"
    )
    products: list[ProductInput] = Field(default=[], max_length=20)
    processes: list[Text200] = Field(default=[], max_length=50)
    equipment: list[Text200] = Field(default=[], max_length=50)
    energy: EnergyUse | None = None
    constraints: Constraints | None = None

    @model_validator(mode="after")
    def _something_to_match(self) -> Profile:
        if not self.description and not (self.products or self.processes or self.equipment):
            raise ValueError("describe the plant in `description` or give products, processes or equipment")
        return self


@dataclass
class Reason:
    kind: str  # lexical | semantic | industry | equipment | process | product | constraint
    text: str


@dataclass
class TechnologyHit:
    code: str
    name_zh: str
    name_en: str
    score: float
    reasons: list[Reason] = field(default_factory=list)
    saving_rate_pct: Figure | None = None
    payback_years: Figure | None = None
    investment_wan_cny: Figure | None = None
    estimated_saving_tce: Figure | None = None
    estimate_basis: str | None = None


@dataclass
class DirectionHit:
    code: str
    name_zh: str
    name_en: str
    section: str
    score: float
    reasons: list[Reason] = field(default_factory=list)
    technologies: list[TechnologyHit] = field(default_factory=list)


@dataclass
class BenchmarkAssessment:
    product: str
    benchmark_code: str
    indicator: str
    unit: str
    value: float
    benchmark: float | None
    baseline: float | None
    lower_is_better: bool
    status: str  # at_or_better_than_benchmark | between | below_baseline
    status_zh: str
    gap_to_benchmark: float | None
    gap_to_benchmark_pct: float | None
    gap_to_baseline: float | None
    gap_to_baseline_pct: float | None
    requirement: str
    directions: list[str]
    saving_to_benchmark_tce: float | None = None


@dataclass
class Recommendation:
    directions: list[DirectionHit]
    benchmarks: list[BenchmarkAssessment]
    energy_tce: float | None
    mode: str  # hybrid | lexical
