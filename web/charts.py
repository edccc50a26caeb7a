"""Geometry for the inline SVG charts. Templates draw them (so every label goes through autoescape);
this module only computes positions, so it is pure and easy to test."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

WIDTH = 600
LEFT, RIGHT = 24, 576
BAND_Y, BAND_H = 46, 22


@dataclass(frozen=True)
class Zone:
    x: float
    width: float
    kind: str  # good | mid | bad


@dataclass(frozen=True)
class Mark:
    x: float
    value: float
    anchor: str  # start | middle | end: keeps labels inside the drawing


@dataclass(frozen=True)
class BenchmarkChart:
    """An enterprise's value on a scale with the 标杆 and 基准 levels and the zones they bound."""

    width: int
    height: int
    band_y: int
    band_h: int
    zones: list[Zone]
    value: Mark
    benchmark: Mark | None
    baseline: Mark | None
    lower_is_better: bool
    status: str


def _anchor(x: float) -> str:
    if x < LEFT + 40:
        return "start"
    if x > RIGHT - 40:
        return "end"
    return "middle"


def benchmark_chart(assessment: dict[str, Any]) -> BenchmarkChart | None:
    """The chart for one benchmark assessment (as stored in a recommendation run), or None without levels."""
    value = assessment.get("value")
    benchmark = assessment.get("benchmark")
    baseline = assessment.get("baseline")
    lower = bool(assessment.get("lower_is_better", True))
    if value is None or (benchmark is None and baseline is None):
        return None
    points = [float(v) for v in (value, benchmark, baseline) if v is not None]
    low, high = min(points), max(points)
    spread = high - low or abs(high) * 0.2 or 1.0
    low, high = low - spread * 0.25, high + spread * 0.25

    def x(v: float) -> float:
        return round(LEFT + (v - low) / (high - low) * (RIGHT - LEFT), 1)

    b = float(benchmark) if benchmark is not None else None
    base = float(baseline) if baseline is not None else None
    # Cut points left to right and the zone kinds between them (the better side depends on the indicator).
    if lower:
        cuts, kinds = [b, base], ["good", "mid", "bad"]
    else:
        cuts, kinds = [base, b], ["bad", "mid", "good"]
    # Without one of the levels, the side of the other that has not reached the benchmark is "mid".
    if b is None:
        kinds = ["mid", "bad"] if lower else ["bad", "mid"]
    elif base is None:
        kinds = ["good", "mid"] if lower else ["mid", "good"]
    bounds = [low, *[c for c in cuts if c is not None], high]
    edges = [(bounds[i], bounds[i + 1], kinds[i]) for i in range(len(bounds) - 1)]
    zones = [Zone(x(a), round(x(c) - x(a), 1), kind) for a, c, kind in edges if c > a]

    def mark(v: float | None) -> Mark | None:
        return None if v is None else Mark(x(v), v, _anchor(x(v)))

    value_mark = Mark(x(float(value)), float(value), _anchor(x(float(value))))
    return BenchmarkChart(
        width=WIDTH,
        height=112,
        band_y=BAND_Y,
        band_h=BAND_H,
        zones=zones,
        value=value_mark,
        benchmark=mark(b),
        baseline=mark(base),
        lower_is_better=lower,
        status=str(assessment.get("status", "")),
    )


@dataclass(frozen=True)
class Point:
    n: int
    x: float
    y: float
    name: str
    code: str
    payback: float
    saving: float


@dataclass(frozen=True)
class ScatterChart:
    """Recommended technologies by payback (x) and saving rate (y): the upper left is the sweet spot."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[Point]
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)


def _mid(figure: Any) -> float | None:
    if not isinstance(figure, dict) or figure.get("min") is None or figure.get("max") is None:
        return None
    return (float(figure["min"]) + float(figure["max"])) / 2


def _nice_ticks(top: float, most: int = 5) -> list[float]:
    """Round tick values from 0 past `top` (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    top = max(top, 1e-9)
    magnitude = 10 ** math.floor(math.log10(top / most))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if top / (m * magnitude) <= most)
    count = math.ceil(top / step - 1e-9)
    return [round(step * i, 6) for i in range(count + 1)]


def savings_payback_chart(directions: list[dict[str, Any]], limit: int = 12) -> ScatterChart | None:
    """Up to `limit` distinct technologies of a result that quote both a payback and a saving rate."""
    seen: set[str] = set()
    raw: list[tuple[str, str, float, float]] = []
    for direction in directions:
        for tech in direction.get("technologies", []):
            payback, saving = _mid(tech.get("payback_years")), _mid(tech.get("saving_rate_pct"))
            if payback is None or saving is None or tech["code"] in seen:
                continue
            seen.add(tech["code"])
            raw.append((tech["code"], tech["name_zh"], payback, saving))
    if len(raw) < 2:
        return None
    raw = raw[:limit]
    left, right, top, bottom = 48, 580, 16, 220
    x_values = _nice_ticks(max(p for _, _, p, _ in raw) * 1.05)
    y_values = _nice_ticks(max(s for _, _, _, s in raw) * 1.05)
    x_max, y_max = x_values[-1] or 1.0, y_values[-1] or 1.0
    points = [
        Point(
            n=i + 1,
            x=round(left + p / x_max * (right - left), 1),
            y=round(bottom - s / y_max * (bottom - top), 1),
            name=name,
            code=code,
            payback=p,
            saving=s,
        )
        for i, (code, name, p, s) in enumerate(raw)
    ]
    x_ticks = [(round(left + t / x_max * (right - left), 1), f"{t:g}") for t in x_values]
    y_ticks = [(round(bottom - t / y_max * (bottom - top), 1), f"{t:g}") for t in y_values]
    return ScatterChart(600, 256, left, right, top, bottom, points, x_ticks, y_ticks)
