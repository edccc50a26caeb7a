"""The recommendation wizard's form: raw fields in, a `Profile` or per-field messages out.

Field names in the HTML are the dotted paths of the Profile (`products.0.unit_consumption`,
`energy.coal_t`...), so a validation error's location names the input it belongs to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from recommender.types import Profile

MIN_PRODUCT_ROWS = 3
MAX_PRODUCT_ROWS = 20
PRODUCT_FIELDS = ("product", "annual_output", "unit_consumption")
ENERGY_FIELDS = ("electricity_kwh", "coal_t", "natural_gas_m3", "steam_gj")
CONSTRAINT_FIELDS = ("max_payback_years", "budget_wan_cny")
MAX_FIELD_CHARS = 6000


@dataclass(frozen=True)
class Message:
    """A UI message (Chinese source text, see web.i18n) and the values it names."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class WizardForm:
    """What the person typed, kept as text so the form can be shown again exactly."""

    industry: str = ""
    description: str = ""
    products: list[dict[str, str]] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)
    equipment: list[str] = field(default_factory=list)
    energy: dict[str, str] = field(default_factory=dict)
    constraints: dict[str, str] = field(default_factory=dict)
    shown_rows: int = 0  # product rows the form had, blank ones included

    def product_rows(self, extra: int = 0) -> list[dict[str, str]]:
        rows = list(self.products)
        target = min(MAX_PRODUCT_ROWS, max(MIN_PRODUCT_ROWS, self.shown_rows, len(rows)) + extra)
        while len(rows) < target:
            rows.append(dict.fromkeys(PRODUCT_FIELDS, ""))
        return rows


class WizardInvalid(Exception):
    def __init__(self, errors: dict[str, Message]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:MAX_FIELD_CHARS] if isinstance(value, str) else ""


def _texts(form: FormData, name: str) -> list[str]:
    return [v[:200] for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def read(form: FormData) -> WizardForm:
    rows = 0
    for key in form:
        if key.startswith("products."):
            index = key.split(".")[1]
            if index.isdigit():
                rows = max(rows, int(index) + 1)
    rows = min(rows, MAX_PRODUCT_ROWS)
    products = [{name: _text(form, f"products.{i}.{name}").strip() for name in PRODUCT_FIELDS} for i in range(rows)]
    while products and not any(products[-1].values()):
        products.pop()
    return WizardForm(
        industry=_text(form, "industry").strip(),
        description=_text(form, "description"),
        products=products,
        processes=list(dict.fromkeys(_texts(form, "processes"))),
        equipment=list(dict.fromkeys(_texts(form, "equipment"))),
        energy={name: _text(form, f"energy.{name}").strip() for name in ENERGY_FIELDS},
        constraints={name: _text(form, f"constraints.{name}").strip() for name in CONSTRAINT_FIELDS},
        shown_rows=rows,
    )


class _NotANumber(ValueError):
    pass


def _number(text: str) -> float | None:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError as exc:
        raise _NotANumber(text) from exc
    if not math.isfinite(value):
        raise _NotANumber(text)
    return value


def _message(error: Any) -> Message:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("float_parsing", "float_type", "finite_number"):
        return Message("请输入数字")
    if kind == "greater_than_equal" and ctx.get("ge") == 0:
        return Message("不能为负数")
    if kind == "greater_than":
        return Message("须大于 0")
    if kind == "less_than_equal":
        return Message("不能超过 {n}", {"n": f"{float(ctx.get('le', 0)):g}"})
    if kind == "string_too_long":
        return Message("最多 {n} 个字", {"n": ctx.get("max_length")})
    if kind == "string_pattern_mismatch":
        return Message("请选择有效的行业")
    if kind == "too_long":
        return Message("最多 {n} 项", {"n": ctx.get("max_length")})
    return Message("输入有误")


def to_profile(data: WizardForm, sections: set[str]) -> tuple[Profile, list[int]]:
    """The Profile for a filled-in form, and for each of its products the form row it came from."""
    errors: dict[str, Message] = {}

    def number(name: str, text: str) -> float | None:
        try:
            return _number(text)
        except _NotANumber:
            errors[name] = Message("请输入数字")
            return None

    if data.industry and data.industry not in sections:
        errors["industry"] = Message("请选择有效的行业")
    products: list[dict[str, Any]] = []
    rows: list[int] = []
    for i, row in enumerate(data.products):
        output = number(f"products.{i}.annual_output", row.get("annual_output", ""))
        unit = number(f"products.{i}.unit_consumption", row.get("unit_consumption", ""))
        name = row.get("product", "")
        if not name:
            if output is not None or unit is not None:
                errors[f"products.{i}.product"] = Message("请先选择产品")
            continue
        if unit is None and f"products.{i}.unit_consumption" not in errors:
            errors[f"products.{i}.unit_consumption"] = Message("请填写该产品的单位产品能耗")
        products.append({"product": name, "annual_output": output, "unit_consumption": unit})
        rows.append(i)
    energy = {name: number(f"energy.{name}", data.energy.get(name, "")) for name in ENERGY_FIELDS}
    constraints = {name: number(f"constraints.{name}", data.constraints.get(name, "")) for name in CONSTRAINT_FIELDS}
    payload: dict[str, Any] = {
        "industry": data.industry or None,
        "description": data.description,
        "products": products,
        "processes": data.processes,
        "equipment": data.equipment,
        "energy": energy if any(v is not None for v in energy.values()) else None,
        "constraints": constraints if any(v is not None for v in constraints.values()) else None,
    }
    try:
        profile = Profile.model_validate(payload)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ())]
            if not loc:  # the model-level rule: something to match on
                name = "description"
                message = Message("请填写企业情况描述，或选择产品、工序或设备")
            else:
                if loc[0] == "products" and len(loc) > 1 and loc[1].isdigit():
                    loc[1] = str(rows[int(loc[1])])
                name = ".".join(loc[:3] if loc[0] == "products" else loc[:2])
                message = _message(error)
            errors.setdefault(name, message)
        raise WizardInvalid(errors) from exc
    if errors:
        raise WizardInvalid(errors)
    return profile, rows
