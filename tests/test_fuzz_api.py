"""schemathesis against /openapi.json: generated requests (bounded) find no 5xx and no response that
breaks the documented schema. Runs as an admin so the curated endpoints are exercised too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.app import create_app
from tests.accounts_support import make_accounts
from tests.conftest import make_settings


@pytest.fixture
def fuzz_app(db_url: str, tmp_path: Path, vectors_dir: Path) -> Any:
    app: FastAPI = create_app(make_settings(db_url, tmp_path, vectors_dir, embedding_backend="none"))
    token = make_accounts(db_url, ("admin",))["admin"].token
    with TestClient(app):  # runs the lifespan: the recommender index is built before fuzzing
        yield app, token


@pytest.mark.fuzz
def test_api_never_fails_or_breaks_its_schema(fuzz_app: Any) -> None:
    app, token = fuzz_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: Any) -> None:
            # Schema-valid data may still break a catalogue rule (unknown codes, duplicate e-mail): a 4xx
            # problem for it is right, so only that one check is left out.
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"}, excluded_checks=[checks.positive_data_acceptance]
            )

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
