"""The technology form: posted fields <-> a record dict, and validation messages per input.

Input names are the record's dotted paths (`summary`, `saving_rate_pct.min`, `sources.0.url`), so an
error's location names the input it belongs to. What the person typed is kept as text
(`RecordForm`) so the form can be shown again exactly, whatever was wrong with it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from catalogue.errors import FieldError
from catalogue.records import FIGURE_FIELDS, SCALAR_FIELDS, EvidenceLevel, Maturity, TechnologyRecord

TEXT_FIELDS = tuple(f for f in SCALAR_FIELDS if f != "provider")  # the provider is the submitter's organisation
OPTIONAL_TEXT = ("name_en",)
TAG_FIELDS = ("processes", "equipment")  # vocabulary checkboxes plus free text
FIGURE_PARTS = ("min", "max", "reference_scale", "source")
SOURCE_FIELDS = ("id", "kind", "title", "publisher", "edition", "url")
CASE_FIELDS = ("enterprise_type", "scale", "measures", "result", "year", "source")
SCALE_FIELDS = ("parameter", "min", "max", "unit")
ROW_FIELDS: dict[str, tuple[str, ...]] = {"sources": SOURCE_FIELDS, "cases": CASE_FIELDS, "scale_limits": SCALE_FIELDS}
MAX_ROWS = 30
MAX_CHARS = 6000


@dataclass(frozen=True)
class Message:
    """A UI message (Chinese source text, see web.i18n) and the values it names."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)


def figure_parts(name: str) -> tuple[str, ...]:
    return (*FIGURE_PARTS, "unit") if name == "specific_saving" else FIGURE_PARTS


@dataclass
class RecordForm:
    """What the person typed, as text."""

    values: dict[str, str] = field(default_factory=dict)
    directions: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=dict)  # processes/equipment, checked or typed
    symptoms: str = ""
    figures: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def figure(self, name: str) -> dict[str, str]:
        return self.figures.get(name) or dict.fromkeys(figure_parts(name), "")

    def table(self, name: str, extra: int = 1) -> list[dict[str, str]]:
        """The rows to show: what was typed plus `extra` blank ones to fill in."""
        rows = list(self.rows.get(name, []))
        while len(rows) < min(MAX_ROWS, len(self.rows.get(name, [])) + extra):
            rows.append(dict.fromkeys(ROW_FIELDS[name], ""))
        return rows

    def tag_split(self, name: str, vocabulary: list[str]) -> tuple[set[str], str]:
        """Checked vocabulary terms, and the other values as lines for the free-text box."""
        values = self.tags.get(name, [])
        known = set(vocabulary)
        return {v for v in values if v in known}, "\n".join(v for v in values if v not in known)


def blank_form(section: str = "") -> RecordForm:
    return RecordForm(
        values={
            "section": section,
            "maturity": Maturity.PROMOTION.value,
            "evidence_level": EvidenceLevel.DECLARED.value,
        },
        rows={"sources": [{**dict.fromkeys(SOURCE_FIELDS, ""), "id": "S1", "kind": "catalogue"}]},
    )


def as_text(value: Any) -> str:
    """A stored value as the form shows it (35.0 shows as 35)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def from_record(record: dict[str, Any]) -> RecordForm:
    """A stored record as the form shows it."""
    form = RecordForm(
        values={name: as_text(record.get(name)) for name in TEXT_FIELDS},
        directions=list(record.get("directions") or []),
        industries=list(record.get("industries") or []),
        tags={name: list(record.get(name) or []) for name in TAG_FIELDS},
        symptoms="\n".join(record.get("symptoms") or []),
    )
    for name in FIGURE_FIELDS:
        figure = record.get(name) or {}
        form.figures[name] = {part: as_text(figure.get(part)) for part in figure_parts(name)}
    for name, columns in ROW_FIELDS.items():
        form.rows[name] = [{c: as_text(row.get(c)) for c in columns} for row in record.get(name) or []]
    return form


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:MAX_CHARS] if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _picked(form: FormData, name: str) -> list[str]:
    return list(dict.fromkeys(v.strip()[:200] for v in form.getlist(name) if isinstance(v, str) and v.strip()))


def read(form: FormData) -> RecordForm:
    """The posted form, as typed (blank table rows dropped)."""
    out = RecordForm(
        values={name: _text(form, name).strip() for name in TEXT_FIELDS},
        directions=_picked(form, "directions"),
        industries=_picked(form, "industries"),
        symptoms=_text(form, "symptoms"),
    )
    for name in TAG_FIELDS:
        out.tags[name] = list(dict.fromkeys([*_picked(form, name), *_lines(_text(form, f"{name}_other"))]))
    for name in FIGURE_FIELDS:
        out.figures[name] = {part: _text(form, f"{name}.{part}").strip() for part in figure_parts(name)}
    for name, columns in ROW_FIELDS.items():
        count = 0
        prefix = f"{name}."
        for key in form:
            index = key[len(prefix) :].split(".")[0] if key.startswith(prefix) else ""
            if index.isdigit():
                count = max(count, int(index) + 1)
        rows = []
        for i in range(min(count, MAX_ROWS)):
            row = {c: _text(form, f"{name}.{i}.{c}").strip() for c in columns}
            if name == "sources" and not any(row[c] for c in columns if c not in ("id", "kind")):
                continue  # an untouched source row keeps its suggested id and kind but means nothing
            if any(row.values()):
                rows.append(row)
        out.rows[name] = rows
    return out


# ------------------------------------------------------------------ form -> record


class _Bad:
    """A value that could not be converted; validation names it, the form keeps the text."""


def _number(text: str, errors: dict[str, Message], where: str, integer: bool = False) -> Any:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (integer and not value.is_integer()):
        errors[where] = Message("请输入整数") if integer else Message("请输入数字")
        return None
    return int(value) if integer else value


def _optional(text: str) -> str | None:
    return text or None


def to_data(form: RecordForm) -> tuple[dict[str, Any], dict[str, Message]]:
    """The record dict for a filled-in form (blank figures are null) and the numbers that did not parse."""
    errors: dict[str, Message] = {}
    data: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        data[name] = form.get(name)
    for name in OPTIONAL_TEXT:
        data[name] = _optional(data[name])
    data["trl"] = _number(form.get("trl"), errors, "trl", integer=True)
    if not data["maturity"]:
        data.pop("maturity")
    if not data["evidence_level"]:
        data.pop("evidence_level")
    data["directions"] = list(form.directions)
    data["industries"] = list(form.industries)
    for name in TAG_FIELDS:
        data[name] = list(form.tags.get(name, []))
    data["symptoms"] = list(dict.fromkeys(_lines(form.symptoms)))
    for name in FIGURE_FIELDS:
        typed = form.figure(name)
        if not any(typed.values()):
            data[name] = None
            continue
        low = _number(typed["min"], errors, f"{name}.min")
        high = _number(typed["max"], errors, f"{name}.max")
        if low is None and f"{name}.min" not in errors:
            low, high = (high, high) if high is not None else (None, None)
        elif high is None and f"{name}.max" not in errors:
            high = low  # a single value
        figure: dict[str, Any] = {
            "min": low,
            "max": high,
            "reference_scale": _optional(typed["reference_scale"]),
            "source": typed["source"] or None,
        }
        if name == "specific_saving":
            figure["unit"] = typed.get("unit", "")
        data[name] = figure
    data["sources"] = [
        {
            "id": row["id"],
            "kind": row["kind"],
            "title": row["title"],
            "publisher": _optional(row["publisher"]),
            "edition": _optional(row["edition"]),
            "url": _optional(row["url"]),
        }
        for row in form.rows.get("sources", [])
    ]
    data["cases"] = [
        {
            "enterprise_type": row["enterprise_type"],
            "scale": _optional(row["scale"]),
            "measures": row["measures"],
            "result": row["result"],
            "year": _number(row["year"], errors, f"cases.{i}.year", integer=True),
            "source": row["source"] or None,
        }
        for i, row in enumerate(form.rows.get("cases", []))
    ]
    data["scale_limits"] = [
        {
            "parameter": row["parameter"],
            "min": _number(row["min"], errors, f"scale_limits.{i}.min"),
            "max": _number(row["max"], errors, f"scale_limits.{i}.max"),
            "unit": row["unit"],
        }
        for i, row in enumerate(form.rows.get("scale_limits", []))
    ]
    return data, errors


# ------------------------------------------------------------------ messages

LIST_FIELDS = ("directions", "industries", "processes", "equipment", "symptoms")
ROW_LISTS = ("sources", "cases", "scale_limits")


def field_key(loc: list[str]) -> str:
    """The input an error location belongs to: list items of tag fields go to the whole field."""
    if not loc:
        return "(record)"
    if loc[0] in LIST_FIELDS:
        return loc[0]
    if loc[0] in ROW_LISTS and len(loc) >= 3 and loc[1].isdigit():
        return ".".join(loc[:3])
    if loc[0] in FIGURE_FIELDS:
        return ".".join(loc[:2])
    return loc[0]


PATTERN_HINTS = {
    "code": "只能使用小写字母、数字和连字符，例如 waste-heat-boiler",
    "sources.id": "编号只能使用字母、数字、“-”和“_”，最多 20 个字符",
    "processes": "每项最多 40 个字，且不能包含“|”",
    "equipment": "每项最多 40 个字，且不能包含“|”",
    "symptoms": "每项最多 40 个字，且不能包含“|”",
}


def _type_message(key: str, error: dict[str, Any]) -> Message:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    generic = re.sub(r"\.\d+\.", ".", key)
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return Message("必填")
    if kind == "string_type" and error.get("input") is None:
        return Message("必填")
    if kind in ("float_type", "float_parsing") and error.get("input") is None:
        return Message("请填写数值")
    if kind in ("float_type", "float_parsing"):
        return Message("请输入数字")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return Message("请输入整数")
    if kind == "string_too_short":
        return Message("至少 {n} 个字", {"n": ctx.get("min_length")})
    if kind == "string_too_long":
        if key in LIST_FIELDS:
            return Message("每项最多 {n} 个字", {"n": ctx.get("max_length")})
        return Message("最多 {n} 个字", {"n": ctx.get("max_length")})
    if kind == "string_pattern_mismatch":
        return Message(PATTERN_HINTS.get(generic, "请选择有效的选项"))
    if kind in ("enum", "literal_error"):
        return Message("请选择有效的选项")
    if kind in ("greater_than_equal", "greater_than"):
        return Message("不能小于 {n}", {"n": ctx.get("ge", ctx.get("gt"))})
    if kind in ("less_than_equal", "less_than"):
        return Message("不能超过 {n}", {"n": ctx.get("le", ctx.get("lt"))})
    if kind == "too_short" and key == "directions":
        return Message("请至少选择一个改造方向")
    if kind == "too_short" and key == "sources":
        return Message("请至少填写一条来源（编号、类型、标题）")
    if kind == "value_error" and "min must not exceed max" in str(error.get("msg", "")):
        return Message("下限不能大于上限")
    return Message("输入有误：{detail}", {"detail": str(error.get("msg", ""))[:200]})


def _record_rule(message: str, data: dict[str, Any]) -> tuple[str, Message]:
    """The whole-record rules of TechnologyRecord, each put next to the input it concerns."""
    text = message.removeprefix("Value error, ")
    if found := re.match(r"(\w+)\.source '(.*)' is not one of the sources", text):
        return f"{found[1]}.source", Message("来源编号“{id}”不在来源列表中", {"id": found[2]})
    if found := re.match(r"case source '(.*)' is not one of the sources", text):
        for i, case in enumerate(data.get("cases") or []):
            if case.get("source") == found[1]:
                return f"cases.{i}.source", Message("来源编号“{id}”不在来源列表中", {"id": found[1]})
    if text.startswith("source ids must be unique"):
        return "sources", Message("来源编号不能重复")
    if text.startswith("directions contain duplicates"):
        return "directions", Message("改造方向重复")
    if text.startswith("saving_rate_pct must lie"):
        return "saving_rate_pct", Message("节能率须在 0–100 之间")
    if text.startswith("payback_years must lie"):
        return "payback_years", Message("投资回收期须在 0–30 年之间")
    if found := re.match(r"(\w+) must not be negative", text):
        return f"{found[1]}.min", Message("不能为负数")
    return "(record)", Message("输入有误：{detail}", {"detail": text[:200]})


def validate(data: dict[str, Any], errors: dict[str, Message]) -> dict[str, Message]:
    """Per-input messages for everything the record schema rejects (empty when it is valid)."""
    out = dict(errors)
    try:
        TechnologyRecord.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ())]
            if not loc:
                key, message = _record_rule(str(error.get("msg", "")), data)
            else:
                key = field_key(loc)
                message = _type_message(key, dict(error))
            out.setdefault(key, message)
    return out


REFERENCE_MESSAGES = {
    "unknown section code": "未知的行业，请重新选择",
    "unknown direction code": "未知的改造方向，请重新选择",
    "unknown provider code": "未知的机构",
    "already used by a catalogue entry or an open submission": "该代码已被已发布技术或进行中的提交使用，请换一个",
    "cannot change": "技术代码不可更改",
}


def domain_messages(errors: list[FieldError]) -> dict[str, Message]:
    """The catalogue's own field errors (unknown codes, a taken code) as per-input messages."""
    out: dict[str, Message] = {}
    for error in errors:
        key = field_key(error.field.split("."))
        text = next((zh for en, zh in REFERENCE_MESSAGES.items() if error.message.startswith(en)), None)
        out.setdefault(key, Message(text) if text else Message("输入有误：{detail}", {"detail": error.message[:200]}))
    return out


# ------------------------------------------------------------------ labels

FIELD_LABELS: dict[str, str] = {
    "code": "技术代码",
    "name_zh": "中文名称",
    "name_en": "英文名称",
    "section": "所属行业",
    "directions": "改造方向",
    "industries": "适用行业",
    "processes": "工序",
    "equipment": "设备",
    "symptoms": "适用症状",
    "summary": "技术概要",
    "principle": "技术原理",
    "key_indicators": "关键指标",
    "applicability": "适用条件",
    "maturity": "成熟度",
    "trl": "技术就绪度（TRL）",
    "evidence_level": "证据等级",
    "saving_rate_pct": "节能率（%）",
    "specific_saving": "单位产品节能量",
    "annual_saving_tce": "年节能量（tce）",
    "co2_reduction_t": "年减排二氧化碳（tCO₂）",
    "investment_wan_cny": "投资（万元）",
    "payback_years": "投资回收期（年）",
    "sources": "来源",
    "cases": "应用案例",
    "scale_limits": "规模限制",
    "provider": "技术提供方（单位）",
    "(record)": "整条记录",
}
PART_LABELS: dict[str, str] = {
    "min": "下限",
    "max": "上限",
    "reference_scale": "参照规模",
    "source": "来源编号",
    "unit": "单位",
    "id": "编号",
    "kind": "类型",
    "title": "标题",
    "publisher": "发布单位",
    "edition": "版次",
    "url": "网址",
    "enterprise_type": "企业类型",
    "scale": "规模",
    "measures": "措施",
    "result": "效果",
    "year": "年份",
    "parameter": "参数",
}
SOURCE_KIND_LABELS = {"catalogue": "目录", "standard": "标准", "policy": "政策", "case": "案例", "article": "文章"}


@dataclass(frozen=True)
class ErrorLine:
    """One line of the error summary at the top of the form, linking to its input."""

    anchor: str
    label: str
    row: int | None
    part: str
    message: Message


def summary(errors: dict[str, Message]) -> list[ErrorLine]:
    lines = []
    for key, message in errors.items():
        parts = key.split(".")
        row = int(parts[1]) + 1 if len(parts) == 3 and parts[1].isdigit() else None
        part = PART_LABELS.get(parts[-1], "") if len(parts) > 1 else ""
        anchor = "" if key == "(record)" else key.replace(".", "-")
        lines.append(ErrorLine(anchor, FIELD_LABELS.get(parts[0], parts[0]), row, part, message))
    return lines
