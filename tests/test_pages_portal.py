"""Provider portal pages, and the whole provider → curator path through the pages (real database)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from starlette.datastructures import FormData, UploadFile

from catalogue.accounts import TokenKind, issue_token
from catalogue.db import make_engine, unit_of_work
from catalogue.models import AuditEvent, Provider, Submission, User
from catalogue.records import FIGURE_FIELDS, TechnologyRecord
from tests.accounts_support import Account, sample_record
from web import record_form

# ------------------------------------------------------------------ helpers shared by the page tests


class Reply(Protocol):
    """What the tests read from a TestClient response."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...


@dataclass
class Visitor:
    """A browser: the TestClient with this visitor's session cookie (or none), and its CSRF token."""

    client: TestClient
    secret: str | None = None
    csrf: str = ""

    def _use(self) -> None:
        self.client.cookies.clear()
        if self.secret:
            self.client.cookies.set("lc_session", self.secret)

    def get(self, url: str) -> Reply:
        self._use()
        return self.client.get(url, follow_redirects=False)

    def post(
        self, url: str, data: Any = None, *, csrf: str | None = None, files: Any = None, follow: bool = False
    ) -> Reply:
        self._use()
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        token = self.csrf if csrf is None else csrf
        if token != "-":
            fields.append(("csrf_token", token))
        if files:
            return self.client.post(url, data=dict(fields), files=files, follow_redirects=follow)
        body = urlencode(fields)  # repeated names (checkboxes) kept in order
        headers = {"content-type": "application/x-www-form-urlencoded"}
        return self.client.post(url, content=body, headers=headers, follow_redirects=follow)


def sign_in(client: TestClient, db_url: str, account: Account) -> Visitor:
    """A browser session for an account, made with the real session-token code."""
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        user = session.get(User, account.id)
        assert user is not None
        secret, row = issue_token(session, user, TokenKind.SESSION)
        csrf = row.csrf_token or ""
    engine.dispose()
    return Visitor(client, secret, csrf)


def form_fields(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The technology form as a browser would post it for `record`: values as the form shows them,
    tags typed as free text."""
    fields: list[tuple[str, str]] = []
    for name in record_form.TEXT_FIELDS:
        value = record.get(name)
        fields.append((name, record_form.as_text(value)))
    fields += [("directions", d) for d in record.get("directions", [])]
    fields += [("industries", i) for i in record.get("industries", [])]
    for name in record_form.TAG_FIELDS:
        fields.append((f"{name}_other", "\n".join(record.get(name, []))))
    fields.append(("symptoms", "\n".join(record.get("symptoms", []))))
    for name in FIGURE_FIELDS:
        figure = record.get(name) or {}
        for part in record_form.figure_parts(name):
            value = figure.get(part)
            fields.append((f"{name}.{part}", record_form.as_text(value)))
    for name, columns in record_form.ROW_FIELDS.items():
        for i, row in enumerate(record.get(name) or []):
            for column in columns:
                value = row.get(column)
                fields.append((f"{name}.{i}.{column}", record_form.as_text(value)))
    return fields


def as_form(fields: list[tuple[str, str]]) -> FormData:
    items: list[tuple[str, str | UploadFile]] = list(fields)
    return FormData(items)


def replace(fields: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    """The fields with some values changed (dotted names written with __ for dots)."""
    wanted = {k.replace("__", "."): v for k, v in changes.items()}
    return [(k, wanted.get(k, v)) for k, v in fields]


def submission_id(response: Reply) -> int:
    found = re.search(r"/portal/submissions/(\d+)", response.headers["location"])
    assert found, response.headers.get("location")
    return int(found[1])


def lock_of(html: str) -> str:
    found = re.search(r'name="lock_version" value="(\d+)"', html)
    assert found
    return found[1]


def field_error(html: str, key: str) -> str:
    """The text of the error shown next to an input (the macro's id is the key with dashes)."""
    found = re.search(rf'id="{re.escape(key.replace(".", "-"))}-error">(.*?)</', html, re.S)
    return found[1].strip() if found else ""


def count_rows(db_url: str, model: Any, *where: Any) -> int:
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        n = len(session.exec(select(model).where(*where)).all())
    engine.dispose()
    return n


@pytest.fixture
def people(client: TestClient, db_url: str, cast: dict[str, Account]) -> dict[str, Visitor]:
    out = {name: sign_in(client, db_url, account) for name, account in cast.items()}
    out["anonymous"] = Visitor(client)
    return out


# ------------------------------------------------------------------ form conversion (no database)


def test_form_round_trip_keeps_every_field() -> None:
    record = TechnologyRecord.model_validate(sample_record()).model_dump(mode="json")
    form = record_form.read(as_form(form_fields(record)))
    data, errors = record_form.to_data(form)
    assert errors == {}
    assert record_form.validate(data, {}) == {}
    assert TechnologyRecord.model_validate(data).model_dump(mode="json") == record
    again = record_form.from_record(record)
    assert again.figures == form.figures and again.rows == form.rows


def test_form_blank_figure_is_null_and_single_value_is_a_range() -> None:
    fields = replace(form_fields(sample_record()), saving_rate_pct__min="12", saving_rate_pct__max="")
    fields = replace(fields, saving_rate_pct__source="S1", payback_years__min="", payback_years__max="")
    fields = replace(fields, payback_years__reference_scale="", payback_years__source="")
    data, errors = record_form.to_data(record_form.read(as_form(fields)))
    assert errors == {}
    assert data["saving_rate_pct"]["min"] == data["saving_rate_pct"]["max"] == 12
    assert data["payback_years"] is None


def test_form_errors_name_their_inputs() -> None:
    fields = replace(
        form_fields(sample_record()),
        summary="太短",
        code="Bad Code",
        saving_rate_pct__min="abc",
        saving_rate_pct__source="S1",
        sources__0__url="x" * 600,
        sources__0__id="bad id!",
    )
    data, errors = record_form.to_data(record_form.read(as_form(fields)))
    messages = record_form.validate(data, errors)
    assert messages["summary"].text == "至少 {n} 个字" and messages["summary"].params == {"n": 10}
    assert messages["saving_rate_pct.min"].text == "请输入数字"
    assert "sources.0.url" in messages and "sources.0.id" in messages
    assert "小写字母" in messages["code"].text


def test_form_record_rules_go_to_the_right_input() -> None:
    record = sample_record()
    record["payback_years"] = {"min": 1, "max": 2, "reference_scale": None, "source": "S9"}
    data, errors = record_form.to_data(record_form.read(as_form(form_fields(record))))
    messages = record_form.validate(data, errors)
    assert messages["payback_years.source"].params == {"id": "S9"}
    record["payback_years"] = {"min": 3, "max": 2, "reference_scale": None, "source": "S1"}
    data, errors = record_form.to_data(record_form.read(as_form(form_fields(record))))
    assert record_form.validate(data, errors)["payback_years"].text == "下限不能大于上限"


# ------------------------------------------------------------------ access


@pytest.mark.parametrize("path", ["/portal", "/portal/submissions/new"])
def test_portal_pages_by_role(people: dict[str, Visitor], path: str) -> None:
    anonymous = people["anonymous"].get(path)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/login?next={path}"
    for name in ("enterprise", "curator", "admin"):
        assert people[name].get(path).status_code == 403, name
    page = people["provider"].get(path)
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]


def test_portal_shows_organisation_and_submissions(people: dict[str, Visitor], db_url: str) -> None:
    provider = people["provider"]
    page = provider.get("/portal").text
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        org = session.exec(select(Provider).order_by(Provider.code)).first()
        assert org is not None
        name = org.name
    engine.dispose()
    assert name in page and "还没有提交。" in page
    created = provider.post("/portal/submissions/new", [*form_fields(sample_record()), ("action", "save")])
    assert created.status_code == 303
    page = provider.get("/portal").text
    assert "演示用热泵干燥系统" in page and "草稿" in page


def test_other_provider_cannot_open_a_submission(people: dict[str, Visitor]) -> None:
    created = people["provider"].post("/portal/submissions/new", form_fields(sample_record()))
    sub = submission_id(created)
    assert people["other_provider"].get(f"/portal/submissions/{sub}").status_code == 403
    assert people["other_provider"].get(f"/portal/submissions/{sub}/edit").status_code == 403
    edit = people["other_provider"].post(f"/portal/submissions/{sub}/submit", {"lock_version": "1"})
    assert edit.status_code == 403


def test_invalid_form_shows_messages_at_fields_and_keeps_input(people: dict[str, Visitor], db_url: str) -> None:
    fields = replace(
        form_fields(sample_record()),
        summary="太短",
        saving_rate_pct__min="十二",
        saving_rate_pct__max="",
        saving_rate_pct__source="S1",
        sources__0__url="u" * 501,
    )
    page = people["provider"].post("/portal/submissions/new", fields)
    assert page.status_code == 422
    html = page.text
    assert field_error(html, "summary") == "至少 10 个字"
    assert field_error(html, "saving_rate_pct.min") == "请输入数字"
    assert field_error(html, "sources.0.url") == "最多 500 个字"
    assert 'value="演示用热泵干燥系统"' in html and 'value="十二"' in html
    assert 'href="#summary"' in html  # the summary at the top links to the input
    assert count_rows(db_url, Submission) == 0


def test_unknown_code_and_taken_code_are_reported(people: dict[str, Visitor], db_url: str) -> None:
    provider = people["provider"]
    taken = replace(form_fields(sample_record()), code="ammonia-co2-cascade-refrigeration")
    page = provider.post("/portal/submissions/new", taken)
    assert page.status_code == 409
    assert "已被已发布技术或进行中的提交使用" in field_error(page.text, "code")
    unknown = [(k, v) for k, v in form_fields(sample_record()) if k != "directions"] + [
        ("directions", "steel.no_such_direction")
    ]
    page = provider.post("/portal/submissions/new", unknown)
    assert page.status_code == 422
    assert field_error(page.text, "directions") == "未知的改造方向，请重新选择"
    assert count_rows(db_url, Submission) == 0


def test_refresh_keeps_input_and_saves_nothing(people: dict[str, Visitor], db_url: str) -> None:
    fields = [*replace(form_fields(sample_record()), section="steel"), ("action", "refresh")]
    page = people["provider"].post("/portal/submissions/new", fields)
    assert page.status_code == 200
    assert 'value="高炉炼铁"' in page.text  # the steel section's process vocabulary
    assert 'name="sources.2.id"' in page.text  # more blank rows
    assert count_rows(db_url, Submission) == 0


def test_stale_lock_version_is_explained(people: dict[str, Visitor]) -> None:
    provider = people["provider"]
    sub = submission_id(provider.post("/portal/submissions/new", form_fields(sample_record())))
    fields = form_fields(sample_record())
    first = provider.post(f"/portal/submissions/{sub}/edit", [*fields, ("lock_version", "1")])
    assert first.status_code == 303
    stale = provider.post(
        f"/portal/submissions/{sub}/edit", [*replace(fields, name_zh="旧窗口"), ("lock_version", "1")]
    )
    assert stale.status_code == 409
    assert "已被修改" in stale.text and 'value="旧窗口"' in stale.text
    assert lock_of(stale.text) == "2"  # saving again is possible, knowingly


def test_submit_and_edit_buttons_follow_status(people: dict[str, Visitor]) -> None:
    provider = people["provider"]
    sub = submission_id(provider.post("/portal/submissions/new", form_fields(sample_record())))
    page = provider.get(f"/portal/submissions/{sub}").text
    assert "提交审核" in page and f"/portal/submissions/{sub}/edit" in page
    submitted = provider.post(f"/portal/submissions/{sub}/submit", {"lock_version": lock_of(page)})
    assert submitted.status_code == 303
    page = provider.get(f"/portal/submissions/{sub}").text
    assert "已提交" in page and f"/portal/submissions/{sub}/edit" not in page
    assert provider.get(f"/portal/submissions/{sub}/edit").status_code == 409


def test_csrf_token_is_required(people: dict[str, Visitor], db_url: str) -> None:
    provider = people["provider"]
    fields = form_fields(sample_record())
    assert provider.post("/portal/submissions/new", fields, csrf="wrong").status_code == 403
    assert provider.post("/portal/submissions/new", fields, csrf="-").status_code == 403
    assert provider.post("/portal/organisation", {"name": "x" * 5, "kind": "esco"}, csrf="-").status_code == 403
    assert count_rows(db_url, Submission) == 0


def test_organisation_profile_update_is_audited(people: dict[str, Visitor], db_url: str) -> None:
    provider = people["provider"]
    bad = provider.post("/portal/organisation", {"name": "x", "kind": "nope"})
    assert bad.status_code == 422
    assert field_error(bad.text, "name") and field_error(bad.text, "kind")
    values = {"name": "新名称机构", "kind": "esco", "region": "新疆哈密", "contact": "0902-1234", "description": "简介"}
    done = provider.post("/portal/organisation", values)
    assert done.status_code == 303 and done.headers["location"] == "/portal?done=organisation"
    page = provider.get("/portal").text
    assert "新名称机构" in page and "新疆哈密" in page
    assert count_rows(db_url, AuditEvent, AuditEvent.action == "provider.update") == 1


def test_user_text_is_escaped(people: dict[str, Visitor]) -> None:
    provider, curator = people["provider"], people["curator"]
    fields = replace(form_fields(sample_record()), name_zh="<script>alert(1)</script>")
    sub = submission_id(provider.post("/portal/submissions/new", [*fields, ("action", "submit")]))
    page = curator.get(f"/curator/submissions/{sub}").text
    step = curator.post(
        f"/curator/submissions/{sub}/request-changes",
        {"lock_version": lock_of(page), "comment": "<img src=x onerror=alert(2)>"},
    )
    assert step.status_code == 303
    for html in (
        provider.get("/portal").text,
        provider.get(f"/portal/submissions/{sub}").text,
        curator.get(f"/curator/submissions/{sub}").text,
        curator.get("/curator?status=all").text,
    ):
        assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in provider.get(f"/portal/submissions/{sub}").text
    assert "&lt;img src=x onerror=alert(2)&gt;" in provider.get(f"/portal/submissions/{sub}").text


# ------------------------------------------------------------------ the whole path


def test_provider_to_curator_to_public_page(people: dict[str, Visitor]) -> None:
    provider, curator = people["provider"], people["curator"]
    record = sample_record("page-flow-heat-pump", "页面流程热泵干燥")
    fields = form_fields(record)

    # A validation error first: 422 with the message at the field, nothing saved.
    bad = provider.post("/portal/submissions/new", replace(fields, summary="短"))
    assert bad.status_code == 422 and field_error(bad.text, "summary") == "至少 10 个字"
    created = provider.post("/portal/submissions/new", [*fields, ("action", "save")])
    assert created.status_code == 303
    sub = submission_id(created)
    page = provider.get(created.headers["location"]).text
    assert "草稿已保存" in page and "草稿" in page
    assert provider.post(f"/portal/submissions/{sub}/submit", {"lock_version": lock_of(page)}).status_code == 303

    # The curator finds it in the queue, claims it and asks for changes.
    queue = curator.get("/curator").text
    assert "页面流程热泵干燥" in queue and f"/curator/submissions/{sub}/claim" in queue
    claimed = curator.post(f"/curator/submissions/{sub}/claim", {"lock_version": lock_of(queue)})
    assert claimed.status_code == 303
    page = curator.get(f"/curator/submissions/{sub}").text
    assert "审核中" in page
    missing = curator.post(f"/curator/submissions/{sub}/request-changes", {"lock_version": lock_of(page)})
    assert missing.status_code == 422
    assert field_error(missing.text, "request-changes.comment") == "请说明需要修改的内容"
    asked = curator.post(
        f"/curator/submissions/{sub}/request-changes", {"lock_version": lock_of(page), "comment": "请补充案例来源"}
    )
    assert asked.status_code == 303

    # The provider sees the comment, revises and resubmits in one go.
    portal = provider.get("/portal").text
    assert "退回修改" in portal and "请补充案例来源" in portal
    page = provider.get(f"/portal/submissions/{sub}").text
    assert "请补充案例来源" in page
    form = provider.get(f"/portal/submissions/{sub}/edit").text
    revised = replace(fields, summary=record["summary"] + "（已补充来源）")
    resubmitted = provider.post(
        f"/portal/submissions/{sub}/edit", [*revised, ("lock_version", lock_of(form)), ("action", "submit")]
    )
    assert resubmitted.status_code == 303
    assert "已提交" in provider.get(f"/portal/submissions/{sub}").text

    # The curator approves; the technology is public.
    page = curator.get(f"/curator/submissions/{sub}").text
    approved = curator.post(f"/curator/submissions/{sub}/approve", {"lock_version": lock_of(page), "comment": "同意"})
    assert approved.status_code == 303
    assert "已通过并发布" in curator.get(approved.headers["location"]).text
    public = people["anonymous"].get("/technologies/page-flow-heat-pump")
    assert public.status_code == 200 and "页面流程热泵干燥" in public.text
    assert "（已补充来源）" in public.text
    assert "已发布" in provider.get(f"/portal/submissions/{sub}").text
    portal = provider.get("/portal").text
    assert "/portal/technologies/page-flow-heat-pump/edit" in portal

    # The provider proposes an edit of the published entry: straight to its form.
    opened = provider.post("/portal/technologies/page-flow-heat-pump/edit", {})
    assert opened.status_code == 303
    assert re.fullmatch(r"/portal/submissions/\d+/edit", opened.headers["location"])
    assert "修改提交" in provider.get(opened.headers["location"]).text
    again = provider.post("/portal/technologies/page-flow-heat-pump/edit", {})
    assert again.status_code == 409


# ------------------------------------------------------------------ translations


def test_every_portal_curator_and_me_string_has_an_english_translation() -> None:
    from web import curator, me, portal
    from web.accounts import PROVIDER_KINDS
    from web.i18n import EN

    repo = Path(__file__).resolve().parent.parent
    used: set[str] = set()
    for folder in ("portal", "curator", "me"):
        for template in (repo / "web" / "templates" / folder).rglob("*.html"):
            source = template.read_text(encoding="utf-8")
            used |= {s for s in re.findall(r'"([^"\n]+)"', source) if "{{" not in s and "{%" not in s}
            used |= {s for s in re.findall(r"'([^'\n]+)'", source) if "{{" not in s and '"' not in s}
    for module in (portal, curator, me, record_form):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        used |= set(re.findall(r'Message\(\s*"([^"]+)"\s*[,)]', source))
    used |= {portal.INVALID_NOTICE.text, portal.STALE_NOTICE.text}
    for table in (
        portal.STATUS_ZH,
        portal.COMMENT_KIND_ZH,
        portal.DONE,
        curator.DONE,
        curator.QUEUE_STATUSES,
        me.DONE,
        record_form.FIELD_LABELS,
        record_form.PART_LABELS,
        record_form.SOURCE_KIND_LABELS,
        record_form.PATTERN_HINTS,
        record_form.REFERENCE_MESSAGES,
        PROVIDER_KINDS,
    ):
        used |= set(table.values())
    chinese = {s for s in used if re.search(r"[\u4e00-\u9fff]", s)}
    assert len(chinese) > 150 and sorted(chinese - set(EN)) == []


def test_portal_in_english(people: dict[str, Visitor]) -> None:
    provider = people["provider"]
    provider.client.cookies.clear()
    provider.client.cookies.set("lc_session", provider.secret or "")
    provider.client.cookies.set("lang", "en")
    page = provider.client.get("/portal/submissions/new", follow_redirects=False).text
    assert "Submit a new technology" in page and "Technology code" in page
