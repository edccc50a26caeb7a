"""Persisted passage vectors, keyed by a hash of the exact passage text and the model id.

A restart re-encodes nothing; an edited technology gets a new text hash and is encoded alone.
Files: <dir>/<model id>/vectors.npy (float32) and keys.json; saved atomically, no pickle.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import numpy as np

from recommender.embedders import Embedder, Vectors

FORMAT_VERSION = 1


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class VectorStore:
    def __init__(self, root: Path, model_id: str, dim: int) -> None:
        self.dir = root / f"v{FORMAT_VERSION}" / model_id
        self.dim = dim
        self._lock = threading.Lock()
        self._rows: dict[str, int] = {}
        self._matrix: Vectors = np.zeros((0, dim), dtype=np.float32)
        self._dirty = False
        self._load()

    def _load(self) -> None:
        keys_path, vec_path = self.dir / "keys.json", self.dir / "vectors.npy"
        if not (keys_path.exists() and vec_path.exists()):
            return
        try:
            keys = json.loads(keys_path.read_text(encoding="utf-8"))
            matrix = np.load(vec_path, allow_pickle=False)
        except (OSError, ValueError):
            return  # a damaged store is rebuilt, never trusted
        if matrix.ndim != 2 or matrix.shape != (len(keys), self.dim):
            return
        self._rows = {k: i for i, k in enumerate(keys)}
        self._matrix = matrix.astype(np.float32, copy=False)

    def __len__(self) -> int:
        return len(self._rows)

    def vectors_for(self, texts: list[str], embedder: Embedder) -> tuple[Vectors, int]:
        """Vectors for `texts`, encoding only those not stored yet; returns (matrix, number encoded)."""
        keys = [text_key(t) for t in texts]
        with self._lock:
            missing = [i for i, k in enumerate(keys) if k not in self._rows]
            if missing:
                unique: dict[str, str] = {keys[i]: texts[i] for i in missing}
                encoded = embedder.encode_passages(list(unique.values()))
                start = self._matrix.shape[0]
                self._matrix = np.vstack([self._matrix, encoded]) if start else encoded.copy()
                for offset, key in enumerate(unique):
                    self._rows[key] = start + offset
                self._dirty = True
            rows = np.fromiter((self._rows[k] for k in keys), dtype=np.int64, count=len(keys))
            return self._matrix[rows], len(missing)

    def save(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            self.dir.mkdir(parents=True, exist_ok=True)
            keys = sorted(self._rows, key=self._rows.__getitem__)
            tmp_vec, tmp_keys = self.dir / "vectors.tmp.npy", self.dir / "keys.tmp.json"
            np.save(tmp_vec, self._matrix, allow_pickle=False)
            tmp_keys.write_text(json.dumps(keys), encoding="utf-8")
            os.replace(tmp_vec, self.dir / "vectors.npy")
            os.replace(tmp_keys, self.dir / "keys.json")
            self._dirty = False
