"""Hybrid retrieval: dense embeddings and character TF-IDF, fused per technology, aggregated per
retrofit direction, with structured boosts, constraint filters and reasons from the scoring."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from recommender.benchmarks import assess, energy_tce
from recommender.documents import direction_name_text, direction_text, technology_dense_text, technology_text
from recommender.embedders import Embedder
from recommender.lexical import CharTfidf
from recommender.store import VectorStore
from recommender.types import (
    BenchmarkAssessment,
    BenchmarkLevel,
    DirectionDoc,
    DirectionHit,
    Figure,
    Profile,
    Reason,
    Recommendation,
    TechnologyDoc,
    TechnologyHit,
)

log = logging.getLogger("lowcarbon.recommender")
Mode = Literal["hybrid", "lexical", "dense", "names"]
Array = npt.NDArray[np.float32]
Rows = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Weights:
    """Global fusion weights (z-score units). Tuned on the development set as a whole, never per query."""

    # Dense leans ahead: it finds more of the relevant directions (recall), and weighting it 0.6 and
    # the technologies' evidence 0.8 helped both halves of the dev set when tuned on the other half.
    lexical: float = 0.4
    dense: float = 0.6
    technology_share: float = 0.8  # direction score: evidence from its technologies vs its own text
    second_best: float = 0.25  # a direction with two good technologies beats one with a single match
    secondary_penalty: float = 0.35  # a technology speaks less for its secondary directions
    industry: float = 0.6
    equipment: float = 0.35
    process: float = 0.25
    product: float = 0.8


def _z(x: Array) -> Array:
    if x.size == 0:
        return x
    std = float(x.std())
    return ((x - float(x.mean())) / std).astype(np.float32) if std > 1e-9 else np.zeros_like(x)


@lru_cache(maxsize=64)
def _bigrams(query: str) -> frozenset[str]:
    return frozenset(query[i : i + 2] for i in range(len(query) - 1))


@lru_cache(maxsize=4096)
def _shared_part(query: str, term: str) -> str:
    """The longest part of `term` (≥ 2 characters, ≥ 3 if ASCII) found in the lower-cased query,
    leftmost first. Only stretches whose every bigram occurs in the query can hold such a part."""
    low = term.lower()
    bigrams = _bigrams(query)
    run = [0] * (len(low) + 1)  # run[i]: consecutive bigrams from i that occur in the query
    for i in range(len(low) - 2, -1, -1):
        run[i] = run[i + 1] + 1 if low[i : i + 2] in bigrams else 0
    for length in range(max(run) + 1, 1, -1):
        for i in range(len(low) - length + 1):
            if run[i] < length - 1:
                continue
            piece = low[i : i + length]
            if piece.strip() and piece in query and (length >= 3 or not piece.isascii()):
                return term[i : i + length]
    return ""


def _matched_terms(query: str, terms: list[str], limit: int = 4) -> list[str]:
    """Terms of a document that share a substring of ≥ 2 characters with the query (what the
    character n-gram retriever rewards), longest shared part first."""
    q = query.lower()
    found: list[tuple[int, str, str]] = []
    for term in dict.fromkeys(t for t in terms if t):
        best = _shared_part(q, term)
        if best:
            found.append((len(best), best, term))
    found.sort(key=lambda x: -x[0])
    return [f"“{shared}”→{term}" if shared != term else f"“{term}”" for _, shared, term in found[:limit]]


class _GrowableMatrix:
    """A growable float32 matrix: appending a row is amortised O(1) rather than a copy of all rows."""

    def __init__(self, matrix: Array) -> None:
        self._buffer: Array = np.ascontiguousarray(matrix, dtype=np.float32)
        self._n = self._buffer.shape[0]

    @property
    def matrix(self) -> Array:
        return self._buffer[: self._n]

    def put(self, row: int, vector: Array) -> None:
        if row == self._n:
            if self._n == self._buffer.shape[0]:
                grown = np.empty((self._n + self._n // 4 + 64, self._buffer.shape[1]), dtype=np.float32)
                grown[: self._n] = self._buffer[: self._n]
                self._buffer = grown
            self._n += 1
        self._buffer[row] = vector


class _Tagged:
    """Rows carrying each tag (industry, equipment, process), changed one row at a time."""

    def __init__(self, tags_of_rows: list[set[str]]) -> None:
        lists: dict[str, list[int]] = {}
        for row, tags in enumerate(tags_of_rows):
            for tag in tags:
                lists.setdefault(tag, []).append(row)
        self.rows: dict[str, Rows] = {tag: np.asarray(r, dtype=np.int64) for tag, r in lists.items()}

    def move(self, row: int, old: set[str], new: set[str]) -> None:
        for tag in old - new:
            self.rows[tag] = self.rows[tag][self.rows[tag] != row]
        for tag in new - old:
            self.rows[tag] = np.append(self.rows.get(tag, np.zeros(0, dtype=np.int64)), row)


class _Membership:
    """(technology, direction) pairs as one array ordered by direction, so that a direction's members
    are a slice and its best and second-best members are `reduceat`s: no per-query sort or loop."""

    def __init__(self, n_directions: int, directions_of_rows: list[list[int]]) -> None:
        lists: list[list[int]] = [[] for _ in range(n_directions)]
        secondary: list[list[bool]] = [[] for _ in range(n_directions)]
        for row, dirs in enumerate(directions_of_rows):
            for rank, k in enumerate(dirs):
                lists[k].append(row)
                secondary[k].append(rank > 0)
        self._rows = [np.asarray(r, dtype=np.int64) for r in lists]
        self._secondary = [np.asarray(s, dtype=bool) for s in secondary]
        self._of_row = {row: dirs for row, dirs in enumerate(directions_of_rows)}
        self._flatten()

    def _flatten(self) -> None:
        self.tech: Rows = np.concatenate(self._rows) if self._rows else np.zeros(0, dtype=np.int64)
        self.secondary = np.concatenate(self._secondary) if self._secondary else np.zeros(0, dtype=bool)
        self.length = np.fromiter((r.size for r in self._rows), dtype=np.int64, count=len(self._rows))
        self.start = np.r_[0, np.cumsum(self.length)[:-1]].astype(np.int64)
        self.filled = np.flatnonzero(self.length)  # directions with at least one member

    def members(self, k: int) -> Rows:
        return self.tech[self.start[k] : self.start[k] + self.length[k]]

    def move(self, row: int, directions: list[int]) -> None:
        for k in self._of_row.get(row, []):
            keep = self._rows[k] != row
            self._rows[k], self._secondary[k] = self._rows[k][keep], self._secondary[k][keep]
        for rank, k in enumerate(directions):
            self._rows[k] = np.append(self._rows[k], row)
            self._secondary[k] = np.append(self._secondary[k], rank > 0)
        self._of_row[row] = directions
        self._flatten()


class HybridIndex:
    def __init__(
        self,
        technologies: list[TechnologyDoc],
        directions: list[DirectionDoc],
        benchmarks: list[BenchmarkLevel],
        *,
        embedder: Embedder | None = None,
        store: VectorStore | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.embedder = embedder
        self.store = store
        self.weights = weights or Weights()
        self.directions = list(directions)
        self.direction_pos = {d.code: i for i, d in enumerate(self.directions)}
        self.direction_names = {d.code: d.name_zh for d in self.directions}
        self.section_names = {d.section: d.section_name_zh or d.section for d in self.directions}
        self.benchmarks = list(benchmarks)
        self._lock = threading.RLock()
        self.encoded_on_build = 0
        self._build(technologies)

    # ------------------------------------------------------------ building and updating

    @property
    def mode(self) -> str:
        return "hybrid" if self.embedder is not None else "lexical"

    @property
    def size(self) -> int:
        return int(self._active.sum())

    def _encode(self, texts: list[str]) -> Array:
        assert self.embedder is not None
        if self.store is not None:
            vectors, encoded = self.store.vectors_for(texts, self.embedder)
            self.encoded_on_build += encoded
            return vectors
        self.encoded_on_build += len(texts)
        return self.embedder.encode_passages(texts)

    def _direction_rows(self, t: TechnologyDoc) -> list[int]:
        return [self.direction_pos[code] for code in dict.fromkeys(t.directions) if code in self.direction_pos]

    @staticmethod
    def _industries(t: TechnologyDoc) -> set[str]:
        return {t.section, *t.industries}

    @staticmethod
    def _equipment(t: TechnologyDoc) -> set[str]:
        return {tag.lower() for tag in t.equipment}

    @staticmethod
    def _processes(t: TechnologyDoc) -> set[str]:
        return {tag.lower() for tag in t.processes}

    def _build(self, technologies: list[TechnologyDoc]) -> None:
        docs = [t for t in technologies if any(d in self.direction_pos for d in t.directions)]
        self._docs = docs
        self._position = {t.code: i for i, t in enumerate(docs)}
        self._active = np.ones(len(docs), dtype=bool)
        self._tech_lex = CharTfidf()
        self._tech_lex.fit([technology_text(t, self.direction_names) for t in docs])
        self._dir_lex = CharTfidf()
        self._dir_lex.fit([direction_text(d) for d in self.directions])
        self._names_lex = CharTfidf()
        self._names_lex.fit([direction_name_text(d) for d in self.directions])
        if self.embedder is not None:
            dense_texts = [technology_dense_text(t, self.direction_names) for t in docs]
            empty = np.zeros((0, self.embedder.dim), np.float32)
            self._vectors = _GrowableMatrix(self._encode(dense_texts) if dense_texts else empty)
            self._dir_vecs = self._encode([direction_text(d) for d in self.directions])
            if self.store is not None:
                self.store.save()
        self._members = _Membership(len(self.directions), [self._direction_rows(t) for t in docs])
        self._industry_rows = _Tagged([self._industries(t) for t in docs])
        self._equipment_rows = _Tagged([self._equipment(t) for t in docs])
        self._process_rows = _Tagged([self._processes(t) for t in docs])
        nan = float("nan")
        self._payback_min = np.array([t.payback_years.min if t.payback_years else nan for t in docs], np.float32)
        self._invest_min = np.array(
            [t.investment_wan_cny.min if t.investment_wan_cny else nan for t in docs], np.float32
        )

    def upsert(self, doc: TechnologyDoc) -> None:
        """Add or replace one technology: one encode, one lexical transform and updates of the
        affected rows only, no rebuild."""
        with self._lock:
            text = technology_text(doc, self.direction_names)
            vec = self._encode([technology_dense_text(doc, self.direction_names)]) if self.embedder else None
            nan = float("nan")
            payback = doc.payback_years.min if doc.payback_years else nan
            invest = doc.investment_wan_cny.min if doc.investment_wan_cny else nan
            row = self._position.get(doc.code)
            old = self._docs[row] if row is not None else None
            if row is None:
                row = len(self._docs)
                self._docs.append(doc)
                self._position[doc.code] = row
                self._active = np.append(self._active, True)
                self._payback_min = np.append(self._payback_min, np.float32(payback))
                self._invest_min = np.append(self._invest_min, np.float32(invest))
            else:
                self._docs[row] = doc
                self._active[row] = True
                self._payback_min[row], self._invest_min[row] = payback, invest
            if vec is not None:
                self._vectors.put(row, vec[0])
            self._tech_lex.replace(row, text)
            self._members.move(row, self._direction_rows(doc))
            for tagged, tags_of in (
                (self._industry_rows, self._industries),
                (self._equipment_rows, self._equipment),
                (self._process_rows, self._processes),
            ):
                tagged.move(row, tags_of(old) if old else set(), tags_of(doc))
            if self.store is not None:
                self.store.save()

    def remove(self, code: str) -> None:
        with self._lock:
            row = self._position.get(code)
            if row is not None:
                self._active[row] = False

    # ------------------------------------------------------------ scoring

    def _query_text(self, profile: Profile) -> str:
        extra = [p.product for p in profile.products] + list(profile.processes) + list(profile.equipment)
        return " ".join([profile.description, *extra]).strip()

    def technology_scores(self, profile: Profile, mode: Mode = "hybrid") -> tuple[Array, Array, Array]:
        """(fused, lexical raw, dense raw) per technology row."""
        text = self._query_text(profile)
        n = len(self._docs)
        lex = self._tech_lex.scores(text)[:n] if mode in ("hybrid", "lexical") else np.zeros(n, np.float32)
        dense = np.zeros(n, np.float32)
        use_dense = mode in ("hybrid", "dense") and self.embedder is not None
        if use_dense:
            assert self.embedder is not None
            self._last_query_vec = self.embedder.encode_query(text)
            # Not `@`: a matrix-vector product would wake OpenBLAS's thread pool, whose spinning threads
            # then fight the embedder's OpenMP threads for the cores (the floor doubled on 2 cores).
            # einsum runs on this thread and is as fast here, the product being memory-bound.
            dense = np.einsum("ij,j->i", self._vectors.matrix, self._last_query_vec)
        w = self.weights
        if mode == "lexical" or not use_dense:
            fused = _z(lex)
        elif mode == "dense":
            fused = _z(dense)
        else:
            fused = (w.lexical * _z(lex) + w.dense * _z(dense)).astype(np.float32)
        return fused, lex, dense

    def recommend(
        self, profile: Profile, *, mode: Mode = "hybrid", top: int = 15, per_direction: int = 3
    ) -> Recommendation:
        with self._lock:
            assessments = [assess(p, self.benchmarks) for p in profile.products if p.unit_consumption is not None]
            if mode == "names":
                return self._names_only(profile, assessments, top)
            w = self.weights
            text = self._query_text(profile)
            fused, lex, dense = self.technology_scores(profile, mode)
            score = fused + self._boosts(profile, len(fused))
            allowed = self._active.copy()
            constraints = profile.constraints
            if constraints is not None:
                # Unknown figures do not exclude a technology; known ones outside the limits do.
                with np.errstate(invalid="ignore"):
                    if constraints.max_payback_years:
                        allowed &= ~(self._payback_min > constraints.max_payback_years)
                    if constraints.budget_wan_cny:
                        allowed &= ~(self._invest_min > constraints.budget_wan_cny)
            score = np.where(allowed, score, -np.inf).astype(np.float32)
            from_techs = self._direction_evidence(score)
            n_dir = len(self.directions)

            dir_lex = self._dir_lex.scores(text) if mode in ("hybrid", "lexical") else np.zeros(n_dir, np.float32)
            dir_dense = np.zeros(n_dir, np.float32)
            if mode in ("hybrid", "dense") and self.embedder is not None:
                dir_dense = self._dir_vecs @ self._last_query_vec
            if mode == "lexical" or self.embedder is None:
                own = _z(dir_lex)
            elif mode == "dense":
                own = _z(dir_dense)
            else:
                own = w.lexical * _z(dir_lex) + w.dense * _z(dir_dense)
            dir_score = w.technology_share * from_techs + (1 - w.technology_share) * own
            dir_reasons: dict[int, list[Reason]] = {}
            for k, d in enumerate(self.directions):
                reasons = []
                if profile.industry and d.section == profile.industry:
                    dir_score[k] += w.industry
                    reasons.append(Reason("industry", f"属于所选行业（{d.section_name_zh or d.section}）的改造方向"))
                for a in assessments:
                    if d.code in a.directions:
                        dir_score[k] += w.product * (1.0 if a.status != "at_or_better_than_benchmark" else 0.5)
                        reasons.append(Reason("product", f"产品“{a.product}”{a.status_zh}，此方向针对该产品能效"))
                if reasons:
                    dir_reasons[k] = reasons

            order = np.argsort(-dir_score)[:top]
            energy = energy_tce(profile.energy)
            hits = []
            for k in order:
                d = self.directions[int(k)]
                reasons = list(dir_reasons.get(int(k), []))
                own_terms = _matched_terms(text, [d.name_zh, *d.scope_zh.replace("，", "、").split("、")])
                if own_terms and mode != "dense":
                    reasons.append(Reason("lexical", "方向名称/范围匹配：" + "，".join(own_terms)))
                techs = self._technologies_for(int(k), score, lex, dense, text, profile, per_direction, energy, mode)
                if techs:
                    reasons.append(
                        Reason("technology", f"最匹配的技术：{techs[0].name_zh}（匹配度 {techs[0].score:.2f}）")
                    )
                    reasons.extend(r for r in techs[0].reasons if r.kind in ("lexical", "semantic"))
                hits.append(
                    DirectionHit(d.code, d.name_zh, d.name_en, d.section, round(float(dir_score[k]), 4), reasons, techs)
                )
            return Recommendation(hits, assessments, energy, "hybrid" if self.embedder is not None else "lexical")

    def _boosts(self, profile: Profile, n: int) -> Array:
        """Structured evidence: declared industry, equipment and process tags (vectorised)."""
        w = self.weights
        boost = np.zeros(n, dtype=np.float32)
        industry = self._industry_rows.rows.get(profile.industry or "")
        if industry is not None:
            boost[industry] += w.industry
        for wanted, tagged, weight in (
            (profile.equipment, self._equipment_rows, w.equipment),
            (profile.processes, self._process_rows, w.process),
        ):
            hits = np.zeros(n, dtype=np.float32)
            for tag in {x.lower() for x in wanted}:
                rows = tagged.rows.get(tag)
                if rows is not None:
                    hits[rows] += 1
            boost += weight * np.minimum(hits, 2)
        return boost

    def _direction_evidence(self, score: Array) -> Array:
        """Per direction: its best member technology plus a share of the second best."""
        w = self.weights
        m = self._members
        finite = np.isfinite(score)
        floor = np.float32(score[finite].min() if finite.any() else 0.0)
        best = np.full(len(self.directions), floor, dtype=np.float32)
        second = best.copy()
        if m.tech.size:
            member = score[m.tech] - np.float32(w.secondary_penalty) * m.secondary
            member = np.where(np.isfinite(member), member, floor).astype(np.float32)
            starts = m.start[m.filled]
            top = np.maximum(np.maximum.reduceat(member, starts), floor)
            # Set aside one best member per direction; the maximum of the rest is the second best.
            is_top = member == np.repeat(top, m.length[m.filled])
            first = np.minimum.reduceat(np.where(is_top, np.arange(member.size), member.size), starts)
            rest = member.copy()
            rest[first[first < member.size]] = floor
            best[m.filled] = top
            second[m.filled] = np.maximum(np.maximum.reduceat(rest, starts), floor)
        return best + w.second_best * (second - floor)

    def _structured_reasons(self, t: TechnologyDoc, profile: Profile) -> list[Reason]:
        reasons = []
        if profile.industry and profile.industry in (t.section, *t.industries):
            name = self.section_names.get(profile.industry, profile.industry)
            reasons.append(Reason("industry", f"适用于所选行业（{name}）"))
        wanted_equipment = {e.lower() for e in profile.equipment}
        eq = [e for e in t.equipment if e.lower() in wanted_equipment]
        if eq:
            reasons.append(Reason("equipment", "设备匹配：" + "、".join(eq)))
        wanted_process = {p.lower() for p in profile.processes}
        pr = [p for p in t.processes if p.lower() in wanted_process]
        if pr:
            reasons.append(Reason("process", "工序匹配：" + "、".join(pr)))
        return reasons

    def _technologies_for(
        self,
        k: int,
        score: Array,
        lex: Array,
        dense: Array,
        text: str,
        profile: Profile,
        limit: int,
        energy: float | None,
        mode: Mode,
    ) -> list[TechnologyHit]:
        members = self._members.members(k)
        members = members[np.isfinite(score[members])]
        if members.size > limit > 0:
            members = members[np.argpartition(-score[members], limit - 1)[:limit]]
        members = members[np.argsort(-score[members], kind="stable")][:limit]
        out = []
        for i in members:
            t = self._docs[int(i)]
            reasons = self._structured_reasons(t, profile)
            if mode != "dense":
                terms = _matched_terms(text, [t.name_zh, *t.symptoms, *t.equipment, *t.processes])
                if terms and lex[i] > 0:
                    reasons.append(Reason("lexical", f"文字匹配（{lex[i]:.2f}）：" + "，".join(terms)))
            if mode != "lexical" and self.embedder is not None:
                reasons.append(Reason("semantic", f"语义相似度 {float(dense[i]):.2f}"))
            estimate, basis = None, None
            if energy and t.saving_rate_pct:
                estimate = Figure(
                    round(energy * t.saving_rate_pct.min / 100, 1), round(energy * t.saving_rate_pct.max / 100, 1)
                )
                basis = (
                    f"企业年综合能耗约 {energy:.0f} tce × 技术节能率 {t.saving_rate_pct.min:g}–"
                    f"{t.saving_rate_pct.max:g}%（上限估算：假定技术覆盖全部所填能耗）"
                )
            out.append(
                TechnologyHit(
                    t.code,
                    t.name_zh,
                    t.name_en,
                    round(float(score[i]), 4),
                    reasons,
                    t.saving_rate_pct,
                    t.payback_years,
                    t.investment_wan_cny,
                    estimate,
                    basis,
                )
            )
        return out

    def _names_only(self, profile: Profile, assessments: list[BenchmarkAssessment], top: int) -> Recommendation:
        text = self._query_text(profile)
        s = self._names_lex.scores(text)
        order = np.argsort(-s)[:top]
        hits = [
            DirectionHit(
                self.directions[int(k)].code,
                self.directions[int(k)].name_zh,
                self.directions[int(k)].name_en,
                self.directions[int(k)].section,
                round(float(s[k]), 4),
            )
            for k in order
        ]
        return Recommendation(hits, assessments, energy_tce(profile.energy), "names")


def timed_build(*args: object, **kwargs: object) -> tuple[HybridIndex, float]:
    start = time.perf_counter()
    index = HybridIndex(*args, **kwargs)  # type: ignore[arg-type]
    return index, time.perf_counter() - start
