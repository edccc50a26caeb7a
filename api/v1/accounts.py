"""Accounts: registration, login (bearer tokens), logout, the current user, admin user management."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from api.auth import ActorDep
from api.deps import SessionDep
from catalogue import audit
from catalogue.accounts import Actor, Role, TokenKind, authenticate, create_user, issue_token, revoke_token
from catalogue.errors import FieldError, InvalidData, NotFound
from catalogue.models import Provider, User
from catalogue.permissions import Perm, require

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class NewProviderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=200, description="organisation name")
    kind: Literal["equipment_maker", "esco", "design_institute", "research_institute", "other"] = "equipment_maker"
    region: str | None = Field(default=None, max_length=100)


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(min_length=10, max_length=256)
    display_name: str = Field(min_length=1, max_length=80)
    role: Literal["enterprise", "provider"] = Field(description="curator and admin accounts are created by admins")
    organisation: str | None = Field(default=None, max_length=200, description="enterprise name")
    provider: NewProviderIn | None = Field(default=None, description="required for role=provider: the organisation")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    display_name: str
    role: str
    provider_id: int | None
    organisation: str | None
    active: bool
    created_at: datetime


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    token_name: str = Field(default="", max_length=80)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserOut


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def provider_code_for(name: str, taken: set[str]) -> str:
    """A readable unique code for a new organisation (ASCII letters from the name, else 'org')."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "org"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


@router.post("/auth/register", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def register(body: RegisterIn, request: Request, session: SessionDep) -> UserOut:
    """Create an enterprise account, or a provider account together with its organisation."""
    request.app.state.rate_limiter.hit("register", _client(request))
    provider_code = None
    if body.role == "provider":
        if body.provider is None:
            raise InvalidData("技术提供方需填写机构信息", [FieldError("provider", "required for role=provider")])
        taken = set(session.exec(select(Provider.code)).all())
        org = Provider(
            code=provider_code_for(body.provider.name, taken),
            name=body.provider.name.strip(),
            kind=body.provider.kind,
            region=body.provider.region,
        )
        session.add(org)
        session.flush()
        provider_code = org.code
    user = create_user(
        session,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        role=Role(body.role),
        provider_code=provider_code,
        organisation=body.organisation,
    )
    audit.record(
        session,
        Actor.of(user),
        "user.register",
        "user",
        user.id or 0,
        after={"role": user.role, "provider": provider_code},
    )
    return UserOut.model_validate(user)


@router.post("/auth/login", response_model=TokenOut)
def login(body: LoginIn, request: Request, session: SessionDep) -> TokenOut:
    """Exchange e-mail and password for a bearer token (rate-limited per client address)."""
    request.app.state.rate_limiter.hit("login", _client(request))
    user = authenticate(session, body.email, body.password)
    secret, row = issue_token(session, user, TokenKind.API, body.token_name)
    return TokenOut(access_token=secret, expires_at=row.expires_at, user=UserOut.model_validate(user))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    """Revoke the bearer token used for this request."""
    require(actor, Perm.ENTERPRISE_DATA)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        revoke_token(session, header[7:].strip())
    return Response(status_code=204)


@router.get("/me", response_model=UserOut)
def me(request: Request, actor: ActorDep) -> UserOut:
    """The signed-in user."""
    require(actor, Perm.ENTERPRISE_DATA)
    return UserOut.model_validate(request.state.user)


class UserPatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["enterprise", "provider", "curator", "admin"] | None = None
    active: bool | None = None


@router.get("/users", response_model=list[UserOut])
def list_users(
    actor: ActorDep,
    session: SessionDep,
    role: Annotated[Literal["enterprise", "provider", "curator", "admin"] | None, Query()] = None,
) -> list[UserOut]:
    """All accounts (admins only)."""
    require(actor, Perm.USERS_MANAGE)
    stmt = select(User).order_by(col(User.id))
    if role:
        stmt = stmt.where(User.role == role)
    return [UserOut.model_validate(u) for u in session.exec(stmt).all()]


@router.patch("/users/{user_id}", response_model=UserOut)
def patch_user(user_id: int, body: UserPatchIn, actor: ActorDep, session: SessionDep) -> UserOut:
    """Change a user's role or deactivate the account (admins only; audited)."""
    require(actor, Perm.USERS_MANAGE)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    before = {"role": user.role, "active": user.active}
    if body.role is not None:
        if body.role == "provider" and user.provider_id is None:
            raise InvalidData("该用户未关联机构", [FieldError("role", "a provider account needs an organisation")])
        user.role = body.role
    if body.active is not None:
        user.active = body.active
    session.add(user)
    session.flush()
    audit.record(
        session, actor, "user.update", "user", user_id, before=before, after={"role": user.role, "active": user.active}
    )
    return UserOut.model_validate(user)
