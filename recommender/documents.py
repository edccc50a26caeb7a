"""The texts that represent technologies and directions to the lexical and dense retrievers."""

from __future__ import annotations

from recommender.types import DirectionDoc, TechnologyDoc

DIRECTION_PREFIX = "改造方向："


DENSE_MAX_CHARS = 360  # e5-small attends over ≤ 512 tokens, and cost grows with length: keep passages short


def technology_dense_text(t: TechnologyDoc, direction_names: dict[str, str]) -> str:
    """The most telling words only: name, symptoms, equipment, directions and summary."""
    return technology_text(t, direction_names, full=False)[:DENSE_MAX_CHARS]


def technology_text(t: TechnologyDoc, direction_names: dict[str, str], *, full: bool = True) -> str:
    """Most telling words first; the lexical retriever reads everything (`full`)."""
    names = "；".join(direction_names.get(d, "") for d in t.directions)
    parts = [
        f"{t.name_zh}（{t.name_en}）" if t.name_en else t.name_zh,
        "问题：" + "，".join(t.symptoms) if t.symptoms else "",
        "设备：" + "、".join(t.equipment) if t.equipment else "",
        "工序：" + "、".join(t.processes) if t.processes else "",
        DIRECTION_PREFIX + names,
        t.summary,
        t.applicability if full else "",
        t.principle if full else "",
    ]
    return "\n".join(p for p in parts if p)


def direction_text(d: DirectionDoc) -> str:
    return "\n".join(p for p in (f"{d.name_zh}（{d.name_en}）", d.scope_zh, d.section_name_zh) if p)


def direction_name_text(d: DirectionDoc) -> str:
    """The taxonomy-names-only baseline sees nothing but the plan's own wording."""
    return f"{d.name_zh} {d.scope_zh}"
