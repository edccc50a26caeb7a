"""The review workflow as an explicit state machine. Pure: no database, no I/O."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class Action(StrEnum):
    SUBMIT = "submit"
    CLAIM = "claim"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    REJECT = "reject"
    ARCHIVE = "archive"
    REVISE = "revise"  # provider edits a draft or a returned submission


# (from, action) -> to
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.CHANGES_REQUESTED, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.CLAIM): Status.IN_REVIEW,
    (Status.IN_REVIEW, Action.REQUEST_CHANGES): Status.CHANGES_REQUESTED,
    (Status.SUBMITTED, Action.REQUEST_CHANGES): Status.CHANGES_REQUESTED,
    (Status.IN_REVIEW, Action.APPROVE): Status.PUBLISHED,
    (Status.SUBMITTED, Action.APPROVE): Status.PUBLISHED,
    (Status.IN_REVIEW, Action.REJECT): Status.REJECTED,
    (Status.SUBMITTED, Action.REJECT): Status.REJECTED,
    (Status.PUBLISHED, Action.ARCHIVE): Status.ARCHIVED,
    (Status.REJECTED, Action.ARCHIVE): Status.ARCHIVED,
    (Status.DRAFT, Action.REVISE): Status.DRAFT,
    (Status.CHANGES_REQUESTED, Action.REVISE): Status.CHANGES_REQUESTED,
}


def next_status(current: str, action: Action) -> Status | None:
    """The state after `action`, or None when the action is not allowed from `current`."""
    try:
        return TRANSITIONS.get((Status(current), action))
    except ValueError:
        return None
