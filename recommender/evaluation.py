"""Ranking metrics over labelled profiles: recall@k, hit@k and nDCG@k with graded relevance."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LabelledProfile:
    id: str
    industry: str | None
    description: str
    relevant: dict[str, int]  # direction code -> grade (2 = primary, 1 = also relevant)


def load_profiles(path: Path) -> list[LabelledProfile]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out.append(
                LabelledProfile(
                    str(item.get("id", n)),
                    item.get("industry"),
                    item["description"],
                    {str(k): int(v) for k, v in item["relevant"].items()},
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"line {n}: not a labelled profile ({exc})") from exc
    return out


def recall_at(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def hit_at(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    return 1.0 if set(ranked[:k]) & set(relevant) else 0.0


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    def dcg(grades: Iterable[int]) -> float:
        return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades)))

    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(relevant.get(code, 0) for code in ranked[:k]) / ideal


@dataclass(frozen=True)
class Scores:
    recall_at_5: float
    hit_at_3: float
    ndcg_at_10: float
    n: int

    def line(self, name: str) -> str:
        return f"{name:<16} recall@5 {self.recall_at_5:.3f}  hit@3 {self.hit_at_3:.3f}  nDCG@10 {self.ndcg_at_10:.3f}"


def evaluate(profiles: list[LabelledProfile], rank: Callable[[LabelledProfile], list[str]]) -> Scores:
    if not profiles:
        raise ValueError("no profiles to evaluate")
    r5 = h3 = n10 = 0.0
    for p in profiles:
        ranked = rank(p)
        r5 += recall_at(ranked, p.relevant, 5)
        h3 += hit_at(ranked, p.relevant, 3)
        n10 += ndcg_at(ranked, p.relevant, 10)
    n = len(profiles)
    return Scores(r5 / n, h3 / n, n10 / n, n)
