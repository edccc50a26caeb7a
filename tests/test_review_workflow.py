"""Provider submission → curator review → publication, with versions, optimistic locking and audit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from catalogue.audit import AuditTrailImmutable
from catalogue.db import make_engine, unit_of_work
from catalogue.models import AuditEvent, Technology
from tests.accounts_support import Account, sample_record


def step(client: TestClient, who: Account, sub: dict[str, Any], name: str, comment: str = "") -> Any:
    body = {"lock_version": sub["lock_version"], "comment": comment}
    return client.post(f"/api/v1/submissions/{sub['id']}/{name}", json=body, headers=who.headers)


def audit_actions(db_url: str, target_id: str) -> list[str]:
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.target_id == target_id).order_by(AuditEvent.id)).all()
        actions = [r.action for r in rows]
    engine.dispose()
    return actions


def test_full_review_path_with_versions_and_audit(client: TestClient, cast: dict[str, Account], db_url: str) -> None:
    provider, curator = cast["provider"], cast["curator"]
    created = client.post("/api/v1/submissions", json={"record": sample_record()}, headers=provider.headers)
    assert created.status_code == 201, created.text
    sub = created.json()
    assert sub["status"] == "draft" and sub["record"]["provider"] == provider.provider_code
    assert created.headers["etag"] == '"1"'
    # Not visible in the public catalogue while in review.
    assert client.get("/api/v1/technologies/demo-heat-pump-dryer").status_code == 404

    sub = step(client, provider, sub, "submit").json()
    assert sub["status"] == "submitted"
    queue = client.get("/api/v1/submissions", headers=curator.headers).json()
    assert [s["id"] for s in queue["items"]] == [sub["id"]]

    sub = step(client, curator, sub, "claim").json()
    assert sub["status"] == "in_review" and sub["claimed_by"] == curator.id
    missing_reason = step(client, curator, sub, "request-changes")
    assert missing_reason.status_code == 422
    sub = step(client, curator, sub, "request-changes", "请补充典型案例的节能量来源").json()
    assert sub["status"] == "changes_requested"

    # The provider reads the comment, revises and resubmits.
    mine = client.get(f"/api/v1/submissions/{sub['id']}", headers=provider.headers).json()
    assert mine["comments"][-1]["body"] == "请补充典型案例的节能量来源"
    revised = sample_record()
    revised["summary"] = revised["summary"] + "（已补充来源）"
    updated = client.put(
        f"/api/v1/submissions/{sub['id']}",
        json={"lock_version": sub["lock_version"], "record": revised},
        headers=provider.headers,
    )
    assert updated.status_code == 200, updated.text
    sub = step(client, provider, updated.json(), "submit").json()
    sub = step(client, curator, sub, "approve", "已核实").json()
    assert sub["status"] == "published"

    tech = client.get("/api/v1/technologies/demo-heat-pump-dryer").json()
    assert tech["version"] == 1 and tech["summary"].endswith("（已补充来源）")

    # Edit of the published entry: the public version stays until approval.
    edit = client.post("/api/v1/technologies/demo-heat-pump-dryer/edits", headers=provider.headers)
    assert edit.status_code == 201, edit.text
    edit_sub = edit.json()
    changed = dict(edit_sub["record"], summary=edit_sub["record"]["summary"] + "第二版。")
    edit_sub = client.put(
        f"/api/v1/submissions/{edit_sub['id']}",
        json={"lock_version": edit_sub["lock_version"], "record": changed},
        headers=provider.headers,
    ).json()
    edit_sub = step(client, provider, edit_sub, "submit").json()
    assert client.get("/api/v1/technologies/demo-heat-pump-dryer").json()["version"] == 1
    diff = client.get(f"/api/v1/submissions/{edit_sub['id']}/diff", headers=curator.headers).json()
    assert [d["field"] for d in diff] == ["summary"]
    edit_sub = step(client, curator, edit_sub, "approve").json()
    assert edit_sub["status"] == "published"

    versions = client.get("/api/v1/technologies/demo-heat-pump-dryer/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["record"]["summary"].endswith("第二版。")
    assert versions[0]["published_by"] == curator.id

    first = audit_actions(db_url, str(sub["id"]))
    assert first == [
        "submission.create",
        "submission.submit",
        "submission.claim",
        "submission.request_changes",
        "submission.update",
        "submission.submit",
        "submission.approve",
    ]
    assert audit_actions(db_url, "demo-heat-pump-dryer") == ["technology.publish", "technology.publish"]
    log = client.get("/api/v1/audit", params={"target_id": str(sub["id"])}, headers=curator.headers).json()
    assert log["total"] == 7 and log["items"][0]["action"] == "submission.approve"
    assert log["items"][0]["actor_label"] == curator.email


def test_stale_lock_version_changes_nothing(client: TestClient, cast: dict[str, Account]) -> None:
    provider = cast["provider"]
    sub = client.post("/api/v1/submissions", json={"record": sample_record()}, headers=provider.headers).json()
    first = dict(sample_record(), summary=sample_record()["summary"] + "甲")
    ok = client.put(
        f"/api/v1/submissions/{sub['id']}", json={"lock_version": 1, "record": first}, headers=provider.headers
    )
    assert ok.status_code == 200 and ok.json()["lock_version"] == 2
    second = dict(sample_record(), summary=sample_record()["summary"] + "乙")
    stale = client.put(
        f"/api/v1/submissions/{sub['id']}", json={"lock_version": 1, "record": second}, headers=provider.headers
    )
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    current = client.get(f"/api/v1/submissions/{sub['id']}", headers=provider.headers).json()
    assert current["record"]["summary"].endswith("甲") and current["lock_version"] == 2


def test_two_concurrent_approvals_exactly_one_wins(client: TestClient, cast: dict[str, Account], db_url: str) -> None:
    provider, curator, admin = cast["provider"], cast["curator"], cast["admin"]
    sub = client.post("/api/v1/submissions", json={"record": sample_record()}, headers=provider.headers).json()
    sub = step(client, provider, sub, "submit").json()
    barrier = threading.Barrier(2)
    results: list[int] = []

    def approve(who: Account) -> None:
        barrier.wait()
        results.append(step(client, who, sub, "approve").status_code)

    threads = [threading.Thread(target=approve, args=(who,)) for who in (curator, admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    versions = client.get("/api/v1/technologies/demo-heat-pump-dryer/versions").json()
    assert [v["version"] for v in versions] == [1]
    assert audit_actions(db_url, str(sub["id"])).count("submission.approve") == 1


def test_invalid_draft_lists_each_bad_field(client: TestClient, cast: dict[str, Account]) -> None:
    record = sample_record()
    record["summary"] = "短"
    record["directions"] = ["steel.no_such_direction"]
    record["saving_rate_pct"] = {"min": 30, "max": 10, "source": "x"}
    resp = client.post("/api/v1/submissions", json={"record": record}, headers=cast["provider"].headers)
    assert resp.status_code == 422
    fields = {e["field"] for e in resp.json()["errors"]}
    assert {"record.summary", "record.saving_rate_pct"} <= fields
    unknown = sample_record()
    unknown["directions"] = ["steel.no_such_direction"]
    resp = client.post("/api/v1/submissions", json={"record": unknown}, headers=cast["provider"].headers)
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "directions"
    taken = sample_record(code="cement-waste-heat-power")
    taken_code = client.get("/api/v1/technologies", params={"per_page": 1}).json()["items"][0]["code"]
    taken["code"] = taken_code
    assert (
        client.post("/api/v1/submissions", json={"record": taken}, headers=cast["provider"].headers).status_code == 409
    )


def test_bulk_import_rolls_back_on_one_bad_row(client: TestClient, cast: dict[str, Account], db_url: str) -> None:
    good = sample_record(code="import-good-one", name_zh="导入测试一")
    bad = sample_record(code="import-bad-two", name_zh="导入测试二")
    bad["maturity"] = "not-a-maturity"
    import json

    files = {"file": ("batch.json", json.dumps([good, bad], ensure_ascii=False).encode(), "application/json")}
    resp = client.post("/api/v1/catalogue/import", files=files, headers=cast["curator"].headers)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["row"] == 2 and resp.json()["errors"][0]["field"] == "maturity"
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        assert session.exec(select(Technology).where(Technology.code == "import-good-one")).first() is None
    engine.dispose()
    files = {"file": ("batch.json", json.dumps([good], ensure_ascii=False).encode(), "application/json")}
    resp = client.post("/api/v1/catalogue/import", files=files, headers=cast["curator"].headers)
    assert resp.status_code == 200 and resp.json()["created"] == 1
    assert client.get("/api/v1/technologies/import-good-one").status_code == 200
    assert "catalogue.import" in audit_actions(db_url, "batch.json")


def test_archive_hides_entry_and_audit_is_append_only(
    client: TestClient, cast: dict[str, Account], db_url: str
) -> None:
    code = client.get("/api/v1/technologies", params={"per_page": 1}).json()["items"][0]["code"]
    curator = cast["curator"]
    assert (
        client.post(f"/api/v1/technologies/{code}/archive", json={"reason": "已淘汰"}, headers=curator.headers).json()[
            "status"
        ]
        == "archived"
    )
    assert client.get(f"/api/v1/technologies/{code}").status_code == 404
    archived = client.get("/api/v1/technologies", params={"status": "archived"}, headers=curator.headers).json()
    assert [t["code"] for t in archived["items"]] == [code]
    again = client.post(f"/api/v1/technologies/{code}/archive", json={"reason": "x"}, headers=curator.headers)
    assert again.status_code == 409
    engine = make_engine(db_url)
    with pytest.raises(AuditTrailImmutable), unit_of_work(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.target_id == code)).one()
        event.note = "rewritten"
        session.flush()
    with unit_of_work(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.target_id == code)).one().note == "已淘汰"
    engine.dispose()
