"""Curator workspace pages: queue, review with diff, import, audit log, archiving."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from catalogue.db import make_engine, unit_of_work
from catalogue.models import AuditEvent, Technology
from tests.accounts_support import Account, sample_record
from tests.test_pages_portal import (
    Visitor,
    count_rows,
    field_error,
    form_fields,
    lock_of,
    replace,
    sign_in,
    submission_id,
)


@pytest.fixture
def people(client: TestClient, db_url: str, cast: dict[str, Account]) -> dict[str, Visitor]:
    out = {name: sign_in(client, db_url, account) for name, account in cast.items()}
    out["anonymous"] = Visitor(client)
    return out


def submitted(
    provider: Visitor, code: str = "demo-heat-pump-dryer", name: str = "演示用热泵干燥系统", **changes: str
) -> int:
    fields = replace(form_fields(sample_record(code, name)), **changes)
    response = provider.post("/portal/submissions/new", [*fields, ("action", "submit")])
    assert response.status_code == 303, response.text
    return submission_id(response)


def approve(curator: Visitor, sub: int) -> None:
    page = curator.get(f"/curator/submissions/{sub}").text
    done = curator.post(f"/curator/submissions/{sub}/approve", {"lock_version": lock_of(page)})
    assert done.status_code == 303


@pytest.mark.parametrize(
    "path",
    [
        "/curator",
        "/curator/import",
        "/curator/audit",
        "/curator/technologies",
        "/curator/technologies/ups-eco-mode-operation",
    ],
)
def test_curator_pages_by_role(people: dict[str, Visitor], path: str) -> None:
    anonymous = people["anonymous"].get(path)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=/curator")
    for name in ("enterprise", "provider"):
        assert people[name].get(path).status_code == 403, name
    for name in ("curator", "admin"):
        page = people[name].get(path)
        assert page.status_code == 200, (name, page.text[:500])


def test_queue_filters_and_order(people: dict[str, Visitor]) -> None:
    provider, curator = people["provider"], people["curator"]
    first = submitted(provider, "queue-first-entry", "队列第一项")
    second = submitted(provider, "queue-steel-entry", "队列钢铁项", section="steel")
    page = curator.get("/curator").text
    assert page.index("队列第一项") < page.index("队列钢铁项")  # oldest first
    steel = curator.get("/curator?section=steel").text
    assert "队列钢铁项" in steel and "队列第一项" not in steel
    assert "队列第一项" not in curator.get("/curator?age=3").text  # nothing waited three days yet
    drafts = curator.get("/curator?status=draft").text
    assert "队列第一项" not in drafts
    assert f"/curator/submissions/{first}" in curator.get("/curator?status=submitted").text
    assert f"/curator/submissions/{second}/claim" in page
    assert curator.get("/curator?section=%3Cscript%3E&age=abc&status=nope").status_code == 200


def test_diff_view_shows_changes_against_published(people: dict[str, Visitor], db_url: str) -> None:
    provider, curator = people["provider"], people["curator"]
    sub = submitted(provider)
    page = curator.get(f"/curator/submissions/{sub}").text
    assert "新技术：全部字段" in page
    approve(curator, sub)

    opened = provider.post("/portal/technologies/demo-heat-pump-dryer/edit", {})
    edit = int(re.findall(r"\d+", opened.headers["location"])[0])
    form = provider.get(opened.headers["location"]).text
    record = sample_record()
    fields = replace(form_fields(record), summary="全新的技术概要：热泵回收排湿热量用于干燥，节电明显。")
    fields = [(k, v) for k, v in fields if k != "processes_other"] + [
        ("processes_other", "\n".join([*record["processes"][1:], "热泵干燥新工序"]))
    ]
    saved = provider.post(
        f"/portal/submissions/{edit}/edit", [*fields, ("lock_version", lock_of(form)), ("action", "submit")]
    )
    assert saved.status_code == 303

    page = curator.get(f"/curator/submissions/{edit}").text
    assert "与已发布版本的差异" in page
    summary = re.search(r'id="diff-summary".*?</div>\s*</div>\s*</div>', page, re.S)
    assert summary is not None
    assert record["summary"] in summary[0] and "全新的技术概要" in summary[0]
    processes = re.search(r'id="diff-processes".*?</div>', page, re.S)
    assert processes is not None
    assert '<ul class="added"' in processes[0] and "热泵干燥新工序" in processes[0]
    assert '<ul class="removed"' in processes[0] and record["processes"][0] in processes[0]
    assert 'id="diff-name_zh"' not in page  # unchanged fields are not listed


def test_steps_report_missing_comment_and_stale_version(people: dict[str, Visitor]) -> None:
    provider, curator = people["provider"], people["curator"]
    sub = submitted(provider)
    page = curator.get(f"/curator/submissions/{sub}").text
    lock = lock_of(page)
    rejected = curator.post(f"/curator/submissions/{sub}/reject", {"lock_version": lock, "comment": "  "})
    assert rejected.status_code == 422
    assert field_error(rejected.text, "reject.comment") == "请说明驳回理由"
    assert curator.post(f"/curator/submissions/{sub}/claim", {"lock_version": lock}).status_code == 303
    stale = curator.post(f"/curator/submissions/{sub}/approve", {"lock_version": lock, "comment": "保留这段意见"})
    assert stale.status_code == 409
    assert "操作未执行" in stale.text and "保留这段意见" in stale.text
    assert "审核中" in stale.text  # the page shows the current state
    empty = curator.post(f"/curator/submissions/{sub}/comment", {"comment": ""})
    assert empty.status_code == 422 and field_error(empty.text, "comment")
    said = curator.post(f"/curator/submissions/{sub}/comment", {"comment": "看过了"})
    assert said.status_code == 303 and "看过了" in curator.get(f"/curator/submissions/{sub}").text
    assert curator.post(f"/curator/submissions/{sub}/publish-now", {"lock_version": "1"}).status_code == 404


def test_provider_cannot_take_curator_steps(people: dict[str, Visitor]) -> None:
    sub = submitted(people["provider"])
    response = people["provider"].post(f"/curator/submissions/{sub}/approve", {"lock_version": "2"})
    assert response.status_code == 403
    anonymous = people["anonymous"].post(f"/curator/submissions/{sub}/approve", {"lock_version": "2"}, csrf="-")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")


def test_csrf_token_is_required(people: dict[str, Visitor]) -> None:
    curator = people["curator"]
    sub = submitted(people["provider"])
    assert curator.post(f"/curator/submissions/{sub}/claim", {"lock_version": "2"}, csrf="wrong").status_code == 403
    assert curator.post(f"/curator/submissions/{sub}/claim", {"lock_version": "2"}, csrf="-").status_code == 403
    archive = curator.post("/curator/technologies/ups-eco-mode-operation/archive", {"reason": "x"}, csrf="-")
    assert archive.status_code == 403
    assert "已提交" in curator.get(f"/curator/submissions/{sub}").text


def test_import_with_a_bad_row_writes_nothing(people: dict[str, Visitor], db_url: str) -> None:
    curator = people["curator"]
    before = count_rows(db_url, Technology)
    good = sample_record("import-good-row", "导入正常行")
    bad = sample_record("import-bad-row", "导入错误行")
    bad["summary"] = "短"
    unknown = sample_record("import-unknown-section", "导入未知行业")
    unknown["section"] = "no_such_section"
    content = json.dumps([good, bad, unknown], ensure_ascii=False).encode()
    page = curator.post("/curator/import", {}, files={"file": ("batch.json", content, "application/json")})
    assert page.status_code == 422
    assert "导入失败，未写入任何数据。" in page.text
    table = re.search(r'<table class="import-errors">.*?</table>', page.text, re.S)
    assert table is not None
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td><code>([^<]+)</code></td><td>([^<]*)</td></tr>', table[0])
    assert {(r[0], r[1]) for r in rows} >= {("2", "summary"), ("3", "section")}
    assert count_rows(db_url, Technology) == before

    wrong_type = curator.post("/curator/import", {}, files={"file": ("batch.txt", b"x", "text/plain")})
    assert wrong_type.status_code == 422 and "unsupported file type" in wrong_type.text

    ok = curator.post(
        "/curator/import", {}, files={"file": ("batch.json", json.dumps([good]).encode(), "application/json")}
    )
    assert ok.status_code == 303
    assert "新增 1 条" in curator.get(ok.headers["location"]).text
    assert count_rows(db_url, Technology) == before + 1
    assert count_rows(db_url, AuditEvent, AuditEvent.action == "catalogue.import") == 1


def test_audit_page_lists_events_with_filters(people: dict[str, Visitor], cast: dict[str, Account]) -> None:
    provider, curator = people["provider"], people["curator"]
    sub = submitted(provider)
    approve(curator, sub)
    page = curator.get("/curator/audit").text
    for action in ("submission.create", "submission.submit", "submission.approve", "technology.publish"):
        assert action in page
    only = curator.get("/curator/audit?action=technology.publish").text
    assert "technology.publish" in only and "<code>submission.create</code>" not in only
    mine = curator.get(f"/curator/audit?actor={cast['provider'].email}").text
    assert "<code>submission.create</code>" in mine and "<code>submission.approve</code>" not in mine
    target = curator.get(f"/curator/audit?target_type=submission&target_id={sub}").text
    assert "<code>technology.publish</code>" not in target and "<code>submission.approve</code>" in target
    assert "没有使用该邮箱的账号" in curator.get("/curator/audit?actor=nobody@example.cn").text
    assert curator.get("/curator/audit?page=999&since=bad").status_code == 200


def test_archive_needs_a_reason_and_hides_the_entry(people: dict[str, Visitor], db_url: str) -> None:
    curator, anonymous = people["curator"], people["anonymous"]
    code = "ups-eco-mode-operation"
    assert anonymous.get(f"/technologies/{code}").status_code == 200
    missing = curator.post(f"/curator/technologies/{code}/archive", {"reason": " "})
    assert missing.status_code == 422 and field_error(missing.text, "reason") == "请说明归档理由"
    done = curator.post(f"/curator/technologies/{code}/archive", {"reason": "已被更新技术替代"})
    assert done.status_code == 303
    page = curator.get(done.headers["location"]).text
    assert "已归档" in page and 'action="/curator/technologies/ups-eco-mode-operation/archive"' not in page
    assert anonymous.get(f"/technologies/{code}").status_code == 404
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "technology.archive")).one()
        assert event.note == "已被更新技术替代"
    engine.dispose()
    assert "已被更新技术替代" in curator.get("/curator/audit?action=technology.archive").text
    assert people["provider"].post(f"/curator/technologies/{code}/archive", {"reason": "x"}).status_code == 403


def test_technology_finder_lists_every_status(people: dict[str, Visitor]) -> None:
    curator = people["curator"]
    curator.post("/curator/technologies/ups-eco-mode-operation/archive", {"reason": "测试"})
    archived = curator.get("/curator/technologies?status=archived").text
    assert "ups-eco-mode-operation" in archived
    assert "ups-eco-mode-operation" in curator.get("/curator/technologies?q=ups").text
    assert curator.get("/curator/technologies/no-such-thing").status_code == 404
