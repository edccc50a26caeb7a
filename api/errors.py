"""Every error under /api is RFC 9457 application/problem+json; pages get an HTML error page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalogue.errors import DomainError

log = logging.getLogger("lowcarbon.errors")
PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(
    request: Request,
    status: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    title = title or TITLES.get(status, "Error")
    if not request.url.path.startswith("/api"):
        from web.render import error_page

        return error_page(request, status, title, detail, errors or [])
    body: dict[str, Any] = {
        "type": f"https://lowcarbon.local/problems/{slug or status}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
            where, loc = loc[0], loc[1:]
        else:
            where = "body"
        out.append({"field": ".".join(loc) or where, "in": where, "message": err.get("msg", "")})
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return problem(
            request,
            exc.status,
            slug=exc.slug,
            title=exc.title,
            detail=exc.detail or exc.title,
            errors=[e.as_dict() for e in exc.errors],
            headers=exc.headers or None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return problem(
            request,
            422,
            slug="validation-error",
            title="Invalid request",
            detail="The request has invalid fields.",
            errors=_field_errors(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers) if exc.headers else None
        return problem(request, exc.status_code, detail=str(exc.detail or ""), headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return problem(request, 500, detail="An unexpected error occurred; it has been logged.")


_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "one entry per bad field (and row, for imports)",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "row": {"type": "integer"},
                    "in": {"type": "string"},
                },
            },
        },
    },
}
# Documented on every operation: what each error status means here.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "content": {PROBLEM: {"schema": _PROBLEM_SCHEMA}}}
    for status, description in {
        400: "Bad request",
        401: "Not signed in, or the token is invalid or expired",
        403: "Signed in without the right for this action (or a missing CSRF token)",
        404: "No such resource",
        409: "Conflict: stale lock_version, a step not allowed in the current state, or a duplicate",
        413: "Request body too large",
        422: "Invalid fields (each listed in `errors`)",
        429: "Too many attempts; see Retry-After",
        503: "The recommender index is still being built",
    }.items()
}
