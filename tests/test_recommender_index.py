"""The index's own machinery against plain reference implementations: n-gram TF-IDF against
scikit-learn, per-direction aggregation against a loop, incremental updates against a rebuild."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import recommender.lexical as lexical
from recommender.hybrid import HybridIndex, Mode, _matched_terms
from recommender.lexical import CharTfidf, gram_counts, key_text
from recommender.types import DirectionDoc, Profile, TechnologyDoc

TEXTS = [
    "燃煤锅炉热效率低，排烟温度高\n问题：排烟温度高",
    "Boiler flue gas heat recovery (condensing economiser)",
    "数据中心 PUE 偏高, we want liquid cooling  for\thigh-density racks",
    "a",
    "   ",
    "",
    "İstanbul ΣΊΣΥΦΟΣ straße",
    "𠀀𠀁 古字 𠀀",
    "篦冷机 篦冷机 篦冷机 二次风温低",
]


def _sklearn(texts: list[str]) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32)
    vectorizer.fit(texts)
    return vectorizer


def test_char_tfidf_equals_scikit_learn() -> None:
    ours = CharTfidf()
    ours.fit(TEXTS)
    theirs = _sklearn(TEXTS)
    assert sorted(ours.feature_names()) == sorted(theirs.vocabulary_)
    columns = [theirs.vocabulary_[name] for name in ours.feature_names()]
    for query in ["锅炉排烟温度太高", "liquid cooling racks", "篦冷机", "zzz 完全无关"]:
        expected = (theirs.transform([query]) @ theirs.transform(TEXTS).T).toarray().ravel()
        np.testing.assert_allclose(ours.scores(query), expected, atol=1e-6)
        np.testing.assert_allclose(
            ours.transform([query]).toarray(), theirs.transform([query])[:, columns].toarray(), atol=1e-6
        )


def test_char_tfidf_is_the_same_built_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    words = ["锅炉", "余热", "boiler", "heat", "变压器", "空载损耗", "篦冷机", "x"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 12))) for _ in range(60)]
    whole = CharTfidf()
    whole.fit(texts)
    monkeypatch.setattr(lexical, "_CHUNK_CHARS", 40)
    chunked = CharTfidf()
    chunked.fit(texts)
    assert whole._inverted is not None and chunked._inverted is not None
    assert (whole._inverted != chunked._inverted).nnz == 0


def test_gram_counts_match_char_wb_ngrams() -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).build_analyzer()
    doc, key, count = gram_counts(TEXTS)
    for i, text in enumerate(TEXTS):
        expected: dict[str, int] = {}
        for gram in analyzer(text):
            expected[gram] = expected.get(gram, 0) + 1
        got = {key_text(int(k)): int(c) for k, c in zip(key[doc == i], count[doc == i], strict=True)}
        assert got == expected


def _matched_terms_reference(query: str, terms: list[str], limit: int = 4) -> list[str]:
    q = query.lower()
    found: list[tuple[int, str, str]] = []
    for term in dict.fromkeys(t for t in terms if t):
        low, best = term.lower(), ""
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


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("燃煤锅炉热效率低，排烟温度高", ["排烟温度高", "锅炉", "烟气余热回收", "热效率", "高"]),
        ("Replace old Transformers with high no-load losses", ["transformer", "No-load loss", "ol", "high"]),
        ("篦冷机篦冷机", ["篦冷", "冷机篦", "机", ""]),
        ("abc abd", ["abdabc", "ab", "  ab"]),
    ],
)
def test_matched_terms_agree_with_the_exhaustive_search(query: str, terms: list[str]) -> None:
    assert _matched_terms(query, terms) == _matched_terms_reference(query, terms)


DIRS = [DirectionDoc(f"s.d{k}", "s", f"方向{k}", f"Direction {k}", f"范围{k}") for k in range(6)]


def _doc(i: int, rng: random.Random) -> TechnologyDoc:
    directions = tuple(rng.sample([d.code for d in DIRS], k=rng.randint(1, 3)))
    return TechnologyDoc(
        code=f"t{i}",
        name_zh=f"技术{i}",
        name_en="",
        section="s",
        directions=directions,
        industries=tuple(rng.sample(["steel", "textile"], k=rng.randint(0, 1))),
        equipment=tuple(rng.sample(["锅炉", "风机", "电机"], k=rng.randint(0, 2))),
        symptoms=tuple(rng.sample(["排烟温度高", "电耗高", "效率低", "噪声大"], k=2)),
    )


def _evidence_reference(index: HybridIndex, score: npt.NDArray[np.float32]) -> list[float]:
    """The definition: best member (secondary memberships penalised) plus a share of the second best,
    both measured from the lowest finite score."""
    w = index.weights
    finite = score[np.isfinite(score)]
    floor = float(finite.min()) if finite.size else 0.0
    out = []
    for d in index.directions:
        members = []
        for row, t in enumerate(index._docs):
            if d.code in t.directions:
                value = float(score[row]) - (w.secondary_penalty if t.directions[0] != d.code else 0.0)
                members.append(value if math.isfinite(value) else floor)
        ranked = sorted([*members, floor, floor], reverse=True)
        best, second = max(ranked[0], floor), max(ranked[1], floor)
        out.append(best + w.second_best * (second - floor))
    return out


def test_direction_evidence_matches_its_definition() -> None:
    rng = random.Random(3)
    index = HybridIndex([_doc(i, rng) for i in range(40)], DIRS, [])
    scores = np.random.default_rng(3).normal(size=40).astype(np.float32)
    scores[[2, 9]] = -np.inf
    scores[5] = scores[6]  # ties must remove only one best member
    np.testing.assert_allclose(index._direction_evidence(scores), _evidence_reference(index, scores), atol=1e-5)


class HashEmbedder:
    """A deterministic stand-in for structure tests (quality tests use the real model)."""

    id = "hash-test"
    dim = 16

    def _vector(self, text: str) -> npt.NDArray[np.float32]:
        seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).normal(size=self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return np.asarray([self._vector(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def encode_query(self, text: str) -> npt.NDArray[np.float32]:
        return self._vector(text)


def _ranking(index: HybridIndex, profile: Profile, mode: Mode) -> list[tuple[str, float, list[str]]]:
    rec = index.recommend(profile, mode=mode, per_direction=5)
    return [(d.code, d.score, [t.code for t in d.technologies]) for d in rec.directions]


def test_updates_end_where_a_rebuild_starts() -> None:
    rng = random.Random(11)
    docs = [_doc(i, rng) for i in range(30)]
    index = HybridIndex(docs[:20], DIRS, [], embedder=HashEmbedder())
    for i in range(20, 30):  # additions grow every per-row structure
        index.upsert(docs[i])
    for i in (3, 7, 25):  # edits move a technology between directions and tags
        docs[i] = replace(_doc(100 + i, rng), code=f"t{i}")
        index.upsert(docs[i])
    rebuilt = HybridIndex(docs, DIRS, [], embedder=HashEmbedder())
    profile = Profile(description="锅炉排烟温度高", industry="steel", equipment=["锅炉"])
    # An updated index keeps the n-gram vocabulary fitted at build, so compare the dense ranking.
    assert _ranking(index, profile, "dense") == _ranking(rebuilt, profile, "dense")
    index.remove("t3")
    assert index.size == 29
    assert all(t.code != "t3" for d in index.recommend(profile, per_direction=30).directions for t in d.technologies)
