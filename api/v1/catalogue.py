"""Public catalogue reads: sections, directions, technologies, benchmark and equipment levels."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.auth import ActorDep
from api.deps import PageDep, SessionDep
from api.v1.schemas import (
    BenchmarkOut,
    DirectionOut,
    EquipmentLevelOut,
    SectionOut,
    SectionRef,
    TechnologyOut,
    TechnologyPageOut,
    VersionOut,
)
from catalogue import queries
from catalogue.errors import FieldError, InvalidData, NotFound
from catalogue.permissions import Perm, require
from catalogue.records import EvidenceLevel, Maturity
from catalogue.technologies import technology_public
from catalogue.workflow import Status

router = APIRouter(prefix="/api/v1", tags=["catalogue"])

SortParam = Literal["name", "code", "-published_at", "-updated_at", "payback", "-saving_rate", "investment"]


@router.get("/sections", response_model=list[SectionOut])
def list_sections(session: SessionDep) -> list[SectionOut]:
    """The plan's industry sections with their number of directions and published technologies."""
    tech_counts = queries.published_counts_by_section(session)
    directions = queries.list_directions(session)
    out = []
    for s in queries.list_sections(session):
        out.append(
            SectionOut(
                code=s.code,
                name_zh=s.name_zh,
                name_en=s.name_en,
                seed_ref=s.seed_ref,
                direction_count=sum(1 for d in directions if d.section_code == s.code),
                technology_count=tech_counts.get(s.code, 0),
            )
        )
    return out


@router.get("/directions", response_model=list[DirectionOut])
def list_directions(
    session: SessionDep,
    section: Annotated[str | None, Query(max_length=40, description="section code")] = None,
) -> list[DirectionOut]:
    """Retrofit directions, each with its section and number of published technologies."""
    sections = {s.code: s for s in queries.list_sections(session)}
    counts = queries.published_counts_by_direction(session)
    return [
        DirectionOut(
            code=d.code,
            name_zh=d.name_zh,
            name_en=d.name_en,
            scope_zh=d.scope_zh,
            section=SectionRef(
                code=d.section_code, name_zh=sections[d.section_code].name_zh, name_en=sections[d.section_code].name_en
            ),
            technology_count=counts.get(d.code, 0),
        )
        for d in queries.list_directions(session, section)
    ]


@router.get("/technologies", response_model=TechnologyPageOut)
def list_technologies(
    session: SessionDep,
    paging: PageDep,
    actor: ActorDep,
    section: Annotated[str | None, Query(max_length=40)] = None,
    direction: Annotated[str | None, Query(max_length=80)] = None,
    industry: Annotated[str | None, Query(max_length=40, description="applicable industry section")] = None,
    equipment: Annotated[str | None, Query(max_length=40, description="equipment tag, e.g. 回转窑")] = None,
    process: Annotated[str | None, Query(max_length=40, description="process tag, e.g. 熟料烧成")] = None,
    maturity: Maturity | None = None,
    evidence_level: EvidenceLevel | None = None,
    max_payback: Annotated[float | None, Query(ge=0, le=100, description="maximum payback, years")] = None,
    min_saving_rate: Annotated[float | None, Query(ge=0, le=100, description="minimum saving rate, %")] = None,
    provider: Annotated[str | None, Query(max_length=80, description="provider code")] = None,
    q: Annotated[str | None, Query(max_length=200, description="full-text search (Chinese or English)")] = None,
    sort: SortParam = "name",
    facets: bool = False,
    status: Annotated[
        list[Status] | None, Query(description="curators only: other statuses than published (e.g. archived)")
    ] = None,
) -> TechnologyPageOut:
    """Published technologies, filtered, sorted and paginated; optional facet counts."""
    statuses = [s.value for s in status] if status else [Status.PUBLISHED.value]
    if statuses != [Status.PUBLISHED.value]:
        require(actor, Perm.EXPORT_ALL)
    filters = queries.TechnologyFilters(
        section=section,
        direction=direction,
        industry=industry,
        equipment=equipment,
        process=process,
        maturity=maturity.value if maturity else None,
        evidence_level=evidence_level.value if evidence_level else None,
        max_payback=max_payback,
        min_saving_rate=min_saving_rate,
        provider=provider,
        q=q,
        statuses=statuses,
    )
    page = queries.list_technologies(session, filters, page=paging.page, per_page=paging.per_page, sort=sort)
    return TechnologyPageOut(
        items=[TechnologyOut.model_validate(technology_public(t, p)) for t, p in page.items],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        facets=queries.technology_facets(session, filters) if facets else None,
    )


@router.get("/technologies/compare", response_model=list[TechnologyOut])
def compare_technologies(
    session: SessionDep,
    codes: Annotated[str, Query(max_length=400, description="2–4 technology codes, comma-separated")],
) -> list[TechnologyOut]:
    """Two to four published technologies, in the order asked, for a side-by-side comparison."""
    wanted = list(dict.fromkeys(c.strip() for c in codes.split(",") if c.strip()))
    if not 2 <= len(wanted) <= 4:
        raise InvalidData("请选择 2–4 项技术进行比较", [FieldError("codes", "give 2 to 4 distinct codes")])
    out, missing = [], []
    for code in wanted:
        found = queries.get_technology(session, code)
        if found is None or found[0].status != Status.PUBLISHED.value:
            missing.append(code)
        else:
            out.append(TechnologyOut.model_validate(technology_public(*found)))
    if missing:
        raise NotFound(f"no published technology with code(s): {', '.join(missing)[:300]}")
    return out


@router.get("/technologies/{code}", response_model=TechnologyOut)
def get_technology(code: str, session: SessionDep) -> TechnologyOut:
    """One published technology with every field, its figures' sources and cases."""
    found = queries.get_technology(session, code)
    if found is None or found[0].status != "published":
        raise NotFound(f"no published technology with code '{code}'")
    return TechnologyOut.model_validate(technology_public(*found))


@router.get("/technologies/{code}/versions", response_model=list[VersionOut])
def technology_versions(code: str, session: SessionDep) -> list[VersionOut]:
    """Every published version of a technology, newest first."""
    found = queries.get_technology(session, code)
    if found is None or found[0].version == 0:
        raise NotFound(f"no published technology with code '{code}'")
    assert found[0].id is not None
    return [
        VersionOut(
            version=v.version, published_at=v.published_at, published_by=v.published_by, note=v.note, record=v.record
        )
        for v in queries.technology_versions(session, found[0].id)
    ]


@router.get("/benchmarks", response_model=list[BenchmarkOut])
def list_benchmarks(
    session: SessionDep, section: Annotated[str | None, Query(max_length=40)] = None
) -> list[BenchmarkOut]:
    """National energy-efficiency benchmark (标杆) and baseline (基准) levels, 2023 edition."""
    return [BenchmarkOut.model_validate(b) for b in queries.list_benchmarks(session, section)]


@router.get("/equipment-levels", response_model=list[EquipmentLevelOut])
def list_equipment_levels(
    session: SessionDep, category: Annotated[str | None, Query(max_length=40)] = None
) -> list[EquipmentLevelOut]:
    """Equipment efficiency levels (advanced / energy-saving / access), 2024 edition."""
    return [EquipmentLevelOut.model_validate(e) for e in queries.list_equipment_levels(session, category)]


@router.get("/vocabulary", response_model=dict[str, dict[str, list[str]]])
def vocabulary(session: SessionDep) -> dict[str, dict[str, list[str]]]:
    """Controlled process and equipment tags per section."""
    return queries.vocabulary(session)
