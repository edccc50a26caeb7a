"""POST /api/v1/recommendations: an enterprise profile in, ranked retrofit directions out."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.auth import ActorDep
from api.deps import SessionDep
from catalogue.enterprise import save_run
from catalogue.errors import FieldError, InvalidData
from recommender.benchmarks import UnknownProduct
from recommender.hybrid import HybridIndex
from recommender.types import Profile, Recommendation

router = APIRouter(prefix="/api/v1", tags=["recommender"])


class ReasonOut(BaseModel):
    kind: str
    text: str


class RangeOut(BaseModel):
    min: float
    max: float


class TechnologyHitOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    score: float
    reasons: list[ReasonOut]
    saving_rate_pct: RangeOut | None
    payback_years: RangeOut | None
    investment_wan_cny: RangeOut | None
    estimated_saving_tce: RangeOut | None
    estimate_basis: str | None


class DirectionHitOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    section: str
    score: float
    reasons: list[ReasonOut]
    technologies: list[TechnologyHitOut]


class BenchmarkAssessmentOut(BaseModel):
    product: str
    benchmark_code: str
    indicator: str
    unit: str
    value: float
    benchmark: float | None
    baseline: float | None
    lower_is_better: bool
    status: str
    status_zh: str
    gap_to_benchmark: float | None
    gap_to_benchmark_pct: float | None
    gap_to_baseline: float | None
    gap_to_baseline_pct: float | None
    requirement: str
    directions: list[str]
    saving_to_benchmark_tce: float | None


class RecommendationOut(BaseModel):
    mode: str
    run_token: str | None = None  # set when a signed-in user's run was kept in their history
    energy_tce: float | None
    directions: list[DirectionHitOut]
    benchmark: list[BenchmarkAssessmentOut]


def recommendation_out(rec: Recommendation) -> RecommendationOut:
    data: dict[str, Any] = {
        "mode": rec.mode,
        "energy_tce": round(rec.energy_tce, 1) if rec.energy_tce else None,
        "directions": [asdict(d) for d in rec.directions],
        "benchmark": [asdict(b) for b in rec.benchmarks],
    }
    return RecommendationOut.model_validate(data)


def run_recommendation(request: Request, profile: Profile) -> Recommendation:
    """Shared by the API and the pages: unknown products become a 422 naming the field."""
    index: HybridIndex = request.app.state.recommender.index()
    try:
        return index.recommend(profile)
    except UnknownProduct as exc:
        position = next((i for i, p in enumerate(profile.products) if p.product in str(exc)), 0)
        raise InvalidData(str(exc), [FieldError(f"products.{position}.product", str(exc))]) from exc


@router.post("/recommendations", response_model=RecommendationOut)
def recommend(profile: Profile, request: Request, actor: ActorDep, session: SessionDep) -> RecommendationOut:
    """Ranked retrofit directions with their best technologies, reasons, savings and benchmark gaps.
    Signed-in users find the run in GET /api/v1/me/recommendations."""
    out = recommendation_out(run_recommendation(request, profile))
    if actor.user_id is not None:
        run = save_run(session, actor.user_id, profile.model_dump(mode="json"), out.model_dump(mode="json"))
        out.run_token = run.token
    return out
