"""Who may do what: every permission decision is made here, by `can`.

Resources are plain values (a Submission, a Technology, a user id) so the rules read like the policy:
providers touch only their own organisation's entries, curators and admins curate, admins manage
accounts, enterprises keep their own profiles.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from catalogue.accounts import Actor, Role
from catalogue.errors import Forbidden, Unauthorized
from catalogue.models import Submission, Technology


class Perm(StrEnum):
    SUBMISSION_CREATE = "submission.create"  # new draft (resource: provider_id or None)
    SUBMISSION_READ = "submission.read"
    SUBMISSION_EDIT = "submission.edit"  # change the draft's record
    SUBMISSION_SUBMIT = "submission.submit"
    SUBMISSION_COMMENT = "submission.comment"
    PROPOSE_EDIT = "technology.propose_edit"  # open a submission against a published technology
    REVIEW = "submission.review"  # queue, claim, request changes, approve, reject
    ARCHIVE = "technology.archive"
    IMPORT = "catalogue.import"
    EXPORT_ALL = "catalogue.export_all"  # every status, not only published
    AUDIT_READ = "audit.read"
    USERS_MANAGE = "users.manage"
    ENTERPRISE_DATA = "enterprise.data"  # saved profiles, history, bookmarks (own)


CURATING = {Role.CURATOR.value, Role.ADMIN.value}


def _owns(actor: Actor, resource: Any) -> bool:
    provider_id = resource.provider_id if isinstance(resource, Submission | Technology) else resource
    return actor.provider_id is not None and provider_id == actor.provider_id


def can(actor: Actor, action: Perm, resource: Any = None) -> bool:
    if actor.anonymous:
        return False
    role = actor.role
    curating = role in CURATING
    match action:
        case Perm.SUBMISSION_CREATE:
            return role == Role.PROVIDER.value and actor.provider_id is not None
        case Perm.PROPOSE_EDIT:
            return role == Role.PROVIDER.value and _owns(actor, resource)
        case Perm.SUBMISSION_READ | Perm.SUBMISSION_COMMENT:
            return curating or (role == Role.PROVIDER.value and _owns(actor, resource))
        case Perm.SUBMISSION_EDIT | Perm.SUBMISSION_SUBMIT:
            return role == Role.PROVIDER.value and _owns(actor, resource)
        case Perm.REVIEW | Perm.ARCHIVE | Perm.IMPORT | Perm.EXPORT_ALL | Perm.AUDIT_READ:
            return curating
        case Perm.USERS_MANAGE:
            return role == Role.ADMIN.value
        case Perm.ENTERPRISE_DATA:
            return True  # any signed-in user keeps their own profiles and bookmarks
    return False


def require(actor: Actor, action: Perm, resource: Any = None) -> None:
    """401 for the anonymous (sign in and retry), 403 for a signed-in user without the right."""
    if can(actor, action, resource):
        return
    if actor.anonymous:
        raise Unauthorized("请先登录 (sign in first)")
    raise Forbidden(f"无权执行此操作 (not allowed: {action.value})")
