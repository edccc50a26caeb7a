"""The texts that represent technologies and directions to the lexical and dense retrievers."""

from __future__ import annotations

from recommender.types import DirectionDoc, TechnologyDoc

DIRECTION_PREFIX = "改造方向："


def technology_text(t: TechnologyDoc, direction_names: dict[str, str]) -> str:
    """Most telling words first: the dense model reads a bounded number of tokens."""
    names = "；".join(direction_names.get(d, "") for d in t.directions)
    parts = [
        f"{t.name_zh}（{t.name_en}）" if t.name_en else t.name_zh,
        "问题：" + "，".join(t.symptoms) if t.symptoms else "",
        "设备：" + "、".join(t.equipment) if t.equipment else "",
        "工序：" + "、".join(t.processes) if t.processes else "",
        DIRECTION_PREFIX + names,
        t.summary,
        t.applicability,
        t.principle,
    ]
    return "\n".join(p for p in parts if p)


def direction_text(d: DirectionDoc) -> str:
    return "\n".join(p for p in (f"{d.name_zh}（{d.name_en}）", d.scope_zh, d.section_name_zh) if p)


def direction_name_text(d: DirectionDoc) -> str:
    """The taxonomy-names-only baseline sees nothing but the plan's own wording."""
    return f"{d.name_zh} {d.scope_zh}"
