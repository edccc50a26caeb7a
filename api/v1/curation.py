"""Curator tools: bulk import and export, archiving, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import ActorDep
from api.deps import PageDep, SessionDep
from api.v1.schemas import PageOut
from catalogue import audit, review
from catalogue import io as catalogue_io
from catalogue.errors import FieldError, InvalidData
from catalogue.permissions import Perm, require
from catalogue.workflow import Status

router = APIRouter(prefix="/api/v1", tags=["curation"])

MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportOut(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ArchiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class ArchiveOut(BaseModel):
    code: str
    status: str
    version: int


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str


@router.post("/catalogue/import", response_model=ImportOut)
def import_file(file: UploadFile, actor: ActorDep, session: SessionDep) -> ImportOut:
    """Bulk import (.json, .csv, .xlsx by file name): every row is checked first; one bad row means nothing
    is written, and the 422 lists every problem with its row and field."""
    require(actor, Perm.IMPORT)
    try:
        fmt = catalogue_io.format_of(file.filename or "")
    except InvalidData as exc:
        raise InvalidData(exc.detail, [FieldError("file", exc.detail)]) from exc
    counts = catalogue_io.import_bytes(session, file.file.read(), fmt, by_user=actor.user_id)
    audit.record(session, actor, "catalogue.import", "catalogue", file.filename or "upload", after=dict(counts))
    return ImportOut(**counts)


@router.get(
    "/catalogue/export",
    response_class=Response,
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}, "description": "the file"}},
)
def export_file(
    actor: ActorDep,
    session: SessionDep,
    format: Literal["json", "csv", "xlsx"] = "json",
    status: Annotated[list[Status] | None, Query(description="default: published")] = None,
) -> Response:
    """Export technologies in the import format (curators may export every status)."""
    statuses = [s.value for s in status] if status else [Status.PUBLISHED.value]
    if statuses != [Status.PUBLISHED.value]:
        require(actor, Perm.EXPORT_ALL)
    body = catalogue_io.dump(catalogue_io.export_items(session, statuses), format)
    headers = {"Content-Disposition": f'attachment; filename="technologies.{format}"'}
    return Response(body, media_type=MEDIA_TYPES[format], headers=headers)


@router.post("/technologies/{code}/archive", response_model=ArchiveOut)
def archive(code: str, body: ArchiveIn, actor: ActorDep, session: SessionDep) -> ArchiveOut:
    """Withdraw a technology from the public catalogue (curators; versions are kept; audited)."""
    tech = review.archive_technology(session, actor, code, body.reason)
    return ArchiveOut(code=tech.code, status=tech.status, version=tech.version)


@router.get("/audit", response_model=PageOut[AuditEventOut])
def audit_log(
    actor: ActorDep,
    session: SessionDep,
    paging: PageDep,
    action: Annotated[str | None, Query(max_length=40)] = None,
    target_type: Annotated[str | None, Query(max_length=30)] = None,
    target_id: Annotated[str | None, Query(max_length=80)] = None,
    actor_id: Annotated[int | None, Query(ge=1)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Any:
    """The append-only audit trail, newest first (curators and admins)."""
    require(actor, Perm.AUDIT_READ)
    filters = audit.AuditFilters(
        actor_id=actor_id, action=action, target_type=target_type, target_id=target_id, since=since, until=until
    )
    rows, total = audit.list_events(session, filters, page=paging.page, per_page=paging.per_page)
    return PageOut[AuditEventOut](
        items=[AuditEventOut.model_validate(r) for r in rows], total=total, page=paging.page, per_page=paging.per_page
    )
