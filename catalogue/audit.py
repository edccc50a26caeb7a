"""The audit trail: one append-only event per state change or admin action.

Append-only is enforced in the ORM: a flush that would update or delete an event raises, so no code
path (API, CLI, pages) can rewrite history by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, func, select

from catalogue.accounts import Actor
from catalogue.models import AuditEvent


class AuditTrailImmutable(RuntimeError):
    pass


@event.listens_for(OrmSession, "before_flush")
def _append_only(session: OrmSession, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailImmutable("audit events are append-only")


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str | int,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    row = AuditEvent(
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:80],
        before=before,
        after=after,
        note=note[:2000],
    )
    session.add(row)
    session.flush()
    return row


@dataclass
class AuditFilters:
    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_events(
    session: Session, f: AuditFilters, *, page: int = 1, per_page: int = 50
) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if f.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == f.actor_id)
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.target_type:
        stmt = stmt.where(AuditEvent.target_type == f.target_type)
    if f.target_id:
        stmt = stmt.where(AuditEvent.target_id == f.target_id)
    if f.since:
        stmt = stmt.where(col(AuditEvent.at) >= f.since)
    if f.until:
        stmt = stmt.where(col(AuditEvent.at) < f.until)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)
