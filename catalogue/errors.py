"""Domain errors: each carries an HTTP-like status, a slug and a title, so the API can render
problem+json and the CLI a readable line, without this package knowing about either."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    """One bad value: which row (1-based, header excluded for tables: the spreadsheet line), which field."""

    field: str
    message: str
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = self.row
        return out

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


@dataclass
class DomainError(Exception):
    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Retry-After, for the HTTP layer

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __str__(self) -> str:
        lines = [self.detail or self.title, *(f"  - {e}" for e in self.errors)]
        return "\n".join(lines)


class NotFound(DomainError):
    status = 404
    slug = "not-found"
    title = "Not found"


class InvalidData(DomainError):
    """Well-formed input that breaks a rule of the catalogue (unknown code, bad figure...)."""

    status = 422
    slug = "invalid-data"
    title = "Invalid data"


class Conflict(DomainError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class StaleVersion(Conflict):
    slug = "stale-version"
    title = "The entry was changed by someone else"


class InvalidTransition(Conflict):
    slug = "invalid-transition"
    title = "This step is not allowed in the entry's current state"


class Forbidden(DomainError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


class TooManyRequests(DomainError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"
