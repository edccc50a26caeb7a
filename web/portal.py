"""Provider portal: the organisation's profile, its technologies and submissions, the technology form.

Also the pieces the curator and enterprise pages share: `PageRoute` (a visitor who must sign in is
sent to /login instead of an error page), status labels and the review comment thread.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlmodel import Session, col, select

from api.deps import SessionDep
from catalogue import audit, queries, review
from catalogue.accounts import Actor
from catalogue.errors import Conflict, InvalidData, InvalidTransition, NotFound, StaleVersion, Unauthorized
from catalogue.models import Provider, Submission, Technology, User
from catalogue.permissions import CURATING, Perm, require
from catalogue.records import FIGURE_FIELDS, EvidenceLevel, Maturity, SourceKind
from catalogue.workflow import Action, Status, next_status
from web import record_form
from web.accounts import PROVIDER_KINDS
from web.record_form import Message, RecordForm
from web.render import render
from web.security import read_form

STATUS_ZH = {
    Status.DRAFT.value: "草稿",
    Status.SUBMITTED.value: "已提交",
    Status.IN_REVIEW.value: "审核中",
    Status.CHANGES_REQUESTED.value: "退回修改",
    Status.PUBLISHED.value: "已发布",
    Status.REJECTED.value: "已驳回",
    Status.ARCHIVED.value: "已归档",
}
COMMENT_KIND_ZH = {
    "comment": "评论",
    "request_changes": "退回修改",
    "reject": "驳回理由",
    "approve": "通过意见",
}
FIGURE_LABELS = {name: record_form.FIELD_LABELS[name] for name in FIGURE_FIELDS}
# Fixed notices after a redirect (?done=...): never text from the request itself.
DONE = {
    "created": "草稿已保存。检查无误后请点击“提交审核”。",
    "saved": "修改已保存。",
    "submitted": "已提交审核，审核人员处理后会在此显示意见。",
    "commented": "评论已发表。",
    "organisation": "机构信息已更新。",
    "edit_opened": "已创建修改草稿：已发布版本在审核通过前保持不变。",
}


# ------------------------------------------------------------------ shared page helpers


def safe_path(value: Any) -> str | None:
    """A same-site path, or None: never send anyone to another host."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    parts = urlsplit(value)
    return None if parts.scheme or parts.netloc else value


def login_url(request: Request) -> str:
    target: str | None = None
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        referer = urlsplit(request.headers.get("referer", ""))
        if referer.netloc == request.url.netloc:
            target = safe_path(referer.path + (f"?{referer.query}" if referer.query else ""))
    return "/login?next=" + quote(target or "/", safe="/")


class PageRoute(APIRoute):
    """Signed-in pages: Unauthorized (anonymous visitor) becomes a 303 to /login?next=...; every other
    DomainError still renders the HTML error page (api.errors)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Unauthorized:
                return RedirectResponse(login_url(request), status_code=303)

        return route


def actor_of(request: Request) -> Actor:
    actor: Actor = request.state.actor
    return actor


def show(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render with the labels every portal, curator and /me page uses."""
    shared = {
        "status_zh": STATUS_ZH,
        "comment_kind_zh": COMMENT_KIND_ZH,
        "figure_labels": FIGURE_LABELS,
        "source_kinds": record_form.SOURCE_KIND_LABELS,
        "part_labels": record_form.PART_LABELS,
    }
    return render(request, template, {**shared, **context}, status_code=status_code)


def done_message(done: str, table: dict[str, str]) -> str | None:
    return table.get(done[:40])


def users_by_id(session: Session, ids: set[int | None]) -> dict[int, User]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(wanted))).all() if u.id is not None}


def comment_thread(session: Session, sub: Submission) -> list[dict[str, Any]]:
    """The submission's comments, oldest first, each with its author's name and whether a curator wrote it."""
    found = review.comments(session, sub)
    authors = users_by_id(session, {c.author_id for c in found})
    out = []
    for c in found:
        author = authors.get(c.author_id or 0)
        out.append(
            {
                "comment": c,
                "author": author.display_name if author else "—",
                "curator": bool(author and author.role in CURATING),
            }
        )
    return out


class CatalogueNames:
    """Sections and directions by code (labels for forms and record views)."""

    def __init__(self, session: Session) -> None:
        self.sections = {s.code: s for s in queries.list_sections(session)}
        self.directions = {d.code: d for d in queries.list_directions(session)}

    def grouped_directions(self) -> list[tuple[Any, list[Any]]]:
        groups: dict[str, list[Any]] = {}
        for d in self.directions.values():
            groups.setdefault(d.section_code, []).append(d)
        return [(s, groups.get(code, [])) for code, s in self.sections.items()]


# ------------------------------------------------------------------ portal

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _provider_actor(request: Request) -> Actor:
    """A provider with an organisation (anonymous: Unauthorized, so PageRoute sends them to sign in)."""
    actor = actor_of(request)
    require(actor, Perm.SUBMISSION_CREATE, actor.provider_id)
    return actor


def _organisation(session: Session, actor: Actor) -> Provider:
    provider = session.get(Provider, actor.provider_id)
    if provider is None:
        raise NotFound("没有找到所属机构 (no provider organisation)")
    return provider


def _portal(
    request: Request,
    session: Session,
    actor: Actor,
    org_form: dict[str, str] | None = None,
    org_errors: dict[str, Message] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    provider = _organisation(session, actor)
    published = queries.list_technologies(
        session, queries.TechnologyFilters(provider_id=provider.id, statuses=[Status.PUBLISHED.value]), per_page=100
    ).items
    subs, _ = review.list_submissions(session, review.QueueFilters(statuses=(), provider_id=provider.id), per_page=100)
    subs.sort(key=lambda s: s.updated_at, reverse=True)
    rows = []
    open_codes = set()
    for sub in subs:
        thread = [c for c in comment_thread(session, sub) if c["curator"]]
        rows.append({"sub": sub, "latest": thread[-1] if thread else None})
        if sub.status in {s.value for s in review.OPEN_STATUSES}:
            open_codes.add(sub.technology_code)
    values = org_form or {
        "name": provider.name,
        "kind": provider.kind,
        "region": provider.region or "",
        "contact": provider.contact or "",
        "description": provider.description,
    }
    return show(
        request,
        "portal/index.html",
        {
            "provider": provider,
            "org": values,
            "org_errors": org_errors or {},
            "kinds": PROVIDER_KINDS,
            "published": published,
            "submissions": rows,
            "open_codes": open_codes,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/portal", response_class=HTMLResponse)
def portal_home(request: Request, session: SessionDep, done: str = "") -> HTMLResponse:
    """The provider's organisation, its published technologies and its submissions."""
    actor = _provider_actor(request)
    return _portal(request, session, actor, notice=done_message(done, DONE))


ORG_LIMITS = {"name": 200, "kind": 40, "region": 100, "contact": 200, "description": 4000}


@router.post("/portal/organisation")
async def update_organisation(request: Request, session: SessionDep) -> Response:
    """Edit the organisation profile (audited)."""
    form = await read_form(request)
    actor = _provider_actor(request)
    provider = _organisation(session, actor)
    values = {k: str(form.get(k) or "").strip() for k in ORG_LIMITS}
    errors: dict[str, Message] = {}
    if len(values["name"]) < 2:
        errors["name"] = Message("请填写机构名称（至少 2 个字）")
    if values["kind"] not in PROVIDER_KINDS:
        errors["kind"] = Message("请选择有效的选项")
    for name, limit in ORG_LIMITS.items():
        if len(values[name]) > limit and name not in errors:
            errors[name] = Message("最多 {n} 个字", {"n": limit})
    if errors:
        return _portal(request, session, actor, values, errors, status_code=422)
    before = {"name": provider.name, "kind": provider.kind, "region": provider.region, "contact": provider.contact}
    provider.name, provider.kind = values["name"], values["kind"]
    provider.region = values["region"] or None
    provider.contact = values["contact"] or None
    provider.description = values["description"]
    session.add(provider)
    session.flush()
    after = {"name": provider.name, "kind": provider.kind, "region": provider.region, "contact": provider.contact}
    audit.record(session, actor, "provider.update", "provider", provider.id or 0, before=before, after=after)
    return RedirectResponse("/portal?done=organisation", status_code=303)


# ------------------------------------------------------------------ the technology form


def _form_page(
    request: Request,
    session: Session,
    form: RecordForm,
    *,
    sub: Submission | None = None,
    errors: dict[str, Message] | None = None,
    notice: Message | None = None,
    lock_version: int | None = None,
    extra_rows: int = 1,
    status_code: int = 200,
) -> HTMLResponse:
    names = CatalogueNames(session)
    section = form.get("section")
    vocabulary = queries.vocabulary(session).get(section, {}) if section else {}
    tag_choices = {}
    for kind, name in (("process", "processes"), ("equipment", "equipment")):
        terms = list(vocabulary.get(kind, []))
        checked, other = form.tag_split(name, terms)
        tag_choices[name] = {"terms": terms, "checked": checked, "other": other}
    errors = errors or {}
    return show(
        request,
        "portal/form.html",
        {
            "form": form,
            "sub": sub,
            "action": f"/portal/submissions/{sub.id}/edit" if sub else "/portal/submissions/new",
            "lock_version": lock_version if lock_version is not None else (sub.lock_version if sub else None),
            "errors": errors,
            "error_lines": record_form.summary(errors),
            "notice": notice,
            "names": names,
            "grouped_directions": names.grouped_directions(),
            "tag_choices": tag_choices,
            "maturities": [m.value for m in Maturity],
            "evidence_levels": [e.value for e in EvidenceLevel],
            "source_kind_values": [k.value for k in SourceKind],
            "figure_fields": FIGURE_FIELDS,
            "sources": form.table("sources", extra_rows),
            "cases": form.table("cases", extra_rows),
            "scale_limits": form.table("scale_limits", extra_rows),
            "trl_values": list(range(1, 10)),
        },
        status_code=status_code,
    )


INVALID_NOTICE = Message("表单有误，请按提示修改。尚未保存。")


def _checked(form: RecordForm) -> tuple[dict[str, Any], dict[str, Message]]:
    data, errors = record_form.to_data(form)
    return data, record_form.validate(data, errors)


@router.get("/portal/submissions/new", response_class=HTMLResponse)
def new_submission_form(request: Request, session: SessionDep, section: str = "") -> HTMLResponse:
    """An empty technology form."""
    _provider_actor(request)
    known = CatalogueNames(session).sections
    return _form_page(request, session, record_form.blank_form(section if section in known else ""))


@router.post("/portal/submissions/new")
async def create_submission(request: Request, session: SessionDep) -> Response:
    """Save a new draft (and optionally submit it for review at once)."""
    raw = await read_form(request)
    actor = _provider_actor(request)
    form = record_form.read(raw)
    action = raw.get("action")
    if action == "refresh":  # no-JavaScript: new section's vocabulary, more blank rows; nothing saved
        return _form_page(request, session, form, extra_rows=2)
    data, errors = _checked(form)
    if errors:
        return _form_page(request, session, form, errors=errors, notice=INVALID_NOTICE, status_code=422)
    try:
        sub = review.create_submission(session, actor, data)
    except InvalidData as exc:
        session.rollback()
        errors = record_form.domain_messages(exc.errors) or {"(record)": Message(exc.detail)}
        return _form_page(request, session, form, errors=errors, notice=INVALID_NOTICE, status_code=422)
    except Conflict as exc:
        session.rollback()
        errors = record_form.domain_messages(exc.errors) or {"(record)": Message(exc.detail)}
        return _form_page(request, session, form, errors=errors, notice=INVALID_NOTICE, status_code=409)
    assert sub.id is not None
    if action == "submit":
        review.transition(session, actor, sub.id, Action.SUBMIT, sub.lock_version)
        return RedirectResponse(f"/portal/submissions/{sub.id}?done=submitted", status_code=303)
    return RedirectResponse(f"/portal/submissions/{sub.id}?done=created", status_code=303)


def _own_submission(request: Request, session: Session, submission_id: int) -> tuple[Actor, Submission]:
    actor = _provider_actor(request)
    return actor, review.get_submission(session, actor, submission_id)


def _editable(sub: Submission) -> bool:
    return next_status(sub.status, Action.REVISE) is not None


@router.get("/portal/submissions/{submission_id}/edit", response_class=HTMLResponse)
def edit_submission_form(request: Request, submission_id: int, session: SessionDep) -> HTMLResponse:
    """The technology form filled with the submission's record."""
    actor, sub = _own_submission(request, session, submission_id)
    require(actor, Perm.SUBMISSION_EDIT, sub)
    if not _editable(sub):
        raise InvalidTransition(
            f"状态为“{STATUS_ZH.get(sub.status, sub.status)}”的提交不能修改 (cannot edit a '{sub.status}' submission)"
        )
    return _form_page(request, session, record_form.from_record(sub.record), sub=sub)


def _lock(raw: Any) -> int:
    value = raw.get("lock_version")
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else 0


STALE_NOTICE = Message(
    "保存失败：此提交在您编辑期间已被修改（可能在另一个窗口中保存过，或状态已变化）。"
    "下面保留了您的输入；请先查看最新版本，确认后再次保存将覆盖它。"
)


@router.post("/portal/submissions/{submission_id}/edit")
async def update_submission(request: Request, submission_id: int, session: SessionDep) -> Response:
    """Save changes to a draft or a returned submission (optionally submitting it)."""
    raw = await read_form(request)
    actor, sub = _own_submission(request, session, submission_id)
    form = record_form.read(raw)
    form.values["code"] = sub.technology_code  # the code is fixed once a submission exists
    lock = _lock(raw)
    action = raw.get("action")
    if action == "refresh":
        return _form_page(request, session, form, sub=sub, lock_version=lock, extra_rows=2)
    data, errors = _checked(form)
    if errors:
        return _form_page(
            request, session, form, sub=sub, errors=errors, notice=INVALID_NOTICE, lock_version=lock, status_code=422
        )
    try:
        sub = review.update_submission(session, actor, submission_id, data, lock)
    except StaleVersion:
        session.rollback()
        current = review.get_submission(session, actor, submission_id)
        return _form_page(request, session, form, sub=current, notice=STALE_NOTICE, status_code=409)
    except InvalidData as exc:
        session.rollback()
        errors = record_form.domain_messages(exc.errors) or {"(record)": Message(exc.detail)}
        return _form_page(
            request, session, form, sub=sub, errors=errors, notice=INVALID_NOTICE, lock_version=lock, status_code=422
        )
    if action == "submit":
        review.transition(session, actor, submission_id, Action.SUBMIT, sub.lock_version)
        return RedirectResponse(f"/portal/submissions/{submission_id}?done=submitted", status_code=303)
    return RedirectResponse(f"/portal/submissions/{submission_id}?done=saved", status_code=303)


def record_context(session: Session, record: dict[str, Any]) -> dict[str, Any]:
    """What the record view macro needs: catalogue names and the sources by id."""
    return {
        "record": record,
        "names": CatalogueNames(session),
        "sources_by_id": {s.get("id"): s for s in record.get("sources") or []},
    }


@router.get("/portal/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(request: Request, submission_id: int, session: SessionDep, done: str = "") -> HTMLResponse:
    """One submission: status, proposed record, curator comments, and the next steps."""
    _, sub = _own_submission(request, session, submission_id)
    return show(
        request,
        "portal/submission.html",
        {
            "sub": sub,
            "thread": comment_thread(session, sub),
            "can_edit": _editable(sub),
            "can_submit": next_status(sub.status, Action.SUBMIT) is not None,
            "published": session.get(Technology, sub.technology_id) if sub.technology_id else None,
            "notice": done_message(done, DONE),
            **record_context(session, sub.record),
        },
    )


@router.post("/portal/submissions/{submission_id}/submit")
async def submit_submission(request: Request, submission_id: int, session: SessionDep) -> Response:
    """Send a draft (or a revised submission) to the curators."""
    raw = await read_form(request)
    actor, _ = _own_submission(request, session, submission_id)
    review.transition(session, actor, submission_id, Action.SUBMIT, _lock(raw))
    return RedirectResponse(f"/portal/submissions/{submission_id}?done=submitted", status_code=303)


@router.post("/portal/submissions/{submission_id}/comment")
async def comment_submission(request: Request, submission_id: int, session: SessionDep) -> Response:
    """A reply to the curators."""
    raw = await read_form(request)
    actor, _ = _own_submission(request, session, submission_id)
    review.comment(session, actor, submission_id, str(raw.get("comment") or ""))
    return RedirectResponse(f"/portal/submissions/{submission_id}?done=commented#comments", status_code=303)


@router.post("/portal/technologies/{code}/edit")
async def propose_edit(request: Request, code: str, session: SessionDep) -> Response:
    """Open an edit of the organisation's published technology, then go to its form."""
    await read_form(request)
    actor = _provider_actor(request)
    sub = review.propose_edit(session, actor, code[:80])
    return RedirectResponse(f"/portal/submissions/{sub.id}/edit", status_code=303)
