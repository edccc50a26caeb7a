from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["checks"]["database"] == "ok" and body["checks"]["recommender"]["ready"] is True


def test_sections_and_directions(client: TestClient) -> None:
    sections = client.get("/api/v1/sections").json()
    assert len(sections) == 12
    assert {"code", "name_zh", "technology_count", "direction_count"} <= set(sections[0])
    directions = client.get("/api/v1/directions").json()
    assert len(directions) >= 80
    first = directions[0]
    assert first["section"]["code"] == first["code"].split(".")[0] and "technology_count" in first
    only = client.get("/api/v1/directions", params={"section": "textile"}).json()
    assert only and all(d["section"]["code"] == "textile" for d in only)


def test_technology_list_filters_and_detail(client: TestClient) -> None:
    page = client.get("/api/v1/technologies", params={"per_page": 5}).json()
    assert set(page) >= {"items", "total", "page", "per_page"} and page["per_page"] == 5
    assert len(page["items"]) == min(5, page["total"]) and page["total"] >= 1
    item = page["items"][0]
    for key in (
        "code",
        "name_zh",
        "name_en",
        "section",
        "directions",
        "status",
        "version",
        "saving_rate_pct",
        "payback_years",
        "investment_wan_cny",
        "maturity",
        "evidence_level",
        "sources",
    ):
        assert key in item
    direction = item["directions"][0]
    by_direction = client.get("/api/v1/technologies", params={"direction": direction}).json()
    assert by_direction["total"] >= 1 and all(direction in t["directions"] for t in by_direction["items"])
    by_q = client.get("/api/v1/technologies", params={"q": item["name_zh"][:3]}).json()
    assert item["code"] in {t["code"] for t in by_q["items"]}
    nothing = client.get("/api/v1/technologies", params={"q": "绝不会出现的字符串"}).json()
    assert nothing["total"] == 0 and nothing["items"] == []
    detail = client.get(f"/api/v1/technologies/{item['code']}").json()
    assert detail["code"] == item["code"] and detail["version"] == 1
    versions = client.get(f"/api/v1/technologies/{item['code']}/versions").json()
    assert [v["version"] for v in versions] == [1]


def test_pagination_is_consistent(client: TestClient) -> None:
    total = client.get("/api/v1/technologies", params={"per_page": 1}).json()["total"]
    seen = []
    for page in range(1, total + 1):
        seen += [
            t["code"] for t in client.get("/api/v1/technologies", params={"per_page": 1, "page": page}).json()["items"]
        ]
    assert len(seen) == len(set(seen)) == total


def test_benchmarks_endpoint(client: TestClient) -> None:
    rows = client.get("/api/v1/benchmarks").json()
    assert len(rows) >= 25
    clinker = next(r for r in rows if r["product"] == "水泥熟料")
    assert clinker["benchmark"] == 100 and clinker["baseline"] == 117 and clinker["lower_is_better"] is True


def test_errors_are_problem_json(client: TestClient) -> None:
    missing = client.get("/api/v1/technologies/no-such-technology")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert set(missing.json()) >= {"type", "title", "status", "detail", "instance"}
    bad = client.get("/api/v1/technologies", params={"per_page": 1000, "maturity": "nonsense"})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"per_page", "maturity"} <= fields
    unknown_route = client.get("/api/v1/nothing-here")
    assert unknown_route.status_code == 404 and unknown_route.json()["status"] == 404


def test_body_limit_gives_413(client: TestClient) -> None:
    response = client.post(
        "/api/v1/recommendations", content=b"{" + b" " * 1_100_000 + b"}", headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
