"""Hybrid retrieval: dense embeddings and character TF-IDF, fused per technology, aggregated per
retrofit direction, with structured boosts, constraint filters and reasons from the scoring."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
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


@dataclass(frozen=True)
class Weights:
    """Global fusion weights (z-score units). Tuned on the development set as a whole, never per query."""

    lexical: float = 0.5
    dense: float = 0.5
    technology_share: float = 0.65  # direction score: evidence from its technologies vs its own text
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


def _matched_terms(query: str, terms: list[str], limit: int = 4) -> list[str]:
    """Terms of a document that share a substring of ≥ 2 characters with the query (what the
    character n-gram retriever rewards), longest shared part first."""
    q = query.lower()
    found: list[tuple[int, str, str]] = []
    for term in dict.fromkeys(t for t in terms if t):
        low = term.lower()
        best = ""
        for length in range(len(low), 1, -1):
            for i in range(len(low) - length + 1):
                piece = low[i : i + length]
                if piece.strip() and piece in q and (length >= 3 or not piece.isascii()):
                    best = term[i : i + length]
                    break
            if best:
                break
        if best:
            found.append((len(best), best, term))
    found.sort(key=lambda x: -x[0])
    return [f"“{shared}”→{term}" if shared != term else f"“{term}”" for _, shared, term in found[:limit]]


@dataclass
class _Corpus:
    docs: list[TechnologyDoc] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    active: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))


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
        self.benchmarks = list(benchmarks)
        self._lock = threading.RLock()
        self._corpus = _Corpus()
        self.encoded_on_build = 0
        self._build(technologies)

    # ------------------------------------------------------------ building and updating

    @property
    def mode(self) -> str:
        return "hybrid" if self.embedder is not None else "lexical"

    @property
    def size(self) -> int:
        return int(self._corpus.active.sum())

    def _encode(self, texts: list[str]) -> Array:
        assert self.embedder is not None
        if self.store is not None:
            vectors, encoded = self.store.vectors_for(texts, self.embedder)
            self.encoded_on_build += encoded
            return vectors
        self.encoded_on_build += len(texts)
        return self.embedder.encode_passages(texts)

    def _build(self, technologies: list[TechnologyDoc]) -> None:
        docs = [t for t in technologies if any(d in self.direction_pos for d in t.directions)]
        texts = [technology_text(t, self.direction_names) for t in docs]
        self._tech_lex = CharTfidf()
        self._tech_lex.fit(texts or [" "])
        dense_texts = [technology_dense_text(t, self.direction_names) for t in docs]
        self._dir_lex = CharTfidf()
        self._dir_lex.fit([direction_text(d) for d in self.directions])
        self._names_lex = CharTfidf()
        self._names_lex.fit([direction_name_text(d) for d in self.directions])
        self._corpus = _Corpus(docs, {t.code: i for i, t in enumerate(docs)}, np.ones(len(docs), dtype=bool))
        if self.embedder is not None:
            self._tech_vecs = self._encode(dense_texts) if dense_texts else np.zeros((0, self.embedder.dim), np.float32)
            self._dir_vecs = self._encode([direction_text(d) for d in self.directions])
            if self.store is not None:
                self.store.save()
        self._rebuild_membership()

    def _rebuild_membership(self) -> None:
        """Direction membership as index arrays: (technology row, direction row, is_primary)."""
        rows, cols, primary = [], [], []
        for i, t in enumerate(self._corpus.docs):
            for k, code in enumerate(t.directions):
                if code in self.direction_pos:
                    rows.append(i)
                    cols.append(self.direction_pos[code])
                    primary.append(k == 0)
        self._m_tech = np.asarray(rows, dtype=np.int64)
        self._m_dir = np.asarray(cols, dtype=np.int64)
        self._m_primary = np.asarray(primary, dtype=bool)
        docs = self._corpus.docs
        n = len(docs)
        self._industry_mask: dict[str, npt.NDArray[np.bool_]] = {}
        self._equipment_rows: dict[str, list[int]] = {}
        self._process_rows: dict[str, list[int]] = {}
        for i, t in enumerate(docs):
            for code in {t.section, *t.industries}:
                self._industry_mask.setdefault(code, np.zeros(n, dtype=bool))[i] = True
            for tag in t.equipment:
                self._equipment_rows.setdefault(tag.lower(), []).append(i)
            for tag in t.processes:
                self._process_rows.setdefault(tag.lower(), []).append(i)
        nan = float("nan")
        self._payback_min = np.array([t.payback_years.min if t.payback_years else nan for t in docs], np.float32)
        self._invest_min = np.array(
            [t.investment_wan_cny.min if t.investment_wan_cny else nan for t in docs], np.float32
        )

    def upsert(self, doc: TechnologyDoc) -> None:
        """Add or replace one technology: one encode and one lexical transform, no rebuild."""
        with self._lock:
            text = technology_text(doc, self.direction_names)
            dense_text = technology_dense_text(doc, self.direction_names)
            vec = self._encode([dense_text]) if self.embedder is not None else None
            corpus = self._corpus
            index = corpus.position.get(doc.code, len(corpus.docs))
            docs = list(corpus.docs)
            active = corpus.active
            if index == len(docs):
                docs.append(doc)
                active = np.append(active, True)
                if vec is not None:
                    self._tech_vecs = np.vstack([self._tech_vecs, vec])
            else:
                docs[index] = doc
                active = active.copy()
                active[index] = True
                if vec is not None:
                    self._tech_vecs = self._tech_vecs.copy()
                    self._tech_vecs[index] = vec[0]
            self._tech_lex.replace(index, text)
            self._corpus = _Corpus(docs, {**corpus.position, doc.code: index}, active)
            self._rebuild_membership()
            if self.store is not None:
                self.store.save()

    def remove(self, code: str) -> None:
        with self._lock:
            index = self._corpus.position.get(code)
            if index is not None:
                active = self._corpus.active.copy()
                active[index] = False
                self._corpus = replace(self._corpus, active=active)

    # ------------------------------------------------------------ scoring

    def _query_text(self, profile: Profile) -> str:
        extra = [p.product for p in profile.products] + list(profile.processes) + list(profile.equipment)
        return " ".join([profile.description, *extra]).strip()

    def technology_scores(self, profile: Profile, mode: Mode = "hybrid") -> tuple[Array, Array, Array]:
        """(fused, lexical raw, dense raw) per technology row."""
        text = self._query_text(profile)
        n = len(self._corpus.docs)
        lex = self._tech_lex.scores(text)[:n] if mode in ("hybrid", "lexical") else np.zeros(n, np.float32)
        dense = np.zeros(n, np.float32)
        use_dense = mode in ("hybrid", "dense") and self.embedder is not None
        if use_dense:
            assert self.embedder is not None
            self._last_query_vec = self.embedder.encode_query(text)
            dense = self._tech_vecs @ self._last_query_vec
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
            corpus = self._corpus
            assessments = [assess(p, self.benchmarks) for p in profile.products if p.unit_consumption is not None]
            if mode == "names":
                return self._names_only(profile, assessments, top)
            w = self.weights
            text = self._query_text(profile)
            fused, lex, dense = self.technology_scores(profile, mode)
            score = fused + self._boosts(profile, len(fused))
            allowed = corpus.active.copy()
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
        if profile.industry and profile.industry in self._industry_mask:
            boost += w.industry * self._industry_mask[profile.industry]
        for wanted, rows_by_tag, weight in (
            (profile.equipment, self._equipment_rows, w.equipment),
            (profile.processes, self._process_rows, w.process),
        ):
            hits = np.zeros(n, dtype=np.float32)
            for tag in {x.lower() for x in wanted}:
                rows = rows_by_tag.get(tag)
                if rows:
                    hits[rows] += 1
            boost += weight * np.minimum(hits, 2)
        return boost

    def _direction_evidence(self, score: Array) -> Array:
        """Per direction: its best member technology plus a share of the second best."""
        w = self.weights
        n_dir = len(self.directions)
        finite = np.isfinite(score)
        floor = float(score[finite].min()) if finite.any() else 0.0
        member = score[self._m_tech] - np.where(self._m_primary, 0.0, w.secondary_penalty).astype(np.float32)
        member = np.where(np.isfinite(member), member, floor)
        best = np.full(n_dir, floor, dtype=np.float32)
        np.maximum.at(best, self._m_dir, member)
        # Remove one best member per direction, then the maximum of the rest is the second best.
        is_best = np.flatnonzero(member == best[self._m_dir])
        _, first = np.unique(self._m_dir[is_best], return_index=True)
        rest = member.copy()
        rest[is_best[first]] = floor
        second = np.full(n_dir, floor, dtype=np.float32)
        np.maximum.at(second, self._m_dir, rest)
        return best + w.second_best * (second - floor)

    def _structured_reasons(self, t: TechnologyDoc, profile: Profile) -> list[Reason]:
        reasons = []
        if profile.industry and profile.industry in (t.section, *t.industries):
            reasons.append(Reason("industry", f"适用于所选行业（{profile.industry}）"))
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
        members = self._m_tech[self._m_dir == k]
        members = members[np.isfinite(score[members])]
        members = members[np.argsort(-score[members])][:limit]
        out = []
        for i in members:
            t = self._corpus.docs[int(i)]
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
