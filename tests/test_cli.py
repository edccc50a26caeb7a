from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


@pytest.fixture
def env(empty_db_url: str, tmp_path: Path, vectors_dir: Path) -> dict[str, str]:
    return {
        "LOWCARBON_DATABASE_URL": empty_db_url,
        "LOWCARBON_DATA_DIR": str(tmp_path),
        "LOWCARBON_VECTORS_DIR": str(vectors_dir),
        "LOWCARBON_EMBEDDING_BACKEND": "none",
    }


def test_init_twice_then_stats(env: dict[str, str]) -> None:
    first = runner.invoke(app, ["init"], env=env)
    assert first.exit_code == 0, first.output
    assert "technologies:" in first.output
    second = runner.invoke(app, ["init"], env=env)
    assert second.exit_code == 0 and "无变更" in second.output
    stats = runner.invoke(app, ["stats"], env=env).output
    assert "sections: 12" in stats and "benchmarks: " in stats
    assert int(stats.split("directions: ")[1].split()[0]) >= 80
    assert int(stats.split("benchmarks: ")[1].split()[0]) >= 25


def test_export_import_and_a_readable_error(env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    out = tmp_path / "all.xlsx"
    exported = runner.invoke(app, ["export", str(out)], env=env)
    assert exported.exit_code == 0 and out.stat().st_size > 0
    again = runner.invoke(app, ["import", str(out)], env=env)
    assert again.exit_code == 0 and "unchanged" in again.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"code": "x-y", "section": "steel"}]), encoding="utf-8")
    failed = runner.invoke(app, ["import", str(bad)], env=env)
    assert failed.exit_code == 2
    assert "row 1, name_zh" in failed.output and "nothing was imported" in failed.output
    wrong = runner.invoke(app, ["import", str(tmp_path / "catalogue.txt")], env=env)
    assert wrong.exit_code == 2 and "no such file" in wrong.output


def test_recommend_and_evaluate_lexical(env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    result = runner.invoke(app, ["recommend", "燃煤锅炉排烟温度高", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["directions"]) >= 10
    labelled = tmp_path / "eval.jsonl"
    labelled.write_text(
        json.dumps(
            {
                "id": "x",
                "industry": None,
                "description": "燃煤锅炉排烟温度高",
                "relevant": {"general_equipment.boiler_flue_gas_heat_recovery": 2},
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    out = runner.invoke(app, ["evaluate", str(labelled)], env=env).output
    assert "lexical-only" in out and "taxonomy-names" in out and "nDCG@10" in out
    empty = runner.invoke(app, ["recommend", "   "], env=env)
    assert empty.exit_code == 2 and "describe the plant" in empty.output


def test_users_create_first_admin_then_sign_in(env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    created = runner.invoke(
        app,
        ["users", "create", "--email", "Admin@Example.cn", "--role", "admin", "--password-stdin"],
        input="a long admin password\n",
        env=env,
    )
    assert created.exit_code == 0, created.output
    short = runner.invoke(
        app,
        ["users", "create", "--email", "b@example.cn", "--role", "curator", "--password-stdin"],
        input="x\n",
        env=env,
    )
    assert short.exit_code == 2 and "password" in short.output
    role = runner.invoke(app, ["users", "create", "--email", "c@example.cn", "--role", "boss"], env=env)
    assert role.exit_code == 2 and "unknown role" in role.output
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(env["LOWCARBON_DATABASE_URL"], tmp_path, Path(env["LOWCARBON_VECTORS_DIR"]))
    with TestClient(create_app(settings.model_copy(update={"embedding_backend": "none"}))) as client:
        token = client.post(
            "/api/v1/auth/login", json={"email": "admin@example.cn", "password": "a long admin password"}
        ).json()["access_token"]
        users = client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"}).json()
        assert [u["role"] for u in users] == ["admin"]
