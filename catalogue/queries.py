"""Read queries: filters, pagination, facets and counts. No commits here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from catalogue.models import (
    Benchmark,
    Direction,
    EquipmentLevel,
    Provider,
    Section,
    Technology,
    TechnologyDirection,
    TechnologyTag,
    TechnologyVersion,
    VocabularyTerm,
)

T = TypeVar("T")
MAX_PER_PAGE = 100

# Sort whitelist: public name -> (column, descending)
SORTS: dict[str, tuple[Any, bool]] = {
    "name": (Technology.name_zh, False),
    "code": (Technology.code, False),
    "-published_at": (Technology.published_at, True),
    "-updated_at": (Technology.updated_at, True),
    "payback": (Technology.payback_min, False),
    "-saving_rate": (Technology.saving_rate_max, True),
    "investment": (Technology.investment_min, False),
}


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


@dataclass
class TechnologyFilters:
    section: str | None = None
    direction: str | None = None
    industry: str | None = None
    equipment: str | None = None
    process: str | None = None
    maturity: str | None = None
    evidence_level: str | None = None
    max_payback: float | None = None
    min_saving_rate: float | None = None
    provider: str | None = None
    q: str | None = None
    statuses: list[str] = field(default_factory=lambda: ["published"])
    provider_id: int | None = None  # restricts to one organisation's entries


def _tagged(kind: str, value: str) -> Any:
    return col(Technology.id).in_(
        select(TechnologyTag.technology_id).where(TechnologyTag.kind == kind, TechnologyTag.value == value)
    )


def _filtered(stmt: Any, f: TechnologyFilters) -> Any:
    if f.statuses:
        stmt = stmt.where(col(Technology.status).in_(f.statuses))
    if f.section:
        stmt = stmt.where(col(Technology.section_code) == f.section)
    if f.direction:
        stmt = stmt.where(
            col(Technology.id).in_(
                select(TechnologyDirection.technology_id).where(TechnologyDirection.direction_code == f.direction)
            )
        )
    if f.industry:
        stmt = stmt.where((Technology.section_code == f.industry) | _tagged("industries", f.industry))
    if f.equipment:
        stmt = stmt.where(_tagged("equipment", f.equipment))
    if f.process:
        stmt = stmt.where(_tagged("processes", f.process))
    if f.maturity:
        stmt = stmt.where(col(Technology.maturity) == f.maturity)
    if f.evidence_level:
        stmt = stmt.where(col(Technology.evidence_level) == f.evidence_level)
    if f.max_payback is not None:
        stmt = stmt.where(col(Technology.payback_max).is_not(None), col(Technology.payback_max) <= f.max_payback)
    if f.min_saving_rate is not None:
        stmt = stmt.where(
            col(Technology.saving_rate_max).is_not(None), col(Technology.saving_rate_max) >= f.min_saving_rate
        )
    if f.provider:
        stmt = stmt.where(col(Technology.provider_id).in_(select(Provider.id).where(Provider.code == f.provider)))
    if f.provider_id is not None:
        stmt = stmt.where(col(Technology.provider_id) == f.provider_id)
    if f.q:
        # Substring match on lower-cased text: works for Chinese without word segmentation.
        for term in f.q.lower().split():
            stmt = stmt.where(col(Technology.search_text).contains(term, autoescape=True))
    return stmt


def list_technologies(
    session: Session, f: TechnologyFilters, *, page: int = 1, per_page: int = 20, sort: str = "name"
) -> Page[tuple[Technology, Provider | None]]:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    column, descending = SORTS.get(sort, SORTS["name"])
    total = session.exec(_filtered(select(func.count()).select_from(Technology), f)).one()
    stmt = _filtered(select(Technology, Provider).join(Provider, isouter=True), f)
    order = col(column).desc().nulls_last() if descending else col(column).asc().nulls_last()
    stmt = stmt.order_by(order, col(Technology.code)).offset((page - 1) * per_page).limit(per_page)
    rows = [(t, p) for t, p in session.exec(stmt).all()]
    return Page(rows, int(total), page, per_page)


def technology_facets(session: Session, f: TechnologyFilters) -> dict[str, dict[str, int]]:
    """Counts per value for the filtered set, for the search page's facet lists."""
    ids = _filtered(select(Technology.id), f).subquery()
    facets: dict[str, dict[str, int]] = {}
    for name, column in (
        ("section", Technology.section_code),
        ("maturity", Technology.maturity),
        ("evidence_level", Technology.evidence_level),
    ):
        rows = session.exec(
            select(column, func.count()).where(col(Technology.id).in_(select(ids.c.id))).group_by(column)
        ).all()
        facets[name] = {str(k): int(v) for k, v in rows}
    rows = session.exec(
        select(TechnologyDirection.direction_code, func.count())
        .where(col(TechnologyDirection.technology_id).in_(select(ids.c.id)))
        .group_by(TechnologyDirection.direction_code)
    ).all()
    facets["direction"] = {str(k): int(v) for k, v in rows}
    rows = session.exec(
        select(TechnologyTag.value, func.count())
        .where(TechnologyTag.kind == "equipment", col(TechnologyTag.technology_id).in_(select(ids.c.id)))
        .group_by(TechnologyTag.value)
        .order_by(func.count().desc())
        .limit(30)
    ).all()
    facets["equipment"] = {str(k): int(v) for k, v in rows}
    return facets


def get_technology(session: Session, code: str) -> tuple[Technology, Provider | None] | None:
    row = session.exec(select(Technology, Provider).join(Provider, isouter=True).where(Technology.code == code)).first()
    return (row[0], row[1]) if row else None


def technology_versions(session: Session, technology_id: int) -> list[TechnologyVersion]:
    return list(
        session.exec(
            select(TechnologyVersion)
            .where(TechnologyVersion.technology_id == technology_id)
            .order_by(col(TechnologyVersion.version).desc())
        ).all()
    )


def published_counts_by_direction(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(TechnologyDirection.direction_code, func.count())
        .join(Technology, col(Technology.id) == TechnologyDirection.technology_id)
        .where(Technology.status == "published")
        .group_by(TechnologyDirection.direction_code)
    ).all()
    return {str(k): int(v) for k, v in rows}


def published_counts_by_section(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(Technology.section_code, func.count())
        .where(Technology.status == "published")
        .group_by(Technology.section_code)
    ).all()
    return {str(k): int(v) for k, v in rows}


def list_sections(session: Session) -> list[Section]:
    return list(session.exec(select(Section).order_by(col(Section.position))).all())


def list_directions(session: Session, section: str | None = None) -> list[Direction]:
    stmt = select(Direction).order_by(col(Direction.position))
    if section:
        stmt = stmt.where(Direction.section_code == section)
    return list(session.exec(stmt).all())


def list_benchmarks(session: Session, section: str | None = None) -> list[Benchmark]:
    rows = list(session.exec(select(Benchmark).order_by(col(Benchmark.id))).all())
    return [b for b in rows if section is None or section in b.sections]


def list_equipment_levels(session: Session, category: str | None = None) -> list[EquipmentLevel]:
    stmt = select(EquipmentLevel).order_by(col(EquipmentLevel.id))
    if category:
        stmt = stmt.where(EquipmentLevel.category == category)
    return list(session.exec(stmt).all())


def vocabulary(session: Session) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for term in session.exec(select(VocabularyTerm).order_by(col(VocabularyTerm.position))).all():
        kinds = out.setdefault(term.section_code, {"process": [], "equipment": []})
        kinds.setdefault(term.kind, []).append(term.term)
    return out


def stats(session: Session) -> dict[str, Any]:
    def count(model: Any, *where: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

    by_status = dict(session.exec(select(Technology.status, func.count()).group_by(Technology.status)).all())
    return {
        "sections": count(Section),
        "directions": count(Direction),
        "technologies": count(Technology),
        "technologies_by_status": {str(k): int(v) for k, v in by_status.items()},
        "providers": count(Provider),
        "benchmarks": count(Benchmark),
        "equipment_levels": count(EquipmentLevel),
        "vocabulary_terms": count(VocabularyTerm),
    }
