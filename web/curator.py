"""Curator workspace: the review queue, one submission's diff and decisions, bulk import, the audit log,
and archiving published technologies."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from api.deps import SessionDep
from catalogue import audit, queries, review
from catalogue import io as catalogue_io
from catalogue.accounts import Actor
from catalogue.errors import Conflict, FieldError, InvalidData, NotFound
from catalogue.models import Provider, Submission, Technology, User
from catalogue.permissions import Perm, require
from catalogue.workflow import Action, Status, next_status
from web.portal import (
    STATUS_ZH,
    CatalogueNames,
    PageRoute,
    actor_of,
    comment_thread,
    done_message,
    record_context,
    show,
    users_by_id,
)
from web.record_form import FIELD_LABELS, Message
from web.security import read_form

router = APIRouter(include_in_schema=False, route_class=PageRoute)

QUEUE_PER_PAGE = 25
AUDIT_PER_PAGE = 50
STEPS: dict[str, Action] = {
    "claim": Action.CLAIM,
    "approve": Action.APPROVE,
    "request-changes": Action.REQUEST_CHANGES,
    "reject": Action.REJECT,
}
QUEUE_STATUSES = {
    "": "待审（已提交与审核中）",
    Status.SUBMITTED.value: STATUS_ZH[Status.SUBMITTED.value],
    Status.IN_REVIEW.value: STATUS_ZH[Status.IN_REVIEW.value],
    Status.CHANGES_REQUESTED.value: STATUS_ZH[Status.CHANGES_REQUESTED.value],
    Status.DRAFT.value: STATUS_ZH[Status.DRAFT.value],
    Status.PUBLISHED.value: STATUS_ZH[Status.PUBLISHED.value],
    Status.REJECTED.value: STATUS_ZH[Status.REJECTED.value],
    "all": "全部",
}
DONE = {
    "claim": "已认领，状态变为“审核中”。",
    "approve": "已通过并发布。",
    "request-changes": "已退回修改，提供方会看到您的意见。",
    "reject": "已驳回。",
    "comment": "评论已发表。",
    "archived": "已归档：该技术不再出现在公开目录中（历史版本保留）。",
}
AUDIT_ACTIONS = (
    "submission.create",
    "submission.update",
    "submission.propose_edit",
    "submission.submit",
    "submission.claim",
    "submission.request_changes",
    "submission.approve",
    "submission.reject",
    "technology.publish",
    "technology.archive",
    "catalogue.import",
    "provider.update",
    "user.register",
)
AUDIT_TARGETS = ("submission", "technology", "catalogue", "provider", "user")
EXPORT_FORMATS = ("json", "csv", "xlsx")


def _curator(request: Request) -> Actor:
    actor = actor_of(request)
    require(actor, Perm.REVIEW)
    return actor


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else 1


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


# ------------------------------------------------------------------ queue


@router.get("/curator", response_class=HTMLResponse)
def queue(
    request: Request, session: SessionDep, section: str = "", status: str = "", age: str = "", page: str = "1"
) -> HTMLResponse:
    """The review queue, oldest submission first, with filters."""
    _curator(request)
    names = CatalogueNames(session)
    params = {
        "section": section if section in names.sections else "",
        "status": status if status in QUEUE_STATUSES else "",
        "age": age if age.isdigit() and len(age) <= 4 else "",
    }
    if params["status"] == "all":
        statuses: tuple[str, ...] = ()
    elif params["status"]:
        statuses = (params["status"],)
    else:
        statuses = review.QueueFilters().statuses
    filters = review.QueueFilters(
        section=params["section"] or None,
        statuses=statuses,
        older_than_days=int(params["age"]) if params["age"] else None,
    )
    number = _page_number(page)
    rows, total = review.list_submissions(session, filters, page=number, per_page=QUEUE_PER_PAGE)
    people = users_by_id(session, {s.claimed_by for s in rows})
    now = datetime.now(UTC)

    def url(n: int) -> str:
        return "/curator?" + urlencode({**{k: v for k, v in params.items() if v}, "page": n})

    return show(
        request,
        "curator/queue.html",
        {
            "rows": [
                {
                    "sub": s,
                    "waiting": (now - s.submitted_at).days if s.submitted_at else None,
                    "claimed": people.get(s.claimed_by or 0),
                    "can_claim": next_status(s.status, Action.CLAIM) is not None,
                }
                for s in rows
            ],
            "total": total,
            "found": {"page": number},
            "pages": _pages(total, QUEUE_PER_PAGE),
            "page_url": url,
            "params": params,
            "names": names,
            "queue_statuses": QUEUE_STATUSES,
        },
    )


# ------------------------------------------------------------------ one submission


def _diff_rows(session: Session, sub: Submission) -> list[dict[str, Any]]:
    """review.diff, shaped for reading: lists as added/removed items, text side by side."""
    rows = []
    for change in review.diff(session, sub):
        before, after = change["before"], change["after"]
        row: dict[str, Any] = {"field": change["field"], "label": FIELD_LABELS.get(change["field"], change["field"])}
        if isinstance(before, list | type(None)) and isinstance(after, list | type(None)) and (before or after):
            old, new = before or [], after or []
            row["kind"] = "list"
            row["added"] = [x for x in new if x not in old]
            row["removed"] = [x for x in old if x not in new]
            row["reordered"] = not row["added"] and not row["removed"]
        elif isinstance(before, dict) or isinstance(after, dict):
            row["kind"] = "object"
            row["before"], row["after"] = before, after
        else:
            row["kind"] = "text"
            row["before"], row["after"] = before, after
        rows.append(row)
    return rows


def _submission_page(
    request: Request,
    session: Session,
    actor: Actor,
    sub: Submission,
    *,
    notice: str | None = None,
    problem: Message | None = None,
    form_errors: dict[str, Message] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    published = session.get(Technology, sub.technology_id) if sub.technology_id else None
    people = users_by_id(session, {sub.claimed_by, sub.created_by})
    provider = session.get(Provider, sub.provider_id) if sub.provider_id is not None else None
    steps = {name: next_status(sub.status, action) is not None for name, action in STEPS.items()}
    return show(
        request,
        "curator/submission.html",
        {
            "sub": sub,
            "diff": _diff_rows(session, sub),
            "thread": comment_thread(session, sub),
            "published": published,
            "provider": provider,
            "claimed": people.get(sub.claimed_by or 0),
            "author": people.get(sub.created_by or 0),
            "steps": steps,
            "notice": notice,
            "problem": problem,
            "form_errors": form_errors or {},
            "typed": typed or {},
            "is_mine": sub.claimed_by == actor.user_id,
            **record_context(session, sub.record),
        },
        status_code=status_code,
    )


@router.get("/curator/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(request: Request, submission_id: int, session: SessionDep, done: str = "") -> HTMLResponse:
    """Review one submission: the changes against the published version, the full record, the thread."""
    actor = _curator(request)
    sub = review.get_submission(session, actor, submission_id)
    return _submission_page(request, session, actor, sub, notice=done_message(done, DONE))


def _lock(raw: Any) -> int:
    value = raw.get("lock_version")
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else 0


@router.post("/curator/submissions/{submission_id}/comment")
async def comment(request: Request, submission_id: int, session: SessionDep) -> Response:
    """A review comment."""
    raw = await read_form(request)
    actor = _curator(request)
    text = str(raw.get("comment") or "")
    try:
        review.comment(session, actor, submission_id, text)
    except InvalidData as exc:
        session.rollback()
        sub = review.get_submission(session, actor, submission_id)
        errors = {"comment": Message(exc.detail.split(" (")[0] or "请填写评论")}
        return _submission_page(
            request, session, actor, sub, form_errors=errors, typed={"comment": text}, status_code=422
        )
    return RedirectResponse(f"/curator/submissions/{submission_id}?done=comment#comments", status_code=303)


@router.post("/curator/submissions/{submission_id}/{step}")
async def take_step(request: Request, submission_id: int, step: str, session: SessionDep) -> Response:
    """Claim, approve (publishes), request changes (comment required) or reject (reason required)."""
    raw = await read_form(request)
    actor = _curator(request)
    action = STEPS.get(step)
    if action is None:
        raise NotFound(f"unknown step '{step[:40]}'")
    text = str(raw.get("comment") or "")
    try:
        review.transition(session, actor, submission_id, action, _lock(raw), text)
    except InvalidData as exc:
        session.rollback()
        sub = review.get_submission(session, actor, submission_id)
        errors = {f"{step}.comment": Message(exc.detail)}
        return _submission_page(
            request, session, actor, sub, form_errors=errors, typed={step: text}, status_code=exc.status
        )
    except Conflict as exc:
        session.rollback()
        sub = review.get_submission(session, actor, submission_id)
        problem = Message("操作未执行：{detail}", {"detail": exc.detail})
        return _submission_page(request, session, actor, sub, problem=problem, typed={step: text}, status_code=409)
    return RedirectResponse(f"/curator/submissions/{submission_id}?done={step}", status_code=303)


# ------------------------------------------------------------------ technologies (any status) and archiving


@router.get("/curator/technologies", response_class=HTMLResponse)
def technologies(request: Request, session: SessionDep, q: str = "", status: str = "", page: str = "1") -> HTMLResponse:
    """Find a technology in any status (published, archived, draft...)."""
    _curator(request)
    status = status if status in STATUS_ZH else ""
    filters = queries.TechnologyFilters(q=q.strip()[:200] or None, statuses=[status] if status else list(STATUS_ZH))
    number = _page_number(page)
    found = queries.list_technologies(session, filters, page=number, per_page=QUEUE_PER_PAGE, sort="code")
    params = {"q": q.strip()[:200], "status": status}

    def url(n: int) -> str:
        return "/curator/technologies?" + urlencode({**{k: v for k, v in params.items() if v}, "page": n})

    return show(
        request,
        "curator/technologies.html",
        {"found": found, "pages": _pages(found.total, found.per_page), "page_url": url, "params": params},
    )


def _technology_page(
    request: Request,
    session: Session,
    code: str,
    *,
    notice: str | None = None,
    errors: dict[str, Message] | None = None,
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    found = queries.get_technology(session, code[:80])
    if found is None:
        raise NotFound(f"没有这项技术：{code[:80]}")
    tech, provider = found
    assert tech.id is not None
    subs = session.exec(
        select(Submission).where(Submission.technology_code == tech.code).order_by(col(Submission.id).desc())
    ).all()
    return show(
        request,
        "curator/technology.html",
        {
            "tech": tech,
            "provider": provider,
            "versions": queries.technology_versions(session, tech.id),
            "submissions": list(subs),
            "can_archive": next_status(tech.status, Action.ARCHIVE) is not None,
            "notice": notice,
            "errors": errors or {},
            "reason": reason,
            **record_context(session, tech.record),
        },
        status_code=status_code,
    )


@router.get("/curator/technologies/{code}", response_class=HTMLResponse)
def technology_page(request: Request, code: str, session: SessionDep, done: str = "") -> HTMLResponse:
    """A technology as curators see it: any status, its versions and submissions, the archive form."""
    _curator(request)
    return _technology_page(request, session, code, notice=done_message(done, DONE))


@router.post("/curator/technologies/{code}/archive")
async def archive(request: Request, code: str, session: SessionDep) -> Response:
    """Withdraw a published technology from the public catalogue, with a reason (audited)."""
    raw = await read_form(request)
    actor = actor_of(request)
    require(actor, Perm.ARCHIVE)
    reason = str(raw.get("reason") or "")[:2000]
    try:
        review.archive_technology(session, actor, code[:80], reason)
    except InvalidData:
        session.rollback()
        errors = {"reason": Message("请说明归档理由")}
        return _technology_page(request, session, code, errors=errors, reason=reason, status_code=422)
    return RedirectResponse(f"/curator/technologies/{code[:80]}?done=archived", status_code=303)


# ------------------------------------------------------------------ import / export


def _import_page(
    request: Request,
    *,
    counts: dict[str, int] | None = None,
    problem: str | None = None,
    errors: list[FieldError] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return show(
        request,
        "curator/import.html",
        {
            "counts": counts,
            "problem": problem,
            "errors": sorted(errors or [], key=lambda e: (e.row or 0, e.field)),
            "formats": EXPORT_FORMATS,
            "status_values": list(STATUS_ZH),
        },
        status_code=status_code,
    )


@router.get("/curator/import", response_class=HTMLResponse)
def import_form(
    request: Request, created: str = "", updated: str = "", unchanged: str = "", file: str = ""
) -> HTMLResponse:
    """Upload a JSON, CSV or XLSX file of technology records; export links."""
    require(actor_of(request), Perm.IMPORT)
    counts = None
    if any((created, updated, unchanged)):
        counts = {
            k: int(v) if v.isdigit() else 0
            for k, v in (("created", created), ("updated", updated), ("unchanged", unchanged))
        }
    return _import_page(request, counts=counts)


@router.post("/curator/import")
async def import_upload(request: Request, session: SessionDep) -> Response:
    """All-or-nothing import: one bad row means nothing is written, and every problem is listed."""
    raw = await read_form(request)
    actor = actor_of(request)
    require(actor, Perm.IMPORT)
    upload = raw.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        await raw.close()
        return _import_page(request, problem="请选择要导入的文件", status_code=422)
    try:
        fmt = catalogue_io.format_of(upload.filename)
        content = await upload.read()
        counts = catalogue_io.import_bytes(session, content, fmt, by_user=actor.user_id)
    except InvalidData as exc:
        await raw.close()
        session.rollback()
        if not exc.errors:
            return _import_page(request, problem=exc.detail, status_code=422)
        return _import_page(request, problem=exc.detail, errors=exc.errors, status_code=422)
    await raw.close()
    audit.record(session, actor, "catalogue.import", "catalogue", upload.filename[:80], after=dict(counts))
    query = urlencode({k: counts.get(k, 0) for k in ("created", "updated", "unchanged")})
    return RedirectResponse(f"/curator/import?{query}", status_code=303)


# ------------------------------------------------------------------ audit log


def _parse_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


@router.get("/curator/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: SessionDep,
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    page: str = "1",
) -> HTMLResponse:
    """The audit trail, newest first, filtered by action, target and actor (e-mail)."""
    require(actor_of(request), Perm.AUDIT_READ)
    params = {
        "action": action.strip()[:40],
        "target_type": target_type if target_type in AUDIT_TARGETS else "",
        "target_id": target_id.strip()[:80],
        "actor": actor.strip()[:254],
        "since": since.strip()[:10] if _parse_date(since.strip()[:10]) else "",
        "until": until.strip()[:10] if _parse_date(until.strip()[:10]) else "",
    }
    actor_id: int | None = None
    unknown_actor = False
    if params["actor"]:
        found = session.exec(select(User.id).where(User.email == params["actor"].lower())).first()
        if found is None:
            unknown_actor = True
        actor_id = found if found is not None else -1  # an unknown e-mail matches nothing
    until_at = _parse_date(params["until"])
    filters = audit.AuditFilters(
        actor_id=actor_id,
        action=params["action"] or None,
        target_type=params["target_type"] or None,
        target_id=params["target_id"] or None,
        since=_parse_date(params["since"]),
        until=until_at + timedelta(days=1) if until_at else None,
    )
    number = _page_number(page)
    rows, total = audit.list_events(session, filters, page=number, per_page=AUDIT_PER_PAGE)

    def url(n: int) -> str:
        return "/curator/audit?" + urlencode({**{k: v for k, v in params.items() if v}, "page": n})

    return show(
        request,
        "curator/audit.html",
        {
            "rows": rows,
            "total": total,
            "found": {"page": number},
            "pages": _pages(total, AUDIT_PER_PAGE),
            "page_url": url,
            "params": params,
            "actions": AUDIT_ACTIONS,
            "targets": AUDIT_TARGETS,
            "unknown_actor": unknown_actor,
        },
    )
