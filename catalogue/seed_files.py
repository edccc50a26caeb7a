"""Reading seed_data/: the taxonomy, vocabularies, providers, technologies and reference levels.

Pure file access and validation; no database. The loader (seed.py) and the checks share it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalogue.records import TechnologyRecord

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"


@dataclass
class SeedProblem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class TechnologySeed:
    records: list[TechnologyRecord] = field(default_factory=list)
    problems: list[SeedProblem] = field(default_factory=list)


def load_taxonomy(seed_dir: Path = SEED_DIR) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((seed_dir / "taxonomy.json").read_text(encoding="utf-8"))
    return data


def load_vocabulary(seed_dir: Path = SEED_DIR) -> dict[str, dict[str, list[str]]]:
    """Per section: {"processes": [...], "equipment": [...]}."""
    vocab: dict[str, dict[str, list[str]]] = {}
    for path in sorted((seed_dir / "vocabulary").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        vocab[data["section"]] = {"processes": data.get("processes", []), "equipment": data.get("equipment", [])}
    return vocab


def canonical_json(text: str) -> str:
    """The one layout for seed files (2-space indent, UTF-8 characters, final newline): with a single
    layout, a review diff shows only what changed in the data."""
    return json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def technology_paths(seed_dir: Path = SEED_DIR) -> list[Path]:
    return sorted((seed_dir / "technologies").glob("*/*.json"))


def load_technologies(seed_dir: Path = SEED_DIR) -> TechnologySeed:
    """Every technologies/<section>/<code>.json, validated; problems collected, not raised."""
    taxonomy = load_taxonomy(seed_dir)
    sections = {s["code"] for s in taxonomy["sections"]}
    directions = {d["code"] for d in taxonomy["directions"]}
    result = TechnologySeed()
    seen_codes: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    for path in technology_paths(seed_dir):
        rel = str(path.relative_to(seed_dir))
        try:
            record = TechnologyRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                result.problems.append(SeedProblem(rel, f"{loc}: {err['msg']}"))
            continue
        if path.stem != record.code:
            result.problems.append(SeedProblem(rel, f"file name must equal code '{record.code}'"))
        if path.parent.name != record.section:
            result.problems.append(SeedProblem(rel, f"folder must equal section '{record.section}'"))
        if record.section not in sections:
            result.problems.append(SeedProblem(rel, f"unknown section '{record.section}'"))
        for code in record.directions:
            if code not in directions:
                result.problems.append(SeedProblem(rel, f"unknown direction '{code}'"))
        for code in record.industries:
            if code not in sections:
                result.problems.append(SeedProblem(rel, f"unknown industry section '{code}'"))
        if record.code in seen_codes:
            result.problems.append(SeedProblem(rel, f"code also used by {seen_codes[record.code]}"))
        if record.name_zh in seen_names:
            result.problems.append(SeedProblem(rel, f"name_zh also used by {seen_names[record.name_zh]}"))
        seen_codes[record.code] = rel
        seen_names[record.name_zh] = rel
        result.records.append(record)
    return result


def direction_coverage(records: list[TechnologyRecord]) -> Counter[str]:
    return Counter(code for r in records for code in r.directions)


def _off_layout(seed_dir: Path) -> list[tuple[Path, str]]:
    """Files that parse as JSON but are not in the canonical layout, with their canonical text.
    Files that do not parse are left to load_technologies, which reports them."""
    out = []
    for path in technology_paths(seed_dir):
        text = path.read_text(encoding="utf-8")
        try:
            canonical = canonical_json(text)
        except json.JSONDecodeError:
            continue
        if text != canonical:
            out.append((path, canonical))
    return out


def layout_problems(seed_dir: Path = SEED_DIR) -> list[SeedProblem]:
    """A review concern, not a validity one: the loader accepts any layout; the seed check does not."""
    return [
        SeedProblem(str(path.relative_to(seed_dir)), "layout is not canonical: python -m catalogue.seed_files --format")
        for path, _ in _off_layout(seed_dir)
    ]


def format_files(seed_dir: Path = SEED_DIR) -> int:
    """Rewrite every technology file in the canonical layout; returns how many changed."""
    off = _off_layout(seed_dir)
    for path, canonical in off:
        path.write_text(canonical, encoding="utf-8")
    return len(off)


def main() -> None:
    """Print seed problems and coverage: `python -m catalogue.seed_files [--format]`."""
    if "--format" in sys.argv[1:]:
        print(f"{format_files()} files rewritten in the canonical layout")
    seed = load_technologies()
    seed.problems += layout_problems()
    for problem in seed.problems:
        print("PROBLEM", problem)
    taxonomy = load_taxonomy()
    coverage = direction_coverage(seed.records)
    print(f"{len(seed.records)} technologies, {len(seed.problems)} problems")
    n = max(len(seed.records), 1)
    shares = {
        "saving rate or specific saving": sum(1 for r in seed.records if r.saving_rate_pct or r.specific_saving),
        "investment and payback": sum(1 for r in seed.records if r.investment_wan_cny and r.payback_years),
        "typical cases": sum(1 for r in seed.records if r.cases),
        "English name": sum(1 for r in seed.records if r.name_en),
    }
    for label, count in shares.items():
        print(f"{count:4d} ({count / n:5.1%}) with {label}")
    for d in taxonomy["directions"]:
        print(f"{coverage.get(d['code'], 0):3d}  {d['code']}")


if __name__ == "__main__":
    main()
