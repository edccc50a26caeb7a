from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from catalogue import io as catalogue_io
from catalogue.db import make_engine, unit_of_work
from catalogue.errors import InvalidData
from catalogue.models import Technology, TechnologyVersion


def _snapshot(url: str) -> list[tuple[str, str, int, dict]]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(Technology).order_by(Technology.code)).all()
        out = [(t.code, t.status, t.version, t.record) for t in rows]
    engine.dispose()
    return out


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_then_import_is_lossless(db_url: str, tmp_path: Path, fmt: str) -> None:
    engine = make_engine(db_url)
    before = _snapshot(db_url)
    with Session(engine) as session:
        content = catalogue_io.dump(catalogue_io.export_items(session), fmt)
        parsed = catalogue_io.parse(content, fmt)
        # Every exported item comes back field for field.
        back = {item["code"]: item for _, item in parsed}
        for code, status, _, record in before:
            item = dict(back[code])
            assert item.pop("status") == status
            validated = catalogue_io.validate_rows(session, [(1, {**item, "status": status})])[0][0]
            assert validated.model_dump(mode="json") == record
    with unit_of_work(engine) as session:
        counts = catalogue_io.import_bytes(session, content, fmt)
    assert counts == {"unchanged": len(before)}
    assert _snapshot(db_url) == before
    engine.dispose()


def _one_item(url: str) -> dict:
    engine = make_engine(url)
    with Session(engine) as session:
        item = catalogue_io.export_items(session)[0]
    engine.dispose()
    return item


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda i: i.update(directions=["steel.no_such_direction"]), "directions"),
        (
            lambda i: i.update(saving_rate_pct={"min": "abc", "max": 5, "source": i["sources"][0]["id"]}),
            "saving_rate_pct.min",
        ),
        (lambda i: i.pop("name_zh"), "name_zh"),
    ],
    ids=["unknown-direction", "non-numeric-saving", "missing-name"],
)
def test_bad_row_rejects_the_whole_import(db_url: str, change, field: str) -> None:  # type: ignore[no-untyped-def]
    good = _one_item(db_url)
    new = json.loads(json.dumps(good))
    new["code"] = "brand-new-entry"
    new["name_zh"] = "全新技术条目"
    bad = json.loads(json.dumps(good))
    bad["code"] = "bad-entry"
    bad["name_zh"] = "有问题的条目"
    change(bad)
    content = json.dumps([new, bad], ensure_ascii=False).encode()
    before = _snapshot(db_url)
    engine = make_engine(db_url)
    with pytest.raises(InvalidData) as caught, unit_of_work(engine) as session:
        catalogue_io.import_bytes(session, content, "json")
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, field)]
    assert _snapshot(db_url) == before  # the good first row was not written either
    engine.dispose()


def test_csv_errors_name_the_spreadsheet_line(sqlite_url: str) -> None:
    item = _one_item(sqlite_url)
    item["code"] = "csv-entry"
    item["name_zh"] = "CSV 条目"
    row = catalogue_io.flatten(item)
    row["payback_years.min"] = "三年"
    row["payback_years.max"] = "4"
    row["payback_years.source"] = item["sources"][0]["id"]
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=catalogue_io.COLUMNS)
    writer.writeheader()
    writer.writerow({k: "" if v is None else v for k, v in row.items()})
    engine = make_engine(sqlite_url)
    with pytest.raises(InvalidData) as caught, unit_of_work(engine) as session:
        catalogue_io.import_bytes(session, buf.getvalue().encode(), "csv")
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "payback_years.min")]
    engine.dispose()


def test_import_of_changed_record_publishes_a_new_version(sqlite_url: str) -> None:
    item = _one_item(sqlite_url)
    item["summary"] = item["summary"][:-1] + "（已修订）"
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        counts = catalogue_io.import_bytes(session, json.dumps([item], ensure_ascii=False).encode(), "json")
    assert counts == {"updated": 1}
    with Session(engine) as session:
        tech = session.exec(select(Technology).where(Technology.code == item["code"])).one()
        versions = session.exec(select(TechnologyVersion).where(TechnologyVersion.technology_id == tech.id)).all()
    assert tech.version == 2 and len(versions) == 2 and tech.record["summary"].endswith("（已修订）")
    engine.dispose()


def test_xlsx_never_writes_formulas() -> None:
    import io

    from openpyxl import load_workbook

    item = {"code": "x", "name_zh": "=SUM(A1)", "summary": "=1+1", "directions": [], "sources": []}
    content = catalogue_io.dump([item], "xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["B2"].value == "=SUM(A1)" and sheet["B2"].data_type == "s"


def test_unsupported_extension_is_a_clear_error() -> None:
    with pytest.raises(InvalidData, match="unsupported file type"):
        catalogue_io.format_of("catalogue.txt")
