"""Enterprise features over the API: saved profiles, recommendation history, bookmarks, compare."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.accounts_support import Account, make_accounts


@pytest.fixture
def people(db_url: str) -> dict[str, Account]:
    return make_accounts(db_url, ("enterprise", "curator"))


PROFILE = {
    "industry": "building_materials",
    "description": "水泥熟料线窑头窑尾废气温度高，余热没有回收",
    "products": [{"product": "水泥熟料", "annual_output": 1500000, "unit_consumption": 110}],
}


def test_saved_profiles_are_private(client: TestClient, people: dict[str, Account]) -> None:
    me, other = people["enterprise"].headers, people["curator"].headers
    created = client.post("/api/v1/me/profiles", json={"name": "一号熟料线", "profile": PROFILE}, headers=me)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    assert created.json()["profile"]["products"][0]["product"] == "水泥熟料"
    renamed = client.put(f"/api/v1/me/profiles/{pid}", json={"name": "二号线", "profile": PROFILE}, headers=me)
    assert renamed.json()["name"] == "二号线"
    assert [p["name"] for p in client.get("/api/v1/me/profiles", headers=me).json()] == ["二号线"]
    assert client.get(f"/api/v1/me/profiles/{pid}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/me/profiles/{pid}", headers=other).status_code == 404
    bad = client.post("/api/v1/me/profiles", json={"name": "", "profile": {"description": ""}}, headers=me)
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/me/profiles/{pid}", headers=me).status_code == 204
    assert client.get("/api/v1/me/profiles", headers=me).json() == []


def test_history_keeps_signed_in_recommendations(client: TestClient, people: dict[str, Account]) -> None:
    me = people["enterprise"].headers
    anonymous = client.post("/api/v1/recommendations", json=PROFILE)
    assert anonymous.status_code == 200 and anonymous.json()["run_token"] is None
    signed = client.post("/api/v1/recommendations", json=PROFILE, headers=me).json()
    assert signed["run_token"]
    history = client.get("/api/v1/me/recommendations", headers=me).json()
    assert [h["token"] for h in history] == [signed["run_token"]]
    assert history[0]["result"]["directions"][0]["code"] == signed["directions"][0]["code"]
    assert client.get("/api/v1/me/recommendations", headers=people["curator"].headers).json() == []


def test_bookmarks_and_compare(client: TestClient, people: dict[str, Account]) -> None:
    me = people["enterprise"].headers
    codes = [t["code"] for t in client.get("/api/v1/technologies", params={"per_page": 3}).json()["items"]]
    for code in codes[:2]:
        assert client.put(f"/api/v1/me/bookmarks/{code}", headers=me).status_code == 204
    assert client.put(f"/api/v1/me/bookmarks/{codes[0]}", headers=me).status_code == 204  # idempotent
    assert sorted(t["code"] for t in client.get("/api/v1/me/bookmarks", headers=me).json()) == sorted(codes[:2])
    assert client.put("/api/v1/me/bookmarks/no-such-tech", headers=me).status_code == 404
    assert client.delete(f"/api/v1/me/bookmarks/{codes[0]}", headers=me).status_code == 204
    assert [t["code"] for t in client.get("/api/v1/me/bookmarks", headers=me).json()] == [codes[1]]

    compared = client.get("/api/v1/technologies/compare", params={"codes": ",".join(codes)})
    assert compared.status_code == 200 and [t["code"] for t in compared.json()] == codes
    one = client.get("/api/v1/technologies/compare", params={"codes": codes[0]})
    assert one.status_code == 422 and one.json()["errors"][0]["field"] == "codes"
    five = client.get("/api/v1/technologies/compare", params={"codes": ",".join([*codes, "a", "b"])})
    assert five.status_code == 422
    unknown = client.get("/api/v1/technologies/compare", params={"codes": f"{codes[0]},nope-nope"})
    assert unknown.status_code == 404 and "nope-nope" in unknown.json()["detail"]


def test_openapi_and_docs_describe_every_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert len(operations) > 30
    undocumented = [f"{m.upper()} {p}" for p, m, op in operations if not op.get("description")]
    assert not undocumented, undocumented
    for _, _, op in operations:
        assert "application/problem+json" in op["responses"]["401"]["content"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
