"""Idempotent loading of seed_data/ into the database.

Running it twice changes nothing. A seed entry updated in a later release replaces the stored
one only while that entry is still exactly as the seed last published it: curators' edits win.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalogue.errors import InvalidData
from catalogue.models import (
    Benchmark,
    Direction,
    EquipmentLevel,
    Provider,
    Section,
    Technology,
    TechnologyVersion,
    VocabularyTerm,
)
from catalogue.seed_files import SEED_DIR, load_taxonomy, load_technologies, load_vocabulary
from catalogue.technologies import apply_record, new_technology, publish, reference_errors

SEED_NOTE = "seed"


def load_seed(session: Session, seed_dir: Path = SEED_DIR) -> Counter[str]:
    """Load everything; returns how many rows of each kind were created or changed."""
    changes: Counter[str] = Counter()
    _load_taxonomy(session, seed_dir, changes)
    _load_vocabulary(session, seed_dir, changes)
    _load_providers(session, seed_dir, changes)
    _load_technologies(session, seed_dir, changes)
    _load_benchmarks(session, seed_dir, changes)
    _load_equipment_levels(session, seed_dir, changes)
    return changes


def _upsert(session: Session, model: Any, values: dict[str, Any], changes: Counter[str], label: str) -> None:
    """Insert or update by `code`; counts only real changes, so a repeated load counts zero."""
    row = session.exec(select(model).where(model.code == values["code"])).first()
    if row is None:
        session.add(model(**values))
        changes[label] += 1
    elif any(getattr(row, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(row, k, v)
        session.add(row)
        changes[label] += 1


def _load_taxonomy(session: Session, seed_dir: Path, changes: Counter[str]) -> None:
    taxonomy = load_taxonomy(seed_dir)
    for position, s in enumerate(taxonomy["sections"]):
        values = {
            "code": s["code"],
            "name_zh": s["name_zh"],
            "name_en": s["name_en"],
            "seed_ref": s.get("seed_ref"),
            "position": position,
        }
        _upsert(session, Section, values, changes, "sections")
    session.flush()
    for position, d in enumerate(taxonomy["directions"]):
        values = {
            "code": d["code"],
            "section_code": d["section"],
            "name_zh": d["name_zh"],
            "name_en": d["name_en"],
            "scope_zh": d.get("scope_zh", ""),
            "position": position,
        }
        _upsert(session, Direction, values, changes, "directions")
    session.flush()


def _load_vocabulary(session: Session, seed_dir: Path, changes: Counter[str]) -> None:
    existing = {(t.section_code, t.kind, t.term) for t in session.exec(select(VocabularyTerm)).all()}
    for section, kinds in load_vocabulary(seed_dir).items():
        for kind_key, kind in (("processes", "process"), ("equipment", "equipment")):
            for position, term in enumerate(dict.fromkeys(kinds[kind_key])):
                if (section, kind, term) not in existing:
                    session.add(VocabularyTerm(section_code=section, kind=kind, term=term, position=position))
                    changes["vocabulary_terms"] += 1
    session.flush()


def _load_providers(session: Session, seed_dir: Path, changes: Counter[str]) -> None:
    path = seed_dir / "providers.json"
    if not path.exists():
        return
    for p in json.loads(path.read_text(encoding="utf-8")):
        values = {
            "code": p["code"],
            "name": p["name"],
            "name_en": p.get("name_en"),
            "kind": p.get("kind", "equipment_maker"),
            "region": p.get("region"),
            "uscc": p.get("uscc"),
            "contact": p.get("contact"),
            "services": p.get("services", []),
            "sections": p.get("sections", []),
            "description": p.get("description", ""),
            "demo": bool(p.get("demo", False)),
        }
        _upsert(session, Provider, values, changes, "providers")
    session.flush()


def _load_technologies(session: Session, seed_dir: Path, changes: Counter[str]) -> None:
    seed = load_technologies(seed_dir)
    if seed.problems:
        raise InvalidData("seed_data has invalid technology files: " + "; ".join(map(str, seed.problems[:20])))
    for record in seed.records:
        errors = reference_errors(session, record)
        if errors:
            raise InvalidData(f"seed technology {record.code}: " + "; ".join(map(str, errors)))
        wanted = record.model_dump(mode="json")
        tech = session.exec(select(Technology).where(Technology.code == record.code)).first()
        if tech is None:
            tech = new_technology(record)
            apply_record(session, tech, record)
            publish(session, tech, note=SEED_NOTE)
            changes["technologies"] += 1
            continue
        if tech.record == wanted or not _still_as_seeded(session, tech):
            continue
        apply_record(session, tech, record)
        publish(session, tech, note=SEED_NOTE)
        changes["technologies"] += 1


def _still_as_seeded(session: Session, tech: Technology) -> bool:
    last = session.exec(
        select(TechnologyVersion)
        .where(TechnologyVersion.technology_id == tech.id)
        .order_by(TechnologyVersion.version.desc())  # type: ignore[attr-defined]
    ).first()
    return tech.status == "published" and last is not None and last.note == SEED_NOTE and last.record == tech.record


def _float(value: str) -> float | None:
    value = value.strip()
    return float(value) if value else None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def _bool(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes", "是")


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _load_benchmarks(session: Session, seed_dir: Path, changes: Counter[str]) -> None:
    for row in _read_csv(seed_dir / "benchmarks.csv"):
        deadline = row.get("deadline", "").strip()
        values = {
            "code": row["code"].strip(),
            "sector": row["sector"].strip(),
            "product": row["product"].strip(),
            "indicator": row["indicator"].strip(),
            "unit": row["unit"].strip(),
            "benchmark": _float(row["benchmark"]),
            "baseline": _float(row["baseline"]),
            "lower_is_better": _bool(row.get("lower_is_better", "true")),
            "standard": row.get("standard", "").strip(),
            "policy_document": row.get("policy_document", "").strip(),
            "deadline": date.fromisoformat(deadline) if deadline else None,
            "sections": _split(row.get("sections", "")),
            "directions": _split(row.get("directions", "")),
            "source_url": row.get("source_url", "").strip(),
            "notes": row.get("notes", "").strip(),
        }
        _upsert(session, Benchmark, values, changes, "benchmarks")
    session.flush()


def _load_equipment_levels(session: Session, seed_dir: Path, changes: Counter[str]) -> None:
    for row in _read_csv(seed_dir / "equipment_levels.csv"):
        values = {
            "code": row["code"].strip(),
            "category": row["category"].strip(),
            "product": row["product"].strip(),
            "spec": row.get("spec", "").strip(),
            "indicator": row["indicator"].strip(),
            "unit": row.get("unit", "").strip(),
            "advanced": _float(row.get("advanced", "")),
            "energy_saving": _float(row.get("energy_saving", "")),
            "access": _float(row.get("access", "")),
            "higher_is_better": _bool(row.get("higher_is_better", "true")),
            "standard": row.get("standard", "").strip(),
            "policy_document": row.get("policy_document", "").strip(),
            "source_url": row.get("source_url", "").strip(),
            "notes": row.get("notes", "").strip(),
        }
        _upsert(session, EquipmentLevel, values, changes, "equipment_levels")
    session.flush()
