"""Who is calling: a bearer token (API clients) or a session cookie (browsers).

The middleware resolves the caller once per request into `request.state.user`, `.actor` and
`.csrf_token`. Cookie-authenticated unsafe requests to /api must echo the session's CSRF token in
the X-CSRF-Token header (pages check the form field in web.security); bearer tokens are not sent
by browsers on their own, so they need no CSRF token.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.errors import problem
from catalogue.accounts import ANONYMOUS, Actor, TokenKind, resolve_token
from catalogue.models import User

SESSION_COOKIE = "lc_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _resolve(engine: Engine, secret: str, kind: TokenKind) -> tuple[User, str | None] | None:
    with Session(engine) as session:
        found = resolve_token(session, secret, kind)
        if found is None:
            return None
        user, token = found
        session.expunge(user)
        return user, token.csrf_token


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def identify(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.user = None
        request.state.actor = ANONYMOUS
        request.state.csrf_token = None
        request.state.via_cookie = False
        engine: Engine = request.app.state.engine
        bearer = _bearer(request)
        cookie = request.cookies.get(SESSION_COOKIE)
        if bearer is not None:
            found = await run_in_threadpool(_resolve, engine, bearer, TokenKind.API)
            if found is None:
                return problem(
                    request,
                    401,
                    slug="invalid-token",
                    detail="令牌无效或已过期 (invalid or expired token)",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            request.state.user = found[0]
        elif cookie:
            found = await run_in_threadpool(_resolve, engine, cookie, TokenKind.SESSION)
            if found is not None:  # an expired cookie simply means signed out
                request.state.user, request.state.csrf_token = found
                request.state.via_cookie = True
                if request.method not in SAFE_METHODS and request.url.path.startswith("/api"):
                    sent = request.headers.get(CSRF_HEADER, "")
                    if not hmac.compare_digest(sent, found[1] or ""):
                        return problem(
                            request, 403, slug="csrf", detail="缺少或错误的 CSRF 令牌 (missing or wrong X-CSRF-Token)"
                        )
        request.state.actor = Actor.of(request.state.user)
        return await call_next(request)


def get_actor(request: Request) -> Actor:
    actor: Actor = request.state.actor
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]


def set_session_cookie(response: Response, secret: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, max_age=7 * 24 * 3600, httponly=True, samesite="lax", secure=secure, path="/"
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
