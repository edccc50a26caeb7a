from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from sqlmodel import Session, select

from catalogue.db import make_engine, unit_of_work
from catalogue.models import Benchmark, EquipmentLevel, Technology, TechnologyVersion
from catalogue.queries import stats
from catalogue.records import FIGURE_FIELDS
from catalogue.seed import load_seed
from catalogue.seed_files import (
    SEED_DIR,
    format_files,
    layout_problems,
    load_taxonomy,
    load_technologies,
    load_vocabulary,
)
from tests.conftest import SHARED

INDUSTRY_SECTIONS = {
    "petrochemical",
    "coal_chemical",
    "nonferrous",
    "textile",
    "steel",
    "building_materials",
    "data_center",
}


def _required_codes() -> tuple[set[str], set[str]]:
    """The spec's codes: from ../shared when this checkout sits beside it, else the committed copy
    (a clone elsewhere still checks the same list; the copy itself is checked against the spec here)."""
    copy = json.loads((Path(__file__).parent / "data" / "required_codes.json").read_text(encoding="utf-8"))
    codes = set(copy["sections"]), set(copy["directions"])
    spec_path = SHARED / "spec" / "taxonomy.json"
    if spec_path.exists():
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        assert codes == ({s["code"] for s in spec["sections"]}, {d["code"] for d in spec["directions"]})
    return codes


def test_seed_taxonomy_contains_every_shared_code() -> None:
    sections, directions = _required_codes()
    ours = load_taxonomy()
    assert sections <= {s["code"] for s in ours["sections"]}
    assert directions <= {d["code"] for d in ours["directions"]}
    for d in ours["directions"]:
        assert d["name_zh"] and d["name_en"] and d["scope_zh"]


def test_load_seed_twice_changes_nothing(db_url: str) -> None:
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        assert sum(load_seed(session).values()) == 0  # the fixture already loaded it once
    with Session(engine) as session:
        counts = stats(session)
        versions = len(session.exec(select(TechnologyVersion)).all())
    assert counts["sections"] == 12 and counts["directions"] >= 80 and counts["benchmarks"] >= 25
    assert versions == counts["technologies"]  # one published version each, none added by the reload
    engine.dispose()


def test_benchmarks_are_consistent(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    directions = {d["code"] for d in load_taxonomy()["directions"]}
    sections = {s["code"] for s in load_taxonomy()["sections"]}
    with Session(engine) as session:
        rows = session.exec(select(Benchmark)).all()
        levels = session.exec(select(EquipmentLevel)).all()
    assert len(rows) >= 25
    for b in rows:
        assert b.unit and b.indicator and b.source_url and b.policy_document
        assert b.benchmark is not None and b.baseline is not None
        # The benchmark is the better level: lower for consumption indicators.
        assert (b.benchmark < b.baseline) if b.lower_is_better else (b.benchmark > b.baseline), b.code
        assert b.deadline is not None
        assert set(b.directions) <= directions and b.directions, b.code
        assert set(b.sections) <= sections and b.sections, b.code
    categories = Counter(e.category for e in levels)
    for needed in ("motor", "transformer", "industrial_boiler", "data_center"):
        assert categories[needed] >= 1, needed
    for e in levels:
        assert e.unit is not None and e.source_url
        known = [v for v in (e.advanced, e.energy_saving, e.access) if v is not None]
        if len(known) >= 2:  # advanced is at least as good as the access level
            ordered = known == sorted(known, reverse=e.higher_is_better)
            assert ordered, e.code
    engine.dispose()


def test_seed_technology_files_are_valid() -> None:
    seed = load_technologies()
    assert not seed.problems, [str(p) for p in seed.problems[:10]]


def test_seed_files_keep_the_canonical_layout() -> None:
    assert not layout_problems(), [str(p) for p in layout_problems()[:10]]


def test_format_rewrites_off_layout_files_and_leaves_the_rest(tmp_path: Path) -> None:
    (tmp_path / "technologies" / "steel").mkdir(parents=True)
    source = next((SEED_DIR / "technologies" / "steel").glob("*.json"))
    tidy = source.read_text(encoding="utf-8")
    messy = tmp_path / "technologies" / "steel" / "messy.json"
    messy.write_text(json.dumps(json.loads(tidy), indent=4), encoding="utf-8")  # \u escapes, no final newline
    broken = tmp_path / "technologies" / "steel" / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    (tmp_path / "technologies" / "steel" / "tidy.json").write_text(tidy, encoding="utf-8")

    assert [p.file for p in layout_problems(tmp_path)] == ["technologies/steel/messy.json"]
    assert format_files(tmp_path) == 1
    assert messy.read_text(encoding="utf-8") == tidy  # the data is unchanged, only the layout
    assert broken.read_text(encoding="utf-8") == "{not json"  # reported by the loader, not rewritten
    assert layout_problems(tmp_path) == []


def test_seed_library_coverage_and_figures() -> None:
    records = load_technologies().records
    assert len(records) >= 240
    taxonomy = load_taxonomy()
    coverage = Counter(code for r in records for code in r.directions)
    for d in taxonomy["directions"]:
        needed = 3 if d["section"] in INDUSTRY_SECTIONS else 2
        assert coverage[d["code"]] >= needed, (d["code"], coverage[d["code"]])
    assert sum(1 for r in records if r.name_en) / len(records) >= 0.80
    assert sum(1 for r in records if r.cases) / len(records) >= 0.30
    # Figure coverage (issue 3 targets: 70% saving, 50% investment and payback) is printed by
    # `python -m catalogue.seed_files`; it is not yet met and is tracked in the issue, not faked here.


def test_seed_figures_have_sources_and_plausible_ranges() -> None:
    for r in load_technologies().records:
        assert 60 <= len(r.summary) <= 200, (r.code, len(r.summary))
        ids = {s.id for s in r.sources}
        for s in r.sources:
            # Traceable: a URL, a citable edition or publisher, or a standard named by its number.
            assert s.url or s.edition or s.publisher or s.kind == "standard", (r.code, s.id)
        for name in FIGURE_FIELDS:
            figure = getattr(r, name)
            if figure is not None:
                assert figure.source in ids and figure.min <= figure.max, (r.code, name)
        if r.saving_rate_pct:
            assert 0 <= r.saving_rate_pct.min <= r.saving_rate_pct.max <= 100
        if r.payback_years:
            assert 0 <= r.payback_years.min <= r.payback_years.max <= 30


def test_seed_names_and_codes_are_unique() -> None:
    records = load_technologies().records
    for key in ("code", "name_zh"):
        counts = Counter(getattr(r, key) for r in records)
        assert not [k for k, v in counts.items() if v > 1], key
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.code) for r in records)


def test_seed_tags_come_from_the_vocabulary() -> None:
    vocab = load_vocabulary()
    known = {term for kinds in vocab.values() for terms in kinds.values() for term in terms}
    assert set(vocab) == {s["code"] for s in load_taxonomy()["sections"]}
    for r in load_technologies().records:
        unknown = [t for t in (*r.processes, *r.equipment) if t not in known]
        assert not unknown, (r.code, unknown)


def test_seeded_technologies_are_published(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        techs = session.exec(select(Technology)).all()
    assert techs and all(t.status == "published" and t.version == 1 for t in techs)
    engine.dispose()
