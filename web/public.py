"""Public pages: catalogue browsing, search, compare, benchmarks and the recommendation wizard."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep
from api.recommending import IndexNotReady
from api.v1.recommendations import recommendation_out, run_recommendation
from catalogue import enterprise, queries
from catalogue.errors import InvalidData, NotFound
from catalogue.models import Benchmark, Direction, EquipmentLevel, Provider, Section, Technology
from catalogue.records import FIGURE_FIELDS, EvidenceLevel, Maturity
from web.charts import benchmark_chart, savings_payback_chart
from web.i18n import LANG_COOKIE, LANGS, translator
from web.render import current_lang, evidence_zh, render
from web.security import read_form
from web.wizard import Message, WizardForm, WizardInvalid, read, to_profile

router = APIRouter(include_in_schema=False)

PER_PAGE = 20
MAX_COMPARE = 4
SORT_LABELS = {
    "name": "按名称",
    "-published_at": "最新发布",
    "payback": "回收期最短",
    "-saving_rate": "节能率最高",
    "investment": "投资最少",
    "code": "按编码",
}
FIGURE_LABELS = {
    "saving_rate_pct": ("节能率", "%"),
    "specific_saving": ("单位产品节能量", ""),
    "annual_saving_tce": ("年节能量", "tce"),
    "co2_reduction_t": ("年减排二氧化碳", "tCO₂"),
    "investment_wan_cny": ("投资", "万元"),
    "payback_years": ("投资回收期", "年"),
}
assert set(FIGURE_LABELS) == set(FIGURE_FIELDS)

Text = Annotated[str, Query(max_length=200)]


@dataclass(frozen=True)
class Catalogue:
    """Sections and directions by code, for labels and links."""

    sections: dict[str, Section]
    directions: dict[str, Direction]

    @classmethod
    def load(cls, session: Session) -> Catalogue:
        return cls(
            {s.code: s for s in queries.list_sections(session)},
            {d.code: d for d in queries.list_directions(session)},
        )

    def section(self, code: str) -> Section:
        found = self.sections.get(code)
        if found is None:
            raise NotFound(f"没有这个行业：{code[:40]}")
        return found

    def direction(self, code: str) -> Direction:
        found = self.directions.get(code)
        if found is None:
            raise NotFound(f"没有这个改造方向：{code[:80]}")
        return found


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else 1


# ------------------------------------------------------------------ home, sections, directions


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    """The 12 sections with their counts, a search box and the latest published technologies."""
    cat = Catalogue.load(session)
    tech_counts = queries.published_counts_by_section(session)
    direction_counts: dict[str, int] = {}
    for d in cat.directions.values():
        direction_counts[d.section_code] = direction_counts.get(d.section_code, 0) + 1
    recent = queries.list_technologies(session, queries.TechnologyFilters(), per_page=8, sort="-published_at")
    return render(
        request,
        "home.html",
        {
            "sections": list(cat.sections.values()),
            "tech_counts": tech_counts,
            "direction_counts": direction_counts,
            "recent": recent.items,
            "cat": cat,
        },
    )


@router.get("/sections/{code}", response_class=HTMLResponse)
def section_page(request: Request, code: str, session: SessionDep, page: Text = "1") -> HTMLResponse:
    """One industry section: its retrofit directions and published technologies."""
    cat = Catalogue.load(session)
    section = cat.section(code)
    counts = queries.published_counts_by_direction(session)
    found = queries.list_technologies(
        session, queries.TechnologyFilters(section=code), page=_page_number(page), per_page=50
    )
    return render(
        request,
        "section.html",
        {
            "section": section,
            "directions": [d for d in cat.directions.values() if d.section_code == code],
            "counts": counts,
            "found": found,
            "pages": _pages(found.total, found.per_page),
            "page_url": lambda n: f"/sections/{code}?page={n}",
            "cat": cat,
        },
    )


@router.get("/directions/{code}", response_class=HTMLResponse)
def direction_page(request: Request, code: str, session: SessionDep, page: Text = "1") -> HTMLResponse:
    """One retrofit direction: its scope and the technologies filed under it."""
    cat = Catalogue.load(session)
    direction = cat.direction(code)
    found = queries.list_technologies(
        session, queries.TechnologyFilters(direction=code), page=_page_number(page), per_page=50
    )
    return render(
        request,
        "direction.html",
        {
            "direction": direction,
            "section": cat.sections[direction.section_code],
            "found": found,
            "pages": _pages(found.total, found.per_page),
            "page_url": lambda n: f"/directions/{code}?page={n}",
            "cat": cat,
        },
    )


# ------------------------------------------------------------------ technology


def _published(session: Session, code: str) -> tuple[Technology, Provider | None]:
    found = queries.get_technology(session, code)
    if found is None or found[0].status != "published":
        raise NotFound(f"没有已发布的技术：{code[:80]}")
    return found


def figure_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's quoted figures, each with its reference scale and its source entry."""
    sources = {s["id"]: s for s in record.get("sources", [])}
    rows = []
    for name in FIGURE_FIELDS:
        figure = record.get(name)
        if not figure:
            continue
        label, unit = FIGURE_LABELS[name]
        rows.append(
            {
                "name": name,
                "label": label,
                "figure": figure,
                "unit": figure.get("unit") or unit,
                "source": sources.get(figure.get("source", "")),
            }
        )
    return rows


@router.get("/technologies/{code}", response_class=HTMLResponse)
def technology_page(request: Request, code: str, session: SessionDep) -> HTMLResponse:
    """Every field of one published technology, its figures' sources, cases and version history."""
    tech, provider = _published(session, code)
    assert tech.id is not None
    cat = Catalogue.load(session)
    record = tech.record
    siblings = []
    for direction in record.get("directions", [])[:1]:
        same = queries.list_technologies(session, queries.TechnologyFilters(direction=direction), per_page=30)
        siblings = [t for t, _ in same.items if t.code != tech.code]
    return render(
        request,
        "technology.html",
        {
            "tech": tech,
            "record": record,
            "provider": provider,
            "section": cat.sections.get(tech.section_code),
            "figures": figure_rows(record),
            "sources": {s["id"]: s for s in record.get("sources", [])},
            "versions": queries.technology_versions(session, tech.id),
            "siblings": siblings,
            "cat": cat,
        },
    )


# ------------------------------------------------------------------ search


def _float_param(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value <= 100 else None


def facet_groups(facets: dict[str, dict[str, int]], cat: Catalogue, lang: str) -> list[dict[str, Any]]:
    """Facet counts as (value, label, count) lists, largest first, labelled in the UI language."""
    _ = translator(lang)

    def named(obj: Section | Direction | None, code: str) -> str:
        if obj is None:
            return code
        return (obj.name_en if lang == "en" and obj.name_en else None) or obj.name_zh

    labels: dict[str, Callable[[str], str]] = {
        "section": lambda v: named(cat.sections.get(v), v),
        "direction": lambda v: named(cat.directions.get(v), v),
        "maturity": _,
        "evidence": lambda v: _(evidence_zh(v)),
        "equipment": str,
    }
    groups = []
    for key, facet, title in (
        ("section", "section", "行业"),
        ("direction", "direction", "方向"),
        ("maturity", "maturity", "成熟度"),
        ("evidence", "evidence_level", "证据等级"),
        ("equipment", "equipment", "常见设备"),
    ):
        counts = sorted(facets.get(facet, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        groups.append({"key": key, "title": title, "items": [(v, labels[key](v), n) for v, n in counts]})
    return groups


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    q: Text = "",
    section: Text = "",
    direction: Text = "",
    maturity: Text = "",
    evidence: Text = "",
    equipment: Text = "",
    max_payback: Text = "",
    min_saving: Text = "",
    sort: Text = "name",
    page: Text = "1",
) -> HTMLResponse:
    """Full-text search with filters, facet counts and pagination."""
    cat = Catalogue.load(session)
    _ = translator(current_lang(request))
    ignored = [
        _(label)
        for label, text in (("最长回收期（年）", max_payback), ("最低节能率（%）", min_saving))
        if text.strip() and _float_param(text.strip()) is None
    ]
    params = {
        "q": q.strip(),
        "section": section if section in cat.sections else "",
        "direction": direction if direction in cat.directions else "",
        "maturity": maturity if maturity in {m.value for m in Maturity} else "",
        "evidence": evidence if evidence in {e.value for e in EvidenceLevel} else "",
        "equipment": equipment.strip(),
        "max_payback": max_payback.strip() if _float_param(max_payback.strip()) is not None else "",
        "min_saving": min_saving.strip() if _float_param(min_saving.strip()) is not None else "",
        "sort": sort if sort in SORT_LABELS else "name",
    }
    filters = queries.TechnologyFilters(
        q=params["q"] or None,
        section=params["section"] or None,
        direction=params["direction"] or None,
        maturity=params["maturity"] or None,
        evidence_level=params["evidence"] or None,
        equipment=params["equipment"] or None,
        max_payback=_float_param(params["max_payback"]),
        min_saving_rate=_float_param(params["min_saving"]),
    )
    found = queries.list_technologies(session, filters, page=_page_number(page), per_page=PER_PAGE, sort=params["sort"])

    def url(**changes: str | int) -> str:
        merged: dict[str, Any] = {**params, **changes}
        if "page" not in changes:
            merged.pop("page", None)
        if merged.get("sort") == "name":
            merged.pop("sort")
        return "/search?" + urlencode({k: v for k, v in merged.items() if v not in ("", None, 1)})

    return render(
        request,
        "search.html",
        {
            "params": params,
            "found": found,
            "pages": _pages(found.total, found.per_page),
            "page_url": lambda n: url(page=n),
            "url": url,
            "facet_groups": facet_groups(queries.technology_facets(session, filters), cat, current_lang(request)),
            "ignored": ignored,
            "sorts": SORT_LABELS,
            "maturities": [m.value for m in Maturity],
            "evidence_levels": [e.value for e in EvidenceLevel],
            "cat": cat,
        },
    )


# ------------------------------------------------------------------ compare


def compare_codes(values: list[str]) -> list[str]:
    codes = [c.strip() for value in values for c in value.split(",") if c.strip()]
    return list(dict.fromkeys(codes))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, session: SessionDep, codes: Annotated[list[str] | None, Query()] = None
) -> HTMLResponse:
    """Two to four technologies side by side, one row per field."""
    wanted = compare_codes((codes or [])[:20])
    error: Message | None = None
    status = 200
    items: list[tuple[Technology, Provider | None]] = []
    if len(wanted) > MAX_COMPARE:
        error, status = Message("最多对比 4 项技术，当前选择了 {n} 项。", {"n": len(wanted)}), 400
    elif len(wanted) < 2:
        error, status = Message("请选择 2–4 项技术进行对比。"), 400 if wanted else 200
    else:
        missing = []
        for code in wanted:
            found = queries.get_technology(session, code[:80])
            if found is None or found[0].status != "published":
                missing.append(code[:80])
            else:
                items.append(found)
        if missing:
            error, status, items = Message("未找到以下技术：{codes}", {"codes": "、".join(missing)}), 404, []
    return render(
        request,
        "compare.html",
        {"items": items, "error": error, "wanted": wanted, "cat": Catalogue.load(session), "labels": FIGURE_LABELS},
        status_code=status,
    )


# ------------------------------------------------------------------ benchmarks


def _grouped(levels: list[EquipmentLevel]) -> list[tuple[str, str, list[EquipmentLevel]]]:
    groups: dict[tuple[str, str], list[EquipmentLevel]] = {}
    for level in levels:
        groups.setdefault((level.product, level.indicator), []).append(level)
    return [(product, indicator, rows) for (product, indicator), rows in groups.items()]


@router.get("/benchmarks", response_class=HTMLResponse)
def benchmarks_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The national 标杆/基准 levels by sector, and equipment efficiency levels."""
    benchmarks = queries.list_benchmarks(session)
    sectors: dict[str, list[Benchmark]] = {}
    for b in benchmarks:
        sectors.setdefault(b.sector, []).append(b)
    return render(
        request,
        "benchmarks.html",
        {"sectors": sectors, "equipment": _grouped(queries.list_equipment_levels(session))},
    )


# ------------------------------------------------------------------ recommendation wizard


def _wizard(
    request: Request,
    session: Session,
    form: WizardForm,
    errors: dict[str, Message] | None = None,
    notice: Message | None = None,
    extra_rows: int = 0,
    status_code: int = 200,
) -> HTMLResponse:
    cat = Catalogue.load(session)
    vocabulary = queries.vocabulary(session)
    return render(
        request,
        "recommend.html",
        {
            "form": form,
            "rows": form.product_rows(extra_rows),
            "errors": errors or {},
            "notice": notice,
            "sections": list(cat.sections.values()),
            "vocabulary": [(s, vocabulary.get(s.code, {})) for s in cat.sections.values() if s.code in vocabulary],
            "products": queries.list_benchmarks(session),
        },
        status_code=status_code,
    )


@router.get("/recommend", response_class=HTMLResponse)
def recommend_form(request: Request, session: SessionDep, industry: Text = "") -> HTMLResponse:
    """The enterprise profile form."""
    return _wizard(request, session, WizardForm(industry=industry))


@router.post("/recommend", response_class=HTMLResponse)
async def recommend_submit(request: Request, session: SessionDep) -> Response:
    """Run a recommendation for the submitted profile, store it, and redirect to its result page."""
    raw = await read_form(request)
    form = read(raw)
    if raw.get("action") == "add_product":  # the no-JavaScript way to get another product row
        return _wizard(request, session, form, extra_rows=1)
    rows: list[int] = []
    try:
        profile, rows = to_profile(form, set(Catalogue.load(session).sections))
        result = recommendation_out(run_recommendation(request, profile))
    except WizardInvalid as exc:
        return _wizard(request, session, form, exc.errors, Message("表单有误，请按提示修改。"), status_code=422)
    except InvalidData as exc:
        errors: dict[str, Message] = {}
        for e in exc.errors:
            parts = e.field.split(".")
            if parts[0] == "products" and len(parts) > 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
                parts[1] = str(rows[int(parts[1])])
            errors[".".join(parts)] = Message(e.message)
        notice = Message("表单有误，请按提示修改。")
        return _wizard(request, session, form, errors or {"description": Message(exc.detail)}, notice, status_code=422)
    except IndexNotReady:
        notice = Message("推荐服务正在准备索引，请稍后几秒再提交。")
        return _wizard(request, session, form, notice=notice, status_code=503)
    user = getattr(request.state, "user", None)
    run = enterprise.save_run(
        session, getattr(user, "id", None), profile.model_dump(mode="json"), result.model_dump(mode="json")
    )
    return RedirectResponse(f"/recommend/results/{run.token}", status_code=303)


@router.get("/recommend/results/{token}", response_class=HTMLResponse)
def recommend_results(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    """A stored recommendation as a printable diagnosis report."""
    run = enterprise.get_run(session, token[:64])
    cat = Catalogue.load(session)
    result = run.result
    return render(
        request,
        "results.html",
        {
            "run": run,
            "profile": run.profile,
            "result": result,
            "charts": [benchmark_chart(a) for a in result.get("benchmark", [])],
            "scatter": savings_payback_chart(result.get("directions", [])),
            "products": {b.code: b for b in queries.list_benchmarks(session)},
            "cat": cat,
        },
    )


# ------------------------------------------------------------------ language


def safe_next(target: str) -> str:
    """Only paths on this site: an open redirect would let a link send people elsewhere."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/lang/{lang}")
def switch_language(lang: str, next: Text = "/") -> RedirectResponse:
    """Remember the UI language in a cookie and go back."""
    if lang not in LANGS:
        raise NotFound(f"unsupported language '{lang[:10]}'")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
