"""Character n-gram TF-IDF: robust for Chinese (no word segmentation) and for English.

The weighting is scikit-learn's `TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3),
sublinear_tf=True)` exactly (a test holds the two equal), but the n-grams are cut with numpy over a
whole chunk of documents at once and the matrix is written straight into its final, term-major
layout. scikit-learn's per-character Python analyzer and its intermediate copies made a
100,000-technology build take ~100 s and 2.2 GB; this takes a fraction of both.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse

Scores = npt.NDArray[np.float32]
Int64s = npt.NDArray[np.int64]

_BITS = 21  # every Unicode code point (+1, so that 0 means "no character") fits in 21 bits
_CHUNK_CHARS = 500_000  # n-grams of one chunk: ~3 x 8 bytes per character, ~12 MB per array


def _padded_words(text: str) -> str:
    """char_wb: each whitespace-separated word padded with one space on either side."""
    return "".join(f" {w} " for w in text.lower().split())


def _unique_sorted(values: Int64s) -> Int64s:
    ordered = np.sort(values)  # np.sort is vectorised; np.unique and argsort are ~10x slower here
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered


def gram_counts(texts: list[str], ngram_range: tuple[int, int] = (1, 3)) -> tuple[Int64s, Int64s, Int64s]:
    """Distinct (text number, n-gram key, count) triples of `texts`, those of one n-gram adjacent.

    A key packs the n-gram's code points (+1, 21 bits each). Padded words sit side by side, so a gram
    that would cross from one word (or text) into the next is exactly one holding two adjacent spaces;
    char_wb never forms those. Counting is one sort of (gram, text) packed into an int64, which fits
    because characters are first numbered within this batch.
    """
    min_n, max_n = ngram_range
    if not 1 <= min_n <= max_n <= 3:
        raise ValueError("n-grams of 1 to 3 characters are supported")
    empty = np.zeros(0, dtype=np.int64)
    parts = [_padded_words(t) for t in texts]
    points = np.frombuffer("".join(parts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    if points.size == 0:
        return empty, empty, empty
    alphabet = _unique_sorted(points)
    char_bits = int(alphabet.size).bit_length()  # local character numbers 1..size; 0 means "none"
    doc_bits = max(1, (len(texts) - 1).bit_length())
    if max_n * char_bits + doc_bits > 63:  # only for an implausibly varied batch: halve it
        half = len(texts) // 2
        first, second = gram_counts(texts[:half], ngram_range), gram_counts(texts[half:], ngram_range)
        return np.r_[first[0], second[0] + half], np.r_[first[1], second[1]], np.r_[first[2], second[2]]
    number = np.zeros(int(alphabet[-1]) + 1, dtype=np.int64)  # code point -> local number (≤ 1.1 M entries)
    number[alphabet] = np.arange(1, alphabet.size + 1)
    chars = number[points]
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    owner = np.repeat(np.arange(len(parts), dtype=np.int64), lengths)
    space = points == ord(" ")
    joinable = ~(space[:-1] & space[1:])
    size = chars.size
    packed: list[Int64s] = []
    for n in range(min_n, min(max_n, size) + 1):
        key = chars[: size - n + 1].copy()
        valid = np.ones(size - n + 1, dtype=bool)
        for j in range(1, n):
            key = (key << char_bits) | chars[j : size - n + 1 + j]
            valid &= joinable[j - 1 : size - n + j]
        packed.append((key[valid] << doc_bits) | owner[: size - n + 1][valid])
    pairs = np.sort(np.concatenate(packed))
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
    count = np.diff(np.r_[starts, pairs.size])
    pairs = pairs[starts]
    doc, local = pairs & ((1 << doc_bits) - 1), pairs >> doc_bits
    # Back from batch-local character numbers to code points, so keys mean the same in every batch.
    code = np.r_[0, alphabet + 1]
    mask = (1 << char_bits) - 1
    key = code[local & mask]
    for j in range(1, max_n):
        key |= code[(local >> (j * char_bits)) & mask] << (j * _BITS)
    return doc, key, count


def key_text(key: int) -> str:
    """The n-gram a key stands for (for tests and debugging)."""
    chars = []
    while key:
        chars.append(chr((key & ((1 << _BITS) - 1)) - 1))
        key >>= _BITS
    return "".join(reversed(chars))


def _runs(key: Int64s) -> tuple[Int64s, Int64s]:
    """Start and length of each run of equal adjacent keys."""
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, dtype=np.int64)
    return starts, np.diff(np.r_[starts, key.size])


def _chunks(texts: list[str]) -> list[tuple[int, int]]:
    bounds, start, chars = [], 0, 0
    for i, t in enumerate(texts):
        chars += len(t)
        if chars >= _CHUNK_CHARS:
            bounds.append((start, i + 1))
            start, chars = i + 1, 0
    if start < len(texts):
        bounds.append((start, len(texts)))
    return bounds


class CharTfidf:
    """Fitted once on the corpus; new or edited documents are transformed with the fitted vocabulary,
    so a single update costs one transform, not a refit (a full reindex refits)."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 3)) -> None:
        self.ngram_range = ngram_range
        self._vocabulary: Int64s = np.zeros(0, dtype=np.int64)  # sorted gram keys; feature = position
        self._idf: Scores = np.zeros(0, dtype=np.float32)
        # Features x documents (CSR): a query touches only the rows of its own n-grams.
        self._inverted: sparse.csr_matrix | None = None
        self._n_docs = 0
        self._delta_rows: dict[int, sparse.csr_matrix] = {}
        self._delta_index = np.zeros(0, dtype=np.int64)
        self._delta: sparse.csr_matrix | None = None

    @property
    def n_features(self) -> int:
        return int(self._vocabulary.size)

    def feature_names(self) -> list[str]:
        return [key_text(int(k)) for k in self._vocabulary]

    def fit(self, texts: list[str]) -> None:
        """Two passes over chunks: vocabulary and document frequencies, then the weighted postings."""
        chunks = _chunks(texts)
        seen_keys: list[Int64s] = []
        seen_df: list[Int64s] = []
        for start, stop in chunks:
            _, key, _ = gram_counts(texts[start:stop], self.ngram_range)
            first, run = _runs(key)
            seen_keys.append(key[first])
            seen_df.append(run)
        all_keys = np.concatenate(seen_keys) if seen_keys else np.zeros(0, dtype=np.int64)
        self._vocabulary = _unique_sorted(all_keys)
        df = np.bincount(
            np.searchsorted(self._vocabulary, all_keys),
            weights=np.concatenate(seen_df) if seen_df else None,
            minlength=self._vocabulary.size,
        ).astype(np.int64)
        del seen_keys, seen_df, all_keys
        n = len(texts)
        self._idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)  # smooth idf, as scikit-learn
        nnz = int(df.sum())
        index_dtype = np.int32 if max(nnz, n) < 2**31 else np.int64
        indptr = np.zeros(self.n_features + 1, dtype=index_dtype)
        indptr[1:] = np.cumsum(df)
        indices = np.empty(nnz, dtype=index_dtype)
        data = np.empty(nnz, dtype=np.float32)
        filled = indptr[:-1].astype(np.int64)
        for start, stop in chunks:
            doc, feature, weight = self._weighted(texts[start:stop])
            # Chunks are written in order, so each feature's documents stay sorted.
            first, run = _runs(feature)
            slot = np.repeat(filled[feature[first]] - first, run) + np.arange(feature.size)
            indices[slot] = doc + start
            data[slot] = weight
            filled[feature[first]] += run
        self._inverted = sparse.csr_matrix((data, indices, indptr), shape=(self.n_features, n), copy=False)
        self._n_docs = n
        self._delta_rows, self._delta = {}, None
        self._delta_index = np.zeros(0, dtype=np.int64)

    def _weighted(self, texts: list[str]) -> tuple[Int64s, Int64s, Scores]:
        """(document, feature, weight) of every known n-gram of `texts`, those of one feature adjacent:
        sublinear tf x idf, L2-normalised per document, as scikit-learn."""
        doc, key, count = gram_counts(texts, self.ngram_range)
        first, run = _runs(key)
        distinct = key[first]
        found = np.searchsorted(self._vocabulary, distinct)
        present = found < self._vocabulary.size
        present[present] = self._vocabulary[found[present]] == distinct[present]
        feature, known = np.repeat(found, run), np.repeat(present, run)
        doc, feature, count = doc[known], feature[known], count[known]
        weight = ((1 + np.log(count)) * self._idf[feature]).astype(np.float32)
        norms = np.sqrt(np.bincount(doc, weights=np.square(weight, dtype=np.float64), minlength=len(texts)))
        weight /= np.maximum(norms[doc], 1e-12).astype(np.float32)
        return doc, feature, weight

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        doc, feature, weight = self._weighted(texts)
        return sparse.csr_matrix((weight, (doc, feature)), shape=(len(texts), self.n_features), dtype=np.float32)

    def replace(self, index: int, text: str) -> None:
        """Re-index one document (or append when index == size) without touching the main matrix:
        edited rows live in a small delta whose scores override the main ones."""
        if index > self.size:
            raise IndexError(index)
        self._delta_rows[index] = self.transform([text])
        self._delta_index = np.fromiter(self._delta_rows, dtype=np.int64)
        self._delta = sparse.csr_matrix(sparse.vstack(list(self._delta_rows.values())).T, dtype=np.float32)

    def scores(self, query: str) -> Scores:
        """Cosine similarity of the query to every document."""
        out = np.zeros(self.size, dtype=np.float32)
        if self._inverted is None or self.size == 0:
            return out
        q = self.transform([query])
        if q.nnz == 0:
            return out
        out[: self._n_docs] = (q @ self._inverted).toarray().ravel()
        if self._delta is not None:
            out[self._delta_index] = (q @ self._delta).toarray().ravel()
        return out

    @property
    def size(self) -> int:
        extra = int(self._delta_index.max()) + 1 if self._delta_index.size else 0
        return max(self._n_docs, extra)
