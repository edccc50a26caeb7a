"""The recommender as a service of the app: built in the background at start-up, kept fresh
when the catalogue changes (also when another process such as the CLI changed it)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.settings import Settings
from catalogue.errors import DomainError
from catalogue.models import Technology
from catalogue.recommender_docs import (
    benchmark_levels,
    catalogue_stamp,
    direction_docs,
    published_technology_docs,
    technology_doc,
)
from recommender.embedders import Embedder, EmbedderUnavailable, load_embedder
from recommender.hybrid import HybridIndex
from recommender.store import VectorStore

log = logging.getLogger("lowcarbon.recommender")
STAMP_POLL_SECONDS = 1.0


class IndexNotReady(DomainError):
    status = 503
    slug = "index-not-ready"
    title = "The recommender index is still being built"


class RecommenderService:
    def __init__(self, engine: Engine, settings: Settings, embedder: Embedder | str | None = "auto") -> None:
        self.engine = engine
        self.settings = settings
        self._embedder_override = embedder
        self._index: HybridIndex | None = None
        self._error: str | None = None
        self._embedder_note: str | None = None
        self._build_seconds: float | None = None
        self._stamp: tuple[int, str] | None = None
        self._seen_updated_at: Any = None
        self._last_poll = 0.0
        self._lock = threading.Lock()

    # -------------------------------------------------------------- lifecycle

    def start(self, background: bool = True) -> None:
        if background:
            threading.Thread(target=self.build, name="recommender-build", daemon=True).start()
        else:
            self.build()

    def _load_embedder(self) -> Embedder | None:
        if self._embedder_override != "auto":
            return self._embedder_override  # type: ignore[return-value]
        s = self.settings
        embedder = load_embedder(s.embedding_backend, s.embedding_model)
        if embedder is None and s.embedding_backend != "none":
            self._embedder_note = f"dense backend '{s.embedding_backend}' unavailable; running lexical-only"
        return embedder

    def build(self) -> None:
        """Full (re)build; persisted vectors are reused, so only new texts are encoded."""
        start = time.perf_counter()
        try:
            embedder = self._load_embedder()
            store = None
            if embedder is not None:
                store = VectorStore(self.settings.resolved_vectors_dir(), embedder.id, embedder.dim)
            with Session(self.engine) as session:
                stamp = catalogue_stamp(session)
                latest = session.exec(select(Technology.updated_at).order_by(col(Technology.updated_at).desc())).first()
                index = HybridIndex(
                    published_technology_docs(session),
                    direction_docs(session),
                    benchmark_levels(session),
                    embedder=embedder,
                    store=store,
                )
            with self._lock:
                self._index, self._stamp, self._seen_updated_at = index, stamp, latest
                self._build_seconds = time.perf_counter() - start
                self._error = None
                self._last_poll = time.monotonic()  # just built from the catalogue: nothing to refresh yet
            log.info(
                "recommender ready: %d technologies, mode %s, %d passages encoded, %.1fs",
                index.size,
                index.mode,
                index.encoded_on_build,
                self._build_seconds,
            )
        except (EmbedderUnavailable, OSError, ValueError) as exc:
            self._error = str(exc)
            log.exception("recommender build failed")

    @property
    def ready(self) -> bool:
        return self._index is not None

    def status(self) -> dict[str, Any]:
        index = self._index
        return {
            "ready": index is not None,
            "mode": index.mode if index else None,
            "embedder": index.embedder.id if index and index.embedder else None,
            "note": self._embedder_note,
            "error": self._error,
            "technologies": index.size if index else 0,
            "build_seconds": round(self._build_seconds, 2) if self._build_seconds else None,
        }

    # -------------------------------------------------------------- use

    def index(self) -> HybridIndex:
        index = self._index
        if index is None:
            raise IndexNotReady("The recommender index is being built; retry in a few seconds.")
        self._refresh_if_changed(index)
        return index

    def _refresh_if_changed(self, index: HybridIndex) -> None:
        """Apply catalogue changes made since the last look, one technology at a time."""
        now = time.monotonic()
        if now - self._last_poll < STAMP_POLL_SECONDS:
            return
        self._last_poll = now
        with Session(self.engine) as session:
            stamp = catalogue_stamp(session)
            if stamp == self._stamp:
                return
            stmt = select(Technology).order_by(col(Technology.updated_at))
            if self._seen_updated_at is not None:
                stmt = stmt.where(col(Technology.updated_at) >= self._seen_updated_at)
            for tech in session.exec(stmt).all():
                self.apply(tech, index)
                self._seen_updated_at = tech.updated_at
            self._stamp = stamp

    def apply(self, tech: Technology, index: HybridIndex | None = None) -> None:
        """Reflect one technology's state: published ones are (re-)encoded alone, others removed."""
        index = index or self._index
        if index is None:
            return
        if tech.status == "published":
            index.upsert(technology_doc(tech))
        else:
            index.remove(tech.code)
