"""Placing an enterprise against the national 标杆 (benchmark) and 基准 (baseline) levels, and
converting its energy use to tonnes of standard coal equivalent."""

from __future__ import annotations

from recommender.types import BenchmarkAssessment, BenchmarkLevel, EnergyUse, ProductInput

# GB/T 2589-2020 综合能耗计算通则: 1 kgce = 29.3076 MJ; electricity at its calorific equivalent
# 0.1229 kgce/kWh; raw coal 0.7143 kgce/kg; natural gas 1.2143 kgce/m³ (mid value of 1.1000–1.3300).
KGCE_PER_KWH = 0.1229
KGCE_PER_KG_COAL = 0.7143
KGCE_PER_M3_GAS = 1.2143
KGCE_PER_GJ = 1000 / 29.3076

STATUS_ZH = {
    "at_or_better_than_benchmark": "达到或优于标杆水平",
    "between": "介于标杆水平与基准水平之间",
    "below_baseline": "未达到基准水平",
}


class UnknownProduct(ValueError):
    """The product names no benchmark level (or several); the message lists what would match."""


def energy_tce(energy: EnergyUse | None) -> float | None:
    if energy is None:
        return None
    parts = [
        (energy.electricity_kwh or 0) * KGCE_PER_KWH,
        (energy.coal_t or 0) * 1000 * KGCE_PER_KG_COAL,
        (energy.natural_gas_m3 or 0) * KGCE_PER_M3_GAS,
        (energy.steam_gj or 0) * KGCE_PER_GJ,
    ]
    total = sum(parts) / 1000
    return total if total > 0 else None


def find_level(product: str, levels: list[BenchmarkLevel]) -> BenchmarkLevel:
    """By code, exact product name, or a product name that only one level contains."""
    wanted = product.strip()
    for level in levels:
        if wanted in (level.code, level.product):
            return level
    partial = [lv for lv in levels if wanted and (wanted in lv.product or lv.product.split("（")[0] == wanted)]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        options = "、".join(f"{lv.product}（{lv.code}）" for lv in partial)
        raise UnknownProduct(f"产品“{wanted}”对应多个能效水平，请选择其一：{options}")
    raise UnknownProduct(f"未找到产品“{wanted}”的能效标杆/基准水平；可用产品见 GET /api/v1/benchmarks")


def _gap(value: float, target: float | None, lower_is_better: bool) -> tuple[float | None, float | None]:
    """How far the value is from reaching the target (positive = still to improve)."""
    if target is None:
        return None, None
    gap = value - target if lower_is_better else target - value
    pct = gap / abs(target) * 100 if target != 0 else None
    return round(gap, 4), (round(pct, 2) if pct is not None else None)


def assess(item: ProductInput, levels: list[BenchmarkLevel]) -> BenchmarkAssessment:
    if item.unit_consumption is None:
        raise UnknownProduct(f"产品“{item.product}”缺少单位产品能耗，无法对标")
    level = find_level(item.product, levels)
    value = item.unit_consumption

    def reaches(target: float | None) -> bool:
        if target is None:
            return False
        return value <= target if level.lower_is_better else value >= target

    if reaches(level.benchmark):
        status = "at_or_better_than_benchmark"
    elif level.baseline is None or reaches(level.baseline):
        status = "between"
    else:
        status = "below_baseline"
    gap_b, gap_b_pct = _gap(value, level.benchmark, level.lower_is_better)
    gap_base, gap_base_pct = _gap(value, level.baseline, level.lower_is_better)
    deadline = level.deadline or "规定期限"
    if status == "below_baseline":
        requirement = (
            f"能效低于基准水平：须在{deadline}前完成节能降碳改造、达到基准水平以上，"
            "未按期完成改造的项目按《产业结构调整指导目录（2024年本）》参照淘汰类管理、依法依规淘汰。"
        )
    elif status == "between":
        requirement = (
            "已达到基准水平但未达标杆水平：鼓励对标标杆水平实施改造；"
            "改造后达到标杆水平的企业可获得节能减排专项资金等重点支持。"
        )
    else:
        requirement = "已达到标杆水平：可申报能效“领跑者”/标杆企业，保持并推广先进做法。"
    saving = None
    if item.annual_output and gap_b is not None and gap_b > 0 and level.unit.startswith("kgce/"):
        saving = round(gap_b * item.annual_output / 1000, 1)  # kgce per unit x units -> tce
    return BenchmarkAssessment(
        product=item.product,
        benchmark_code=level.code,
        indicator=level.indicator,
        unit=level.unit,
        value=value,
        benchmark=level.benchmark,
        baseline=level.baseline,
        lower_is_better=level.lower_is_better,
        status=status,
        status_zh=STATUS_ZH[status],
        gap_to_benchmark=gap_b,
        gap_to_benchmark_pct=gap_b_pct,
        gap_to_baseline=gap_base,
        gap_to_baseline_pct=gap_base_pct,
        requirement=requirement,
        directions=list(level.directions),
        saving_to_benchmark_tce=saving,
    )
