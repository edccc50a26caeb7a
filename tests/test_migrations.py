from __future__ import annotations

from sqlalchemy import inspect

from catalogue import migrate
from catalogue.db import make_engine


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_roundtrip(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    assert {"technology", "section", "direction", "benchmark", "technology_version"} <= _tables(empty_db_url)
    migrate.check(empty_db_url)  # models and migrations agree (alembic check)
    migrate.downgrade(empty_db_url, "base")
    assert _tables(empty_db_url) <= {"alembic_version"}
    migrate.upgrade(empty_db_url)
    migrate.check(empty_db_url)
