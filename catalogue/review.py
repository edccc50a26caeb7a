"""Provider submissions and curator review.

A submission carries a proposed record: a new technology, or an edit of a published one whose public
version stays as it is until a curator approves. Each step is one call here, checked by
`permissions.can`, guarded by the submission's `lock_version` (optimistic concurrency: the step is a
conditional UPDATE, so of two concurrent approvals exactly one wins) and written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from catalogue import audit
from catalogue.accounts import Actor
from catalogue.errors import Conflict, FieldError, InvalidData, InvalidTransition, NotFound, StaleVersion
from catalogue.models import Provider, ReviewComment, Submission, Technology, utcnow
from catalogue.permissions import Perm, require
from catalogue.technologies import apply_record, new_technology, parse_record, publish
from catalogue.workflow import Action, Status, next_status

OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED)
MAX_COMMENT = 4000


def _summary(sub: Submission) -> dict[str, Any]:
    return {"status": sub.status, "lock_version": sub.lock_version, "code": sub.technology_code}


def get_submission(session: Session, actor: Actor, submission_id: int) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise NotFound(f"no submission {submission_id}")
    require(actor, Perm.SUBMISSION_READ, sub)
    return sub


def _provider_code(session: Session, provider_id: int | None) -> str | None:
    if provider_id is None:
        return None
    provider = session.get(Provider, provider_id)
    return provider.code if provider else None


def _open_submission_for(session: Session, code: str) -> Submission | None:
    stmt = select(Submission).where(
        Submission.technology_code == code, col(Submission.status).in_([s.value for s in OPEN_STATUSES])
    )
    return session.exec(stmt).first()


def create_submission(session: Session, actor: Actor, data: dict[str, Any]) -> Submission:
    """A provider's draft of a new technology; the provider field is always the actor's organisation."""
    require(actor, Perm.SUBMISSION_CREATE, actor.provider_id)
    data = {**data, "provider": _provider_code(session, actor.provider_id)}
    record = parse_record(session, data)
    taken = session.exec(select(Technology.id).where(Technology.code == record.code)).first()
    if taken is not None or _open_submission_for(session, record.code) is not None:
        raise Conflict(
            f"技术代码 '{record.code}' 已被使用 (code already in use)",
            [FieldError("code", "already used by a catalogue entry or an open submission")],
        )
    sub = Submission(
        technology_code=record.code,
        provider_id=actor.provider_id,
        section_code=record.section,
        name_zh=record.name_zh,
        status=Status.DRAFT.value,
        record=record.model_dump(mode="json"),
        created_by=actor.user_id,
    )
    session.add(sub)
    session.flush()
    audit.record(session, actor, "submission.create", "submission", sub.id or 0, after=_summary(sub))
    return sub


def propose_edit(session: Session, actor: Actor, code: str) -> Submission:
    """Open a draft edit of a published technology of the actor's own organisation."""
    tech = session.exec(select(Technology).where(Technology.code == code)).first()
    if tech is None or tech.status != Status.PUBLISHED.value:
        raise NotFound(f"no published technology with code '{code[:80]}'")
    require(actor, Perm.PROPOSE_EDIT, tech)
    if _open_submission_for(session, code) is not None:
        raise Conflict(f"技术 '{code}' 已有进行中的修改 (an edit is already open for this entry)")
    sub = Submission(
        technology_code=tech.code,
        technology_id=tech.id,
        base_version=tech.version,
        provider_id=tech.provider_id,
        section_code=tech.section_code,
        name_zh=tech.name_zh,
        status=Status.DRAFT.value,
        record=dict(tech.record),
        created_by=actor.user_id,
    )
    session.add(sub)
    session.flush()
    audit.record(session, actor, "submission.propose_edit", "submission", sub.id or 0, after=_summary(sub))
    return sub


def _bump(session: Session, sub: Submission, expected_lock: int, values: dict[str, Any]) -> None:
    """Conditional write: applies only if nobody changed the submission since `expected_lock`."""
    assert sub.id is not None
    values = {**values, "lock_version": expected_lock + 1, "updated_at": utcnow()}
    result = session.execute(
        update(Submission)
        .where(col(Submission.id) == sub.id, col(Submission.lock_version) == expected_lock)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise StaleVersion(
            f"提交已被他人修改（当前版本 {sub.lock_version}，请求版本 {expected_lock}），请刷新后重试"
            f" (stale lock_version {expected_lock})"
        )
    session.refresh(sub)


def update_submission(
    session: Session, actor: Actor, submission_id: int, data: dict[str, Any], lock_version: int
) -> Submission:
    """Replace the draft's record (only while it is a draft or returned for changes)."""
    sub = get_submission(session, actor, submission_id)
    require(actor, Perm.SUBMISSION_EDIT, sub)
    if next_status(sub.status, Action.REVISE) is None:
        raise InvalidTransition(f"状态为 {sub.status} 的提交不能修改 (cannot edit a '{sub.status}' submission)")
    data = {**data, "provider": _provider_code(session, sub.provider_id)}
    record = parse_record(session, data)
    if record.code != sub.technology_code:
        raise InvalidData("技术代码不可更改 (the code cannot change)", [FieldError("code", "cannot change")])
    before = _summary(sub)
    _bump(
        session,
        sub,
        lock_version,
        {"record": record.model_dump(mode="json"), "name_zh": record.name_zh, "section_code": record.section},
    )
    audit.record(session, actor, "submission.update", "submission", submission_id, before=before, after=_summary(sub))
    return sub


def add_comment(session: Session, actor: Actor, sub: Submission, body: str, kind: str = "comment") -> ReviewComment:
    body = body.strip()
    if not body:
        raise InvalidData("评论不能为空 (comment is empty)", [FieldError("comment", "required")])
    if len(body) > MAX_COMMENT:
        raise InvalidData("评论过长", [FieldError("comment", f"at most {MAX_COMMENT} characters")])
    assert sub.id is not None
    comment = ReviewComment(submission_id=sub.id, author_id=actor.user_id, kind=kind, body=body)
    session.add(comment)
    session.flush()
    return comment


def comment(session: Session, actor: Actor, submission_id: int, body: str) -> ReviewComment:
    sub = get_submission(session, actor, submission_id)
    require(actor, Perm.SUBMISSION_COMMENT, sub)
    return add_comment(session, actor, sub, body)


def comments(session: Session, sub: Submission) -> list[ReviewComment]:
    stmt = select(ReviewComment).where(ReviewComment.submission_id == sub.id).order_by(col(ReviewComment.id))
    return list(session.exec(stmt).all())


STEP_PERMISSION = {
    Action.SUBMIT: Perm.SUBMISSION_SUBMIT,
    Action.CLAIM: Perm.REVIEW,
    Action.REQUEST_CHANGES: Perm.REVIEW,
    Action.APPROVE: Perm.REVIEW,
    Action.REJECT: Perm.REVIEW,
}
NEEDS_COMMENT = {Action.REQUEST_CHANGES: "请说明需要修改的内容", Action.REJECT: "请说明驳回理由"}


def transition(
    session: Session, actor: Actor, submission_id: int, action: Action, lock_version: int, comment_text: str = ""
) -> Submission:
    """One workflow step: submit, claim, request changes, approve (publishes) or reject."""
    sub = get_submission(session, actor, submission_id)
    if action not in STEP_PERMISSION:
        raise InvalidTransition(f"unknown step '{action}'")
    require(actor, STEP_PERMISSION[action], sub)
    target = next_status(sub.status, action)
    if target is None:
        raise InvalidTransition(f"状态为 {sub.status} 的提交不能执行 {action.value} (not allowed from '{sub.status}')")
    if action in NEEDS_COMMENT and not comment_text.strip():
        raise InvalidData(NEEDS_COMMENT[action], [FieldError("comment", "required for this step")])
    before = _summary(sub)
    now = utcnow()
    values: dict[str, Any] = {"status": target.value}
    if action is Action.SUBMIT:
        values["submitted_at"] = now
        values["claimed_by"] = None
    elif action is Action.CLAIM:
        values["claimed_by"] = actor.user_id
    else:
        values["decided_at"] = now if target in (Status.PUBLISHED, Status.REJECTED) else None
        values["claimed_by"] = actor.user_id
        values["decision_note"] = comment_text.strip()[:MAX_COMMENT]
    _bump(session, sub, lock_version, values)
    if comment_text.strip():
        add_comment(session, actor, sub, comment_text, kind=action.value if action in NEEDS_COMMENT else "comment")
    published: dict[str, Any] | None = None
    if action is Action.APPROVE:
        published = _publish(session, actor, sub)
    audit.record(
        session,
        actor,
        f"submission.{action.value}",
        "submission",
        submission_id,
        before=before,
        after={**_summary(sub), **(published or {})},
        note=comment_text.strip()[:500],
    )
    return sub


def _publish(session: Session, actor: Actor, sub: Submission) -> dict[str, Any]:
    """Approval: the submission's record becomes the technology's next published version."""
    record = parse_record(session, sub.record)  # codes may have changed since it was written
    if sub.technology_id is None:
        if session.exec(select(Technology.id).where(Technology.code == record.code)).first() is not None:
            raise Conflict(f"技术代码 '{record.code}' 已存在 (code already published)")
        tech = new_technology(record)
    else:
        found = session.get(Technology, sub.technology_id)
        assert found is not None
        tech = found
        if tech.version != sub.base_version:
            raise Conflict(
                f"已发布版本已更新为 v{tech.version}（此修改基于 v{sub.base_version}），请退回修改后重新提交"
                " (the published entry changed since this edit began)"
            )
    apply_record(session, tech, record)
    version = publish(session, tech, by_user=actor.user_id, note=f"submission {sub.id}")
    sub.technology_id = tech.id
    session.add(sub)
    session.flush()
    audit.record(
        session,
        actor,
        "technology.publish",
        "technology",
        tech.code,
        before={"version": version.version - 1},
        after={"version": version.version, "status": tech.status},
        note=f"submission {sub.id}",
    )
    return {"published_version": version.version}


def archive_technology(session: Session, actor: Actor, code: str, reason: str) -> Technology:
    """Withdraw a published technology from the public catalogue (its versions stay)."""
    require(actor, Perm.ARCHIVE)
    tech = session.exec(select(Technology).where(Technology.code == code)).first()
    if tech is None:
        raise NotFound(f"no technology with code '{code[:80]}'")
    if next_status(tech.status, Action.ARCHIVE) is None:
        raise InvalidTransition(f"状态为 {tech.status} 的技术不能归档 (cannot archive a '{tech.status}' entry)")
    if not reason.strip():
        raise InvalidData("请说明归档理由", [FieldError("reason", "required")])
    before = {"status": tech.status, "version": tech.version}
    tech.status = Status.ARCHIVED.value
    tech.updated_at = utcnow()
    session.add(tech)
    session.flush()
    audit.record(
        session,
        actor,
        "technology.archive",
        "technology",
        code,
        before=before,
        after={"status": tech.status},
        note=reason,
    )
    return tech


@dataclass
class QueueFilters:
    section: str | None = None
    statuses: tuple[str, ...] = (Status.SUBMITTED.value, Status.IN_REVIEW.value)
    older_than_days: int | None = None
    provider_id: int | None = None


def list_submissions(
    session: Session, f: QueueFilters, *, page: int = 1, per_page: int = 20
) -> tuple[list[Submission], int]:
    """The review queue (oldest submitted first) or a provider's own list."""
    stmt = select(Submission)
    if f.statuses:
        stmt = stmt.where(col(Submission.status).in_(f.statuses))
    if f.section:
        stmt = stmt.where(Submission.section_code == f.section)
    if f.provider_id is not None:
        stmt = stmt.where(Submission.provider_id == f.provider_id)
    if f.older_than_days is not None:
        cutoff = utcnow() - timedelta(days=f.older_than_days)
        stmt = stmt.where(col(Submission.submitted_at) <= cutoff)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    order = (col(Submission.submitted_at).asc(), col(Submission.id).asc())
    rows = session.exec(stmt.order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), int(total)


def diff(session: Session, sub: Submission) -> list[dict[str, Any]]:
    """Field-by-field changes against the published version (everything, for a new entry)."""
    published: dict[str, Any] = {}
    if sub.technology_id is not None:
        tech = session.get(Technology, sub.technology_id)
        if tech is not None and tech.version > 0:
            published = tech.record
    keys = list(dict.fromkeys([*sub.record.keys(), *published.keys()]))
    out = []
    for key in keys:
        before, after = published.get(key), sub.record.get(key)
        if before != after and not (before in (None, [], "") and after in (None, [], "")):
            out.append({"field": key, "before": before, "after": after})
    return out
