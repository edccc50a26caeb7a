"""Account pages: sign in, register, sign out (cookie sessions for browsers)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from api.auth import SESSION_COOKIE, clear_session_cookie, set_session_cookie
from api.deps import SessionDep
from api.v1.accounts import provider_code_for
from catalogue import audit
from catalogue.accounts import Actor, Role, TokenKind, authenticate, create_user, issue_token, revoke_token
from catalogue.errors import DomainError
from catalogue.models import Provider
from web.render import HOME_BY_ROLE, render
from web.security import read_form

router = APIRouter(include_in_schema=False)

PROVIDER_KINDS = {
    "equipment_maker": "设备制造商",
    "esco": "节能服务公司（ESCO）",
    "design_institute": "设计院",
    "research_institute": "科研院所",
    "other": "其他",
}


def safe_next(value: Any, default: str = "/") -> str:
    """Only same-site paths: never redirect a user to another host after signing in."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    return default if parts.scheme or parts.netloc or "\\" in value else value


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _text(form: Any, name: str, limit: int = 300) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _signed_in(request: Request, session: Any, user: Any, target: str) -> Response:
    secret, _ = issue_token(session, user, TokenKind.SESSION)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, secret, secure=request.app.state.settings.secure_cookies)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "accounts/login.html", {"next": safe_next(next), "email": "", "error": None})


@router.post("/login")
async def login(request: Request, session: SessionDep) -> Response:
    form = await read_form(request)
    email, target = _text(form, "email", 254), safe_next(form.get("next"), "")
    password = form.get("password")
    try:
        request.app.state.rate_limiter.hit("login", _client(request))
        user = authenticate(session, email, password if isinstance(password, str) else "")
    except DomainError as exc:
        context = {"next": target or "/", "email": email, "error": exc.detail}
        return render(request, "accounts/login.html", context, status_code=exc.status)
    return _signed_in(request, session, user, target or HOME_BY_ROLE.get(user.role, "/"))


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    return render(
        request, "accounts/register.html", {"form": {"role": "enterprise"}, "errors": {}, "kinds": PROVIDER_KINDS}
    )


@router.post("/register")
async def register(request: Request, session: SessionDep) -> Response:
    form = await read_form(request)
    values = {
        k: _text(form, k)
        for k in ("email", "display_name", "role", "organisation", "provider_name", "provider_kind", "provider_region")
    }
    password = form.get("password")
    password = password if isinstance(password, str) else ""
    errors: dict[str, str] = {}
    try:
        request.app.state.rate_limiter.hit("register", _client(request))
        role = Role.PROVIDER if values["role"] == "provider" else Role.ENTERPRISE
        provider_code = None
        if role is Role.PROVIDER:
            if len(values["provider_name"]) < 2:
                errors["provider_name"] = "请填写机构名称"
            else:
                taken = set(session.exec(select(Provider.code)).all())
                kind = values["provider_kind"] if values["provider_kind"] in PROVIDER_KINDS else "other"
                org = Provider(
                    code=provider_code_for(values["provider_name"], taken),
                    name=values["provider_name"][:200],
                    kind=kind,
                    region=values["provider_region"][:100] or None,
                )
                session.add(org)
                session.flush()
                provider_code = org.code
        if not errors:
            user = create_user(
                session,
                email=values["email"],
                password=password,
                display_name=values["display_name"],
                role=role,
                provider_code=provider_code,
                organisation=values["organisation"] or None,
            )
            audit.record(session, Actor.of(user), "user.register", "user", user.id or 0, after={"role": user.role})
            return _signed_in(request, session, user, HOME_BY_ROLE.get(user.role, "/"))
    except DomainError as exc:
        session.rollback()  # the organisation row, if any, goes with the failed account
        errors.update({e.field: e.message for e in exc.errors} or {"form": exc.detail})
        status = exc.status
    else:
        status = 422
    context = {"form": values, "errors": errors, "kinds": PROVIDER_KINDS}
    return render(request, "accounts/register.html", context, status_code=status)


@router.post("/logout")
async def logout(request: Request, session: SessionDep) -> Response:
    await read_form(request)
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        revoke_token(session, secret)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response
