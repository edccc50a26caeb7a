"""Recommender parts on hand-made data: metrics, benchmark assessment, lexical index, updates."""

from __future__ import annotations

import pytest

from recommender.benchmarks import UnknownProduct, assess, energy_tce
from recommender.evaluation import hit_at, ndcg_at, recall_at
from recommender.hybrid import HybridIndex
from recommender.lexical import CharTfidf
from recommender.types import BenchmarkLevel, DirectionDoc, EnergyUse, ProductInput, Profile, TechnologyDoc

CLINKER = BenchmarkLevel(
    "cement-clinker",
    "水泥熟料",
    "单位产品综合能耗",
    "kgce/t",
    100,
    117,
    True,
    "2025-12-31",
    "723号",
    ("building_materials.efficient_clinker_burning",),
)
BOF = BenchmarkLevel("bof", "转炉工序", "单位产品能耗", "kgce/t", -30, -10, True, "2025-12-31", "723号", ())
YIELD = BenchmarkLevel("yield", "某收率指标", "收率", "%", 95, 90, False, None, "test", ())
LEVELS = [CLINKER, BOF, YIELD]


def test_metrics_on_hand_made_rankings() -> None:
    relevant = {"a": 2, "b": 1}
    assert recall_at(["a", "x", "b"], relevant, 2) == 0.5
    assert recall_at(["x", "y", "a", "b"], relevant, 5) == 1.0
    assert hit_at(["x", "y", "z", "a"], relevant, 3) == 0.0
    assert hit_at(["x", "b"], relevant, 3) == 1.0
    assert ndcg_at(["a", "b"], relevant, 10) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], relevant, 10) == pytest.approx((1 + 3 / 1.5849625) / (3 + 1 / 1.5849625))
    assert ndcg_at(["x", "y"], relevant, 10) == 0.0


@pytest.mark.parametrize(
    ("level", "value", "status"),
    [
        (CLINKER, 100, "at_or_better_than_benchmark"),  # exactly at benchmark
        (CLINKER, 99.5, "at_or_better_than_benchmark"),
        (CLINKER, 110, "between"),
        (CLINKER, 117, "between"),  # exactly at baseline still meets it
        (CLINKER, 117.1, "below_baseline"),
        (BOF, -31, "at_or_better_than_benchmark"),  # negative values, lower is better
        (BOF, -20, "between"),
        (BOF, -5, "below_baseline"),
        (YIELD, 96, "at_or_better_than_benchmark"),  # higher is better
        (YIELD, 92, "between"),
        (YIELD, 89, "below_baseline"),
    ],
)
def test_benchmark_status_at_the_boundaries(level: BenchmarkLevel, value: float, status: str) -> None:
    result = assess(ProductInput(product=level.code, unit_consumption=value), LEVELS)
    assert result.status == status


def test_benchmark_gaps_and_requirement() -> None:
    r = assess(ProductInput(product="水泥熟料", unit_consumption=120, annual_output=1_000_000), LEVELS)
    assert r.gap_to_benchmark == 20 and r.gap_to_benchmark_pct == 20.0
    assert r.gap_to_baseline == 3 and r.gap_to_baseline_pct == pytest.approx(2.56, abs=0.01)
    assert "2025-12-31" in r.requirement and "淘汰" in r.requirement
    assert r.saving_to_benchmark_tce == 20_000.0  # 20 kgce/t x 1 Mt
    assert r.directions == ["building_materials.efficient_clinker_burning"]
    y = assess(ProductInput(product="yield", unit_consumption=92), LEVELS)
    assert y.gap_to_benchmark == 3 and y.gap_to_baseline == -2  # already 2 points better than baseline


def test_unknown_product_is_a_clear_error() -> None:
    with pytest.raises(UnknownProduct, match="未找到产品"):
        assess(ProductInput(product="月饼", unit_consumption=1), LEVELS)


def test_energy_conversion_to_tce() -> None:
    assert energy_tce(None) is None
    assert energy_tce(EnergyUse(electricity_kwh=1_000_000)) == pytest.approx(122.9)
    assert energy_tce(EnergyUse(coal_t=1000, natural_gas_m3=1000)) == pytest.approx(714.3 + 1.2143)


def test_profile_needs_something_to_match() -> None:
    with pytest.raises(ValueError, match="describe the plant"):
        Profile(description="   ")
    with pytest.raises(ValueError):
        Profile(description="很" * 5001)


def test_char_tfidf_handles_chinese_and_updates_in_place() -> None:
    lex = CharTfidf()
    lex.fit(["篦冷机热回收效率低", "燃煤锅炉排烟温度高", "数据中心冷热通道"])
    assert int(lex.scores("锅炉排烟温度太高").argmax()) == 1
    lex.replace(0, "锅炉排烟温度高、烟气余热回收")
    lex.replace(3, "变压器空载损耗大")  # append
    scores = lex.scores("变压器损耗")
    assert lex.size == 4 and int(scores.argmax()) == 3


def _doc(code: str, direction: str, name: str, symptoms: tuple[str, ...], **kw: object) -> TechnologyDoc:
    return TechnologyDoc(
        code=code,
        name_zh=name,
        name_en="",
        section=direction.split(".")[0],
        directions=(direction,),
        symptoms=symptoms,
        **kw,
    )  # type: ignore[arg-type]


DIRS = [
    DirectionDoc("a.cooler", "a", "高效篦冷机", "Grate cooler", "篦冷机热回收"),
    DirectionDoc("b.boiler", "b", "锅炉烟气余热回收", "Boiler flue gas", "锅炉排烟余热"),
    DirectionDoc("c.transformer", "c", "高效变压器", "Transformer", "配电变压器"),
]


def test_lexical_index_ranks_and_explains_without_an_embedder() -> None:
    docs = [
        _doc("t1", "a.cooler", "第四代篦冷机", ("二次风温低",)),
        _doc("t2", "b.boiler", "冷凝式烟气余热回收", ("排烟温度高",)),
    ]
    index = HybridIndex(docs, DIRS, LEVELS)
    rec = index.recommend(Profile(description="锅炉排烟温度高"))
    assert rec.mode == "lexical" and rec.directions[0].code == "b.boiler"
    texts = " ".join(r.text for r in rec.directions[0].technologies[0].reasons)
    assert "排烟温度高" in texts


def test_upsert_changes_the_ranking_without_a_rebuild() -> None:
    docs = [
        _doc("t1", "a.cooler", "第四代篦冷机", ("二次风温低",)),
        _doc("t2", "b.boiler", "冷凝式烟气余热回收", ("排烟温度高",)),
    ]
    index = HybridIndex(docs, DIRS, LEVELS)
    query = Profile(description="配电房变压器空载损耗大")
    assert index.recommend(query).directions[0].code != "c.transformer"
    index.upsert(_doc("t3", "c.transformer", "非晶合金配电变压器", ("空载损耗大", "变压器老旧")))
    assert index.recommend(query).directions[0].code == "c.transformer"
    index.remove("t3")
    assert all(t.code != "t3" for d in index.recommend(query).directions for t in d.technologies)


def test_constraints_filter_known_figures_only() -> None:
    from recommender.types import Figure

    docs = [
        _doc("slow", "b.boiler", "慢回收技术", ("排烟温度高",), payback_years=Figure(8, 10)),
        _doc("unknown", "b.boiler", "回收期未知技术", ("排烟温度高",)),
    ]
    index = HybridIndex(docs, DIRS, LEVELS)
    rec = index.recommend(Profile(description="排烟温度高", constraints={"max_payback_years": 5}))
    shown = {t.code for d in rec.directions for t in d.technologies}
    assert "slow" not in shown and "unknown" in shown
