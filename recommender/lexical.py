"""Character n-gram TF-IDF: robust for Chinese (no word segmentation) and for English."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

Scores = npt.NDArray[np.float32]


class CharTfidf:
    """Fitted once on the corpus; new or edited documents are transformed with the fitted vocabulary,
    so a single update costs one transform, not a refit (a full reindex refits)."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 3)) -> None:
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            sublinear_tf=True,
            lowercase=True,
            min_df=1,
            dtype=np.float32,
        )
        # Features x documents (CSR): a query touches only the rows of its own n-grams.
        self._inverted: sparse.csr_matrix | None = None
        self._n_docs = 0
        self._delta_rows: dict[int, sparse.csr_matrix] = {}
        self._delta_index = np.zeros(0, dtype=np.int64)
        self._delta: sparse.csr_matrix | None = None

    def fit(self, texts: list[str]) -> None:
        matrix = self._vectorizer.fit_transform(texts)
        self._inverted = sparse.csr_matrix(matrix.T, dtype=np.float32)
        self._n_docs = len(texts)
        self._delta_rows, self._delta = {}, None
        self._delta_index = np.zeros(0, dtype=np.int64)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(self._vectorizer.transform(texts), dtype=np.float32)

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
        out[: self._n_docs] = np.asarray((q @ self._inverted).todense(), dtype=np.float32).ravel()
        if self._delta is not None:
            out[self._delta_index] = np.asarray((q @ self._delta).todense(), dtype=np.float32).ravel()
        return out

    @property
    def size(self) -> int:
        extra = int(self._delta_index.max()) + 1 if self._delta_index.size else 0
        return max(self._n_docs, extra)
