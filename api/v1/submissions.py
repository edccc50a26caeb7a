"""Provider submissions and curator review (see catalogue.review for the rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.auth import ActorDep
from api.deps import PageDep, SessionDep
from api.v1.schemas import PageOut
from catalogue import review
from catalogue.models import ReviewComment, Submission
from catalogue.permissions import Perm, can, require
from catalogue.records import TechnologyRecord
from catalogue.workflow import Action, Status

router = APIRouter(prefix="/api/v1", tags=["review"])

StepName = Literal["submit", "claim", "request-changes", "approve", "reject"]
STEPS: dict[str, Action] = {
    "submit": Action.SUBMIT,
    "claim": Action.CLAIM,
    "request-changes": Action.REQUEST_CHANGES,
    "approve": Action.APPROVE,
    "reject": Action.REJECT,
}


class CommentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    author_id: int | None
    kind: str
    body: str
    created_at: datetime


class SubmissionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    technology_code: str
    technology_id: int | None
    base_version: int
    provider_id: int | None
    section_code: str
    name_zh: str
    status: str
    lock_version: int = Field(description="send back with every write; a stale value gets 409")
    created_by: int | None
    claimed_by: int | None
    decision_note: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None


class SubmissionDetailOut(SubmissionOut):
    record: dict[str, Any]
    comments: list[CommentOut]


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record: TechnologyRecord = Field(description="the proposed record; `provider` is set to your organisation")


class SubmissionUpdateIn(SubmissionIn):
    lock_version: int = Field(ge=1, description="the lock_version you read")


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lock_version: int = Field(ge=1, description="the lock_version you read")
    comment: str = Field(default="", max_length=4000, description="required to request changes or reject")


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=4000)


class DiffOut(BaseModel):
    field: str
    before: Any
    after: Any


def _detail(session: Any, sub: Submission, response: Response | None = None) -> SubmissionDetailOut:
    if response is not None:
        response.headers["ETag"] = f'"{sub.lock_version}"'
    out = SubmissionOut.model_validate(sub).model_dump()
    comments = [CommentOut.model_validate(c) for c in review.comments(session, sub)]
    return SubmissionDetailOut(**out, record=sub.record, comments=comments)


@router.post("/submissions", response_model=SubmissionDetailOut, status_code=status.HTTP_201_CREATED)
def create_submission(body: SubmissionIn, actor: ActorDep, session: SessionDep, response: Response) -> Any:
    """A provider creates a draft technology (validated field by field; 422 lists each bad field)."""
    sub = review.create_submission(session, actor, body.record.model_dump(mode="json"))
    return _detail(session, sub, response)


@router.get("/submissions", response_model=PageOut[SubmissionOut])
def list_submissions(
    actor: ActorDep,
    session: SessionDep,
    paging: PageDep,
    status_: Annotated[list[Status] | None, Query(alias="status", description="default: the review queue")] = None,
    section: Annotated[str | None, Query(max_length=40)] = None,
    older_than_days: Annotated[int | None, Query(ge=0, le=3650, description="submitted at least N days ago")] = None,
) -> Any:
    """Curators: the review queue (oldest first). Providers: their organisation's submissions."""
    require(actor, Perm.SUBMISSION_READ, actor.provider_id)
    curator = can(actor, Perm.REVIEW)
    default = review.QueueFilters().statuses if curator else ()
    filters = review.QueueFilters(
        section=section,
        statuses=tuple(s.value for s in status_) if status_ else default,
        older_than_days=older_than_days,
        provider_id=None if curator else actor.provider_id,
    )
    rows, total = review.list_submissions(session, filters, page=paging.page, per_page=paging.per_page)
    return PageOut[SubmissionOut](
        items=[SubmissionOut.model_validate(s) for s in rows], total=total, page=paging.page, per_page=paging.per_page
    )


@router.get("/submissions/{submission_id}", response_model=SubmissionDetailOut)
def get_submission(submission_id: int, actor: ActorDep, session: SessionDep, response: Response) -> Any:
    """One submission with its record and review comments; the ETag is its lock_version."""
    return _detail(session, review.get_submission(session, actor, submission_id), response)


@router.put("/submissions/{submission_id}", response_model=SubmissionDetailOut)
def update_submission(
    submission_id: int, body: SubmissionUpdateIn, actor: ActorDep, session: SessionDep, response: Response
) -> Any:
    """Revise a draft or a submission returned for changes; a stale lock_version gets 409."""
    sub = review.update_submission(
        session, actor, submission_id, body.record.model_dump(mode="json"), body.lock_version
    )
    return _detail(session, sub, response)


@router.get("/submissions/{submission_id}/diff", response_model=list[DiffOut])
def submission_diff(submission_id: int, actor: ActorDep, session: SessionDep) -> Any:
    """Changed fields against the published version (every field for a new technology)."""
    return review.diff(session, review.get_submission(session, actor, submission_id))


@router.post("/submissions/{submission_id}/comments", response_model=CommentOut, status_code=201)
def add_comment(submission_id: int, body: CommentIn, actor: ActorDep, session: SessionDep) -> ReviewComment:
    """A review comment (curators, and the owning provider)."""
    return review.comment(session, actor, submission_id, body.body)


@router.post("/submissions/{submission_id}/{step}", response_model=SubmissionDetailOut)
def take_step(
    submission_id: int, step: StepName, body: StepIn, actor: ActorDep, session: SessionDep, response: Response
) -> Any:
    """Workflow step. Provider: submit. Curator: claim, request-changes (comment), approve (publishes a
    new version), reject (comment). A stale lock_version or a step not allowed from the state gets 409."""
    sub = review.transition(session, actor, submission_id, STEPS[step], body.lock_version, body.comment)
    return _detail(session, sub, response)


@router.post("/technologies/{code}/edits", response_model=SubmissionDetailOut, status_code=201)
def propose_edit(code: str, actor: ActorDep, session: SessionDep, response: Response) -> Any:
    """A provider opens an edit of its own published technology (the public version stays until approval)."""
    return _detail(session, review.propose_edit(session, actor, code), response)
