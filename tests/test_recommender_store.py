"""The persisted vector store: appends instead of rewrites, survives torn writes and duplicates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recommender import store as store_module
from recommender.embedders import Vectors
from recommender.store import VectorStore


class CountingEmbedder:
    """A deterministic stand-in for the model: the store's logic is under test, not the encoder."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    @property
    def id(self) -> str:
        return "counting"

    @property
    def dim(self) -> int:
        return 4

    def encode_passages(self, texts: list[str]) -> Vectors:
        self.encoded += texts
        return np.array([[len(t), sum(map(ord, t)) % 97, 1.0, 2.0] for t in texts], dtype=np.float32)

    def encode_query(self, text: str) -> Vectors:
        row: Vectors = self.encode_passages([text])[0]
        return row


def test_edits_are_appended_and_reloaded(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    first = VectorStore(tmp_path, emb.id, emb.dim)
    base, encoded = first.vectors_for(["甲技术", "乙技术"], emb)
    assert encoded == 2
    first.save()
    base_file = first.dir / "vectors.npy"
    base_stat = base_file.stat().st_mtime_ns, base_file.stat().st_size
    edited, encoded = first.vectors_for(["甲技术（修订）"], emb)
    first.save()
    assert encoded == 1
    assert (base_file.stat().st_mtime_ns, base_file.stat().st_size) == base_stat  # base untouched
    assert (first.dir / "added.bin").stat().st_size == 32 + 4 * emb.dim

    again = VectorStore(tmp_path, emb.id, emb.dim)
    emb.encoded.clear()
    vectors, encoded = again.vectors_for(["乙技术", "甲技术（修订）", "甲技术"], emb)
    assert encoded == 0 and emb.encoded == []
    np.testing.assert_array_equal(vectors, np.vstack([base[1], edited[0], base[0]]))


def test_torn_record_is_ignored_and_duplicates_collapse(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    one = VectorStore(tmp_path, emb.id, emb.dim)
    one.vectors_for(["基础"], emb)
    one.save()
    # Two processes append the same passage, then a crash tears a third record.
    two = VectorStore(tmp_path, emb.id, emb.dim)
    one.vectors_for(["新增"], emb)
    two.vectors_for(["新增"], emb)
    one.save()
    two.save()
    with (one.dir / "added.bin").open("ab") as f:
        f.write(b"0123456789abcdef0123456789abcdef\x00\x00")
    reloaded = VectorStore(tmp_path, emb.id, emb.dim)
    assert len(reloaded) == 2
    emb.encoded.clear()
    reloaded.vectors_for(["基础", "新增"], emb)
    assert emb.encoded == []
    reloaded.save()  # duplicates found on load: the store is rewritten whole, once
    assert not (reloaded.dir / "added.bin").exists()
    assert len(VectorStore(tmp_path, emb.id, emb.dim)) == 2


def test_many_appends_compact_into_the_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "COMPACT_AFTER", 3)
    emb = CountingEmbedder()
    s = VectorStore(tmp_path, emb.id, emb.dim)
    s.vectors_for(["a0"], emb)
    s.save()
    for i in range(1, 5):
        s.vectors_for([f"a{i}"], emb)
        s.save()
    assert not (s.dir / "added.bin").exists() or (s.dir / "added.bin").stat().st_size <= 3 * (32 + 16)
    assert len(VectorStore(tmp_path, emb.id, emb.dim)) == 5
