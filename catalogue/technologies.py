"""Writing technology records into rows and reading them back as public JSON.

The row is derived from the record by one function (`apply_record`), so every path into the
database — seed, import, provider edits, curator approval — indexes a record the same way.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, delete, select

from catalogue.errors import FieldError, InvalidData
from catalogue.models import (
    Direction,
    Provider,
    Section,
    Technology,
    TechnologyDirection,
    TechnologyTag,
    TechnologyVersion,
    utcnow,
)
from catalogue.records import TechnologyRecord

TAG_KINDS = ("industries", "processes", "equipment", "symptoms")
TEXT_FIELDS = ("name_zh", "name_en", "summary", "principle", "key_indicators", "applicability")


def reference_errors(session: Session, record: TechnologyRecord, row: int | None = None) -> list[FieldError]:
    """Codes in the record that the catalogue does not know."""
    errors: list[FieldError] = []
    sections = set(session.exec(select(Section.code)).all())
    directions = set(session.exec(select(Direction.code)).all())
    if record.section not in sections:
        errors.append(FieldError("section", f"unknown section code '{record.section}'", row))
    for code in record.directions:
        if code not in directions:
            errors.append(FieldError("directions", f"unknown direction code '{code}'", row))
    for code in record.industries:
        if code not in sections:
            errors.append(FieldError("industries", f"unknown section code '{code}'", row))
    if record.provider is not None:
        found = session.exec(select(Provider.id).where(Provider.code == record.provider)).first()
        if found is None:
            errors.append(FieldError("provider", f"unknown provider code '{record.provider}'", row))
    return errors


def search_text(record: TechnologyRecord) -> str:
    parts = [record.code]
    parts += [getattr(record, name) or "" for name in TEXT_FIELDS]
    for kind in TAG_KINDS:
        parts += getattr(record, kind)
    return "\n".join(parts).lower()


def new_technology(record: TechnologyRecord) -> Technology:
    """An unsaved row for a record; `apply_record` then fills and indexes it."""
    return Technology(
        code=record.code,
        name_zh=record.name_zh,
        section_code=record.section,
        maturity=record.maturity.value,
        evidence_level=record.evidence_level.value,
        record=record.model_dump(mode="json"),
    )


def apply_record(session: Session, tech: Technology, record: TechnologyRecord) -> Technology:
    """Copy a validated record into the row, its directions and its tags (flushes)."""
    tech.code = record.code
    tech.name_zh = record.name_zh
    tech.name_en = record.name_en
    tech.section_code = record.section
    tech.maturity = record.maturity.value
    tech.evidence_level = record.evidence_level.value
    tech.saving_rate_min = record.saving_rate_pct.min if record.saving_rate_pct else None
    tech.saving_rate_max = record.saving_rate_pct.max if record.saving_rate_pct else None
    tech.payback_min = record.payback_years.min if record.payback_years else None
    tech.payback_max = record.payback_years.max if record.payback_years else None
    tech.investment_min = record.investment_wan_cny.min if record.investment_wan_cny else None
    tech.investment_max = record.investment_wan_cny.max if record.investment_wan_cny else None
    tech.provider_id = None
    if record.provider is not None:
        tech.provider_id = session.exec(select(Provider.id).where(Provider.code == record.provider)).one()
    tech.record = record.model_dump(mode="json")
    tech.search_text = search_text(record)
    tech.updated_at = utcnow()
    session.add(tech)
    session.flush()
    assert tech.id is not None
    session.exec(delete(TechnologyDirection).where(col(TechnologyDirection.technology_id) == tech.id))
    session.exec(delete(TechnologyTag).where(col(TechnologyTag.technology_id) == tech.id))
    for position, code in enumerate(record.directions):
        session.add(TechnologyDirection(technology_id=tech.id, direction_code=code, position=position))
    for kind in TAG_KINDS:
        for value in dict.fromkeys(getattr(record, kind)):
            session.add(TechnologyTag(technology_id=tech.id, kind=kind, value=value))
    session.flush()
    return tech


def record_of(tech: Technology) -> TechnologyRecord:
    return TechnologyRecord.model_validate(tech.record)


def publish(session: Session, tech: Technology, *, by_user: int | None = None, note: str = "") -> TechnologyVersion:
    """Make the row's current record the next published version, keeping every earlier one."""
    now = utcnow()
    tech.version += 1
    tech.status = "published"
    tech.published_at = now
    tech.updated_at = now
    session.add(tech)
    session.flush()
    assert tech.id is not None
    version = TechnologyVersion(
        technology_id=tech.id,
        version=tech.version,
        record=tech.record,
        published_at=now,
        published_by=by_user,
        note=note,
    )
    session.add(version)
    session.flush()
    return version


def technology_public(tech: Technology, provider: Provider | None = None) -> dict[str, Any]:
    """The public JSON of a technology: the record plus its catalogue state."""
    out: dict[str, Any] = dict(tech.record)
    out["status"] = tech.status
    out["version"] = tech.version
    out["provider_name"] = provider.name if provider is not None else None
    out["created_at"] = tech.created_at.isoformat()
    out["updated_at"] = tech.updated_at.isoformat()
    out["published_at"] = tech.published_at.isoformat() if tech.published_at else None
    return out


def parse_record(session: Session, data: Any, row: int | None = None) -> TechnologyRecord:
    """A validated record, or InvalidData listing every bad field (schema and unknown codes)."""
    if not isinstance(data, dict):
        raise InvalidData("a technology record must be a JSON object", [FieldError("(record)", "not an object", row)])
    try:
        record = TechnologyRecord.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(p) for p in err["loc"]) or "(record)", err["msg"], row) for err in exc.errors()
        ]
        raise InvalidData(f"{len(errors)} field(s) are not valid", errors) from exc
    problems = reference_errors(session, record, row)
    if problems:
        raise InvalidData(f"{len(problems)} field(s) refer to unknown codes", problems)
    return record
