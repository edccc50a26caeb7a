"""Catalogue rows as the recommender's plain documents (the recommender never sees the database)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from catalogue.models import Benchmark, Direction, Section, Technology
from recommender.types import BenchmarkLevel, DirectionDoc, Figure, TechnologyDoc


def _figure(data: dict[str, object] | None) -> Figure | None:
    if not data:
        return None
    return Figure(float(data["min"]), float(data["max"]))  # type: ignore[arg-type]


def technology_doc(tech: Technology) -> TechnologyDoc:
    r = tech.record
    return TechnologyDoc(
        code=tech.code,
        name_zh=r["name_zh"],
        name_en=r.get("name_en") or "",
        section=r["section"],
        directions=tuple(r["directions"]),
        industries=tuple(r.get("industries", [])),
        processes=tuple(r.get("processes", [])),
        equipment=tuple(r.get("equipment", [])),
        symptoms=tuple(r.get("symptoms", [])),
        summary=r.get("summary", ""),
        principle=r.get("principle", ""),
        applicability=r.get("applicability", ""),
        key_indicators=r.get("key_indicators", ""),
        saving_rate_pct=_figure(r.get("saving_rate_pct")),
        payback_years=_figure(r.get("payback_years")),
        investment_wan_cny=_figure(r.get("investment_wan_cny")),
        annual_saving_tce=_figure(r.get("annual_saving_tce")),
    )


def published_technology_docs(session: Session) -> list[TechnologyDoc]:
    rows = session.exec(select(Technology).where(Technology.status == "published").order_by(col(Technology.id)))
    return [technology_doc(t) for t in rows.all()]


def direction_docs(session: Session) -> list[DirectionDoc]:
    sections = {s.code: s.name_zh for s in session.exec(select(Section)).all()}
    rows = session.exec(select(Direction).order_by(col(Direction.position))).all()
    return [
        DirectionDoc(d.code, d.section_code, d.name_zh, d.name_en, d.scope_zh, sections.get(d.section_code, ""))
        for d in rows
    ]


def benchmark_levels(session: Session) -> list[BenchmarkLevel]:
    rows = session.exec(select(Benchmark).order_by(col(Benchmark.id))).all()
    return [
        BenchmarkLevel(
            b.code,
            b.product,
            b.indicator,
            b.unit,
            b.benchmark,
            b.baseline,
            b.lower_is_better,
            b.deadline.isoformat() if b.deadline else None,
            b.policy_document,
            tuple(b.directions),
            tuple(b.sections),
        )
        for b in rows
    ]


def catalogue_stamp(session: Session) -> tuple[int, str]:
    """Changes whenever a technology is added, edited or changes status (cheap to poll)."""
    count, latest = session.exec(select(func.count(), func.max(Technology.updated_at))).one()
    return int(count), str(latest)
