"""Test databases: migrated and seeded once per backend, then copied per test.

SQLite: a template file copied per test. PostgreSQL (LOWCARBON_TEST_DATABASE_URL, set by CI): a
template database cloned per test with CREATE DATABASE ... TEMPLATE. Never mocked.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.app import create_app
from api.settings import Settings
from catalogue import migrate
from catalogue.db import make_engine, unit_of_work
from catalogue.seed import load_seed
from tests.accounts_support import Account, make_accounts

PG_URL = os.environ.get("LOWCARBON_TEST_DATABASE_URL", "")
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

if os.environ.get("CI") and not PG_URL:
    raise RuntimeError("CI must set LOWCARBON_TEST_DATABASE_URL: the PostgreSQL tests may not be skipped")

BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _admin_engine():  # type: ignore[no-untyped-def]
    return make_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _seed(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        load_seed(session)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    name = f"lc_tpl_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _seed(_pg_url(name))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def _pg_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (optionally cloned from a template), dropped afterwards."""
    name = f"lc_{uuid.uuid4().hex[:10]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    with _pg_database(template_name) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated and seeded database on every backend under test."""
    yield from _fresh_database(request.param, request, tmp_path)


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _fresh_database("sqlite", request, tmp_path)


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables) on every backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with _pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def vectors_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared across tests so the real model encodes each passage once per run."""
    return tmp_path_factory.mktemp("vectors")


def make_settings(db: str, tmp_path: Path, vectors: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": db,
        "data_dir": tmp_path,
        "vectors_dir": vectors,
        "build_index_in_background": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def client(db_url: str, tmp_path: Path, vectors_dir: Path) -> Iterator[TestClient]:
    """The app on a fresh seeded database, lexical recommender (fast; the dense path has its own tests)."""
    app = create_app(make_settings(db_url, tmp_path, vectors_dir, embedding_backend="none"))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def cast(db_url: str) -> dict[str, Account]:
    """One account of each kind (see tests.accounts_support.CAST), with API tokens."""
    return make_accounts(db_url)
