"""Import and export of technology records as JSON, CSV or XLSX (chosen by file extension).

Imports are all-or-nothing: every row is validated (schema and catalogue references) before
anything is written, and every problem is reported with its row and field.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from catalogue.errors import FieldError, InvalidData
from catalogue.models import Technology
from catalogue.records import FIGURE_FIELDS, SCALAR_FIELDS, TechnologyRecord
from catalogue.technologies import apply_record, new_technology, publish, reference_errors
from catalogue.workflow import Status

FORMATS = ("json", "csv", "xlsx")
SCALAR_COLUMNS = SCALAR_FIELDS
LIST_COLUMNS = ("directions", "industries", "processes", "equipment", "symptoms")
JSON_COLUMNS = ("scale_limits", "cases", "sources")
FIGURE_PARTS = ("min", "max", "reference_scale", "source")
LIST_SEPARATOR = " | "


def _figure_columns() -> list[str]:
    columns = []
    for name in FIGURE_FIELDS:
        parts = (*FIGURE_PARTS, "unit") if name == "specific_saving" else FIGURE_PARTS
        columns += [f"{name}.{part}" for part in parts]
    return columns


COLUMNS: tuple[str, ...] = (*SCALAR_COLUMNS, "status", *LIST_COLUMNS, *_figure_columns(), *JSON_COLUMNS)


def format_of(path: Path | str) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidData(f"unsupported file type '.{fmt}': use .json, .csv or .xlsx")
    return fmt


# ---------------------------------------------------------------- export


def export_items(session: Session, statuses: list[str] | None = None) -> list[dict[str, Any]]:
    stmt = select(Technology).order_by(col(Technology.code))
    if statuses:
        stmt = stmt.where(col(Technology.status).in_(statuses))
    return [{**t.record, "status": t.status} for t in session.exec(stmt).all()]


def flatten(item: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in (*SCALAR_COLUMNS, "status"):
        row[name] = item.get(name)
    for name in LIST_COLUMNS:
        row[name] = LIST_SEPARATOR.join(item.get(name) or [])
    for column in _figure_columns():
        name, part = column.split(".")
        figure = item.get(name)
        row[column] = figure.get(part) if figure else None
    for name in JSON_COLUMNS:
        row[name] = json.dumps(item.get(name) or [], ensure_ascii=False)
    return row


def dump(items: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(items, ensure_ascii=False, indent=2).encode("utf-8")
    rows = [flatten(item) for item in items]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return buffer.getvalue().encode("utf-8-sig")  # BOM so Excel opens Chinese text correctly
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "technologies"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_file(session: Session, path: Path, statuses: list[str] | None = None) -> int:
    items = export_items(session, statuses)
    path.write_bytes(dump(items, format_of(path)))
    return len(items)


# ---------------------------------------------------------------- import


def parse(content: bytes, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows with the number a person would look for: list position for JSON, sheet line otherwise."""
    if fmt == "json":
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidData(f"the file is not valid JSON: {exc}") from exc
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            data = data["items"]
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise InvalidData('a JSON import is a list of technology objects (or {"items": [...]})')
        return [(i, item) for i, item in enumerate(data, start=1)]
    if fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidData("the CSV file must be UTF-8 encoded") from exc
        reader = csv.DictReader(io.StringIO(text))
        return [(line, _unflatten(row)) for line, row in enumerate(reader, start=2)]
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InvalidData(f"the file is not a readable XLSX workbook: {exc}") from exc
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    rows = []
    for line, values in enumerate(lines, start=2):
        if all(v is None or v == "" for v in values):
            continue
        rows.append((line, _unflatten(dict(zip(header, values, strict=False)))))
    workbook.close()
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unflatten(row: dict[str, Any]) -> dict[str, Any]:
    """A spreadsheet row back into a record dict; bad values are left for validation to name."""
    item: dict[str, Any] = {}
    for name in (*SCALAR_COLUMNS, "status"):
        value = row.get(name)
        if not _blank(value):
            item[name] = value.strip() if isinstance(value, str) else value
    for name in LIST_COLUMNS:
        value = row.get(name)
        item[name] = [] if _blank(value) else [v.strip() for v in str(value).split("|") if v.strip()]
    for name in FIGURE_FIELDS:
        parts = (*FIGURE_PARTS, "unit") if name == "specific_saving" else FIGURE_PARTS
        figure = {part: row.get(f"{name}.{part}") for part in parts}
        if all(_blank(v) for v in figure.values()):
            item[name] = None
        else:
            item[name] = {k: (None if _blank(v) else v) for k, v in figure.items()}
    for name in JSON_COLUMNS:
        value = row.get(name)
        if _blank(value):
            item[name] = []
            continue
        try:
            item[name] = json.loads(str(value))
        except json.JSONDecodeError:
            item[name] = str(value)  # validation reports it against the field
    if "trl" in item and isinstance(item["trl"], float) and item["trl"].is_integer():
        item["trl"] = int(item["trl"])
    return item


def validate_rows(session: Session, rows: list[tuple[int, dict[str, Any]]]) -> list[tuple[TechnologyRecord, str]]:
    """Every row checked; raises InvalidData naming each bad row and field, else returns the records."""
    errors: list[FieldError] = []
    out: list[tuple[TechnologyRecord, str]] = []
    seen: dict[str, int] = {}
    allowed_status = {s.value for s in Status}
    for row_number, item in rows:
        item = dict(item)
        status = str(item.pop("status", None) or Status.PUBLISHED.value)
        if status not in allowed_status:
            errors.append(FieldError("status", f"unknown status '{status}'", row_number))
        try:
            record = TechnologyRecord.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(row)"
                errors.append(FieldError(loc, err["msg"], row_number))
            continue
        if record.code in seen:
            errors.append(
                FieldError("code", f"duplicate code '{record.code}' (also row {seen[record.code]})", row_number)
            )
        seen[record.code] = row_number
        errors += reference_errors(session, record, row_number)
        out.append((record, status))
    if errors:
        raise InvalidData(f"{len(errors)} problem(s) found; nothing was imported", errors)
    return out


def import_records(
    session: Session, records: list[tuple[TechnologyRecord, str]], *, by_user: int | None = None
) -> Counter[str]:
    """Upsert by code (flushes; the caller's unit of work commits or rolls back all of it)."""
    counts: Counter[str] = Counter()
    for record, status in records:
        wanted = record.model_dump(mode="json")
        tech = session.exec(select(Technology).where(Technology.code == record.code)).first()
        if tech is not None and tech.record == wanted and tech.status == status:
            counts["unchanged"] += 1
            continue
        counts["updated" if tech is not None else "created"] += 1
        if tech is None:
            tech = new_technology(record)
        changed_content = tech.record != wanted or tech.id is None
        apply_record(session, tech, record)
        if status == Status.PUBLISHED.value and (changed_content or tech.status != status):
            publish(session, tech, by_user=by_user, note="import")
        else:
            tech.status = status
            session.add(tech)
    session.flush()
    return counts


def import_bytes(session: Session, content: bytes, fmt: str, *, by_user: int | None = None) -> Counter[str]:
    records = validate_rows(session, parse(content, fmt))
    return import_records(session, records, by_user=by_user)
