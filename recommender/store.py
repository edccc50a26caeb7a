"""Persisted passage vectors, keyed by a hash of the exact passage text and the model id.

A restart re-encodes nothing; an edited technology gets a new text hash and is encoded alone.
Files under <dir>/v1/<model id>/: `vectors.npy` (float32) + `keys.json`, written atomically by a full
save; vectors encoded after that are appended to `added.bin` as fixed-size records (32-byte key, then
the float32 row), each in one write, so saving one edit costs one record, not a rewrite of the whole
store, and a torn last record is simply ignored. No pickle.
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
KEY_BYTES = 32  # text_key length (hex, ASCII)
COMPACT_AFTER = 5_000  # appended rows before the next save rewrites the base files


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class VectorStore:
    def __init__(self, root: Path, model_id: str, dim: int) -> None:
        self.dir = root / f"v{FORMAT_VERSION}" / model_id
        self.dim = dim
        self._lock = threading.Lock()
        self._rows: dict[str, int] = {}
        self._keys: list[str] = []  # key of each matrix row, in row order
        self._matrix: Vectors = np.zeros((0, dim), dtype=np.float32)
        self._saved_rows = 0  # rows already on disk (base + appended)
        self._appended_rows = 0
        self._load()

    # ------------------------------------------------------------ files

    @property
    def _base(self) -> tuple[Path, Path]:
        return self.dir / "vectors.npy", self.dir / "keys.json"

    @property
    def _added(self) -> Path:
        return self.dir / "added.bin"

    @property
    def _record_bytes(self) -> int:
        return KEY_BYTES + 4 * self.dim

    def _load(self) -> None:
        vec_path, keys_path = self._base
        if not (keys_path.exists() and vec_path.exists()):
            return
        try:
            keys: list[str] = json.loads(keys_path.read_text(encoding="utf-8"))
            matrix = np.load(vec_path, allow_pickle=False).astype(np.float32, copy=False)
        except (OSError, ValueError):
            return  # a damaged store is rebuilt, never trusted
        if matrix.ndim != 2 or matrix.shape != (len(keys), self.dim):
            return
        added_keys, added = self._load_added()
        all_keys = [*keys, *added_keys]
        matrix = np.vstack([matrix, added]) if added_keys else matrix
        first = {k: i for i, k in reversed(list(enumerate(all_keys)))}
        if len(first) < len(all_keys):  # two processes appended the same passage: keep one copy
            rows = sorted(first.values())
            matrix, all_keys = matrix[rows], [all_keys[i] for i in rows]
        self._matrix, self._keys = matrix, all_keys
        self._rows = {k: i for i, k in enumerate(all_keys)}
        self._saved_rows = matrix.shape[0] if len(first) == len(keys) + len(added_keys) else 0
        self._appended_rows = len(added_keys)

    def _load_added(self) -> tuple[list[str], Vectors]:
        """Appended records; a torn last record (crash mid-write) is ignored, not trusted."""
        empty = np.zeros((0, self.dim), dtype=np.float32)
        try:
            raw = self._added.read_bytes()
        except OSError:
            return [], empty
        count = len(raw) // self._record_bytes
        records = np.frombuffer(raw[: count * self._record_bytes], dtype=np.uint8).reshape(count, self._record_bytes)
        try:
            keys = [bytes(r[:KEY_BYTES]).decode("ascii") for r in records]
        except UnicodeDecodeError:
            return [], empty
        vectors = records[:, KEY_BYTES:].copy().view(np.float32).reshape(count, self.dim)
        return keys, vectors

    # ------------------------------------------------------------ use

    def __len__(self) -> int:
        return len(self._rows)

    def vectors_for(self, texts: list[str], embedder: Embedder) -> tuple[Vectors, int]:
        """Vectors for `texts`, encoding only those not stored yet; returns (matrix, number encoded)."""
        keys = [text_key(t) for t in texts]
        with self._lock:
            missing = [i for i, k in enumerate(keys) if k not in self._rows]
            if missing:
                unique: dict[str, str] = {keys[i]: texts[i] for i in missing}
                encoded = embedder.encode_passages(list(unique.values())).astype(np.float32, copy=False)
                start = self._matrix.shape[0]
                self._matrix = np.vstack([self._matrix, encoded]) if start else encoded.copy()
                for offset, key in enumerate(unique):
                    self._rows[key] = start + offset
                    self._keys.append(key)
            rows = np.fromiter((self._rows[k] for k in keys), dtype=np.int64, count=len(keys))
            return self._matrix[rows], len(missing)

    def save(self) -> None:
        """Persist new vectors: appended while few, the whole store rewritten now and then."""
        with self._lock:
            total = self._matrix.shape[0]
            if total == self._saved_rows:
                return
            self.dir.mkdir(parents=True, exist_ok=True)
            new = total - self._saved_rows
            if self._saved_rows == 0 or self._appended_rows + new > COMPACT_AFTER:
                self._write_base()
            else:
                self._append(self._saved_rows, total)
            self._saved_rows = total

    def _write_base(self) -> None:
        vec_path, keys_path = self._base
        tmp_vec, tmp_keys = self.dir / "vectors.tmp.npy", self.dir / "keys.tmp.json"
        np.save(tmp_vec, self._matrix, allow_pickle=False)
        tmp_keys.write_text(json.dumps(self._keys), encoding="utf-8")
        os.replace(tmp_vec, vec_path)
        os.replace(tmp_keys, keys_path)
        self._added.unlink(missing_ok=True)
        self._appended_rows = 0

    def _append(self, start: int, stop: int) -> None:
        with self._added.open("ab") as f:
            for key, row in zip(self._keys[start:stop], self._matrix[start:stop], strict=True):
                # One write per record: O_APPEND keeps records from two processes whole.
                f.write(key.encode("ascii") + np.ascontiguousarray(row, dtype=np.float32).tobytes())
        self._appended_rows += stop - start
