"""Users, passwords and tokens.

Passwords are hashed with Argon2 (pwdlib). Bearer tokens and browser sessions are random secrets of
which only a SHA-256 hash is stored, so a copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from pwdlib import PasswordHash
from sqlmodel import Session, select

from catalogue.errors import Conflict, FieldError, InvalidData, Unauthorized
from catalogue.models import AuthToken, Provider, User, utcnow

PASSWORDS = PasswordHash.recommended()
# Verified when the e-mail is unknown, so a failed login takes as long whether or not the account exists.
_DUMMY_HASH = PASSWORDS.hash("not-a-real-password-" + secrets.token_hex(8))

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
MIN_PASSWORD_LENGTH = 10
SESSION_LIFETIME = timedelta(days=7)
API_TOKEN_LIFETIME = timedelta(days=90)


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    PROVIDER = "provider"
    CURATOR = "curator"
    ADMIN = "admin"


class TokenKind(StrEnum):
    API = "api"
    SESSION = "session"


@dataclass(frozen=True)
class Actor:
    """Who is acting: what permission checks and the audit trail need to know."""

    user_id: int | None
    role: str | None
    provider_id: int | None = None
    label: str = ""

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    @classmethod
    def of(cls, user: User | None) -> Actor:
        if user is None:
            return ANONYMOUS
        return cls(user_id=user.id, role=user.role, provider_id=user.provider_id, label=user.email)


ANONYMOUS = Actor(user_id=None, role=None)
CLI = Actor(user_id=None, role=Role.ADMIN.value, label="cli")


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_new_account(email: str, password: str, display_name: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if not EMAIL_PATTERN.match(normalise_email(email)):
        errors.append(FieldError("email", "邮箱格式不正确 (not a valid e-mail address)"))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(
            FieldError("password", f"密码至少 {MIN_PASSWORD_LENGTH} 个字符 (at least {MIN_PASSWORD_LENGTH} characters)")
        )
    elif len(password) > 256:
        errors.append(FieldError("password", "密码过长 (at most 256 characters)"))
    if not display_name.strip() or len(display_name) > 80:
        errors.append(FieldError("display_name", "请填写 1–80 个字符的姓名 (1–80 characters)"))
    return errors


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    role: Role,
    provider_code: str | None = None,
    organisation: str | None = None,
) -> User:
    """A new account; provider accounts must name their organisation (a Provider code)."""
    errors = validate_new_account(email, password, display_name)
    provider_id: int | None = None
    if role is Role.PROVIDER:
        if not provider_code:
            errors.append(FieldError("provider", "技术提供方账号需选择所属机构 (provider organisation required)"))
        else:
            provider_id = session.exec(select(Provider.id).where(Provider.code == provider_code)).first()
            if provider_id is None:
                errors.append(FieldError("provider", f"未知机构代码 '{provider_code[:80]}' (unknown provider)"))
    if errors:
        raise InvalidData("注册信息有误 (the account details are not valid)", errors)
    email = normalise_email(email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict("该邮箱已注册 (an account with this e-mail exists)", [FieldError("email", "already registered")])
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=PASSWORDS.hash(password),
        role=role.value,
        provider_id=provider_id,
        organisation=(organisation or "").strip()[:200] or None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The user with these credentials, or Unauthorized; the same work is done either way."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    ok = PASSWORDS.verify(password, user.password_hash if user is not None else _DUMMY_HASH)
    if user is None or not ok or not user.active:
        raise Unauthorized("邮箱或密码不正确 (wrong e-mail or password)")
    user.last_login_at = utcnow()
    session.add(user)
    return user


def issue_token(session: Session, user: User, kind: TokenKind, name: str = "") -> tuple[str, AuthToken]:
    """A new secret (returned once, never stored) and its row."""
    assert user.id is not None
    secret = secrets.token_urlsafe(32)
    lifetime = SESSION_LIFETIME if kind is TokenKind.SESSION else API_TOKEN_LIFETIME
    row = AuthToken(
        user_id=user.id,
        kind=kind.value,
        token_hash=_hash_token(secret),
        csrf_token=secrets.token_urlsafe(24) if kind is TokenKind.SESSION else None,
        name=name[:80],
        expires_at=utcnow() + lifetime,
    )
    session.add(row)
    session.flush()
    return secret, row


def resolve_token(session: Session, secret: str, kind: TokenKind) -> tuple[User, AuthToken] | None:
    if not secret or len(secret) > 200:
        return None
    row = session.exec(select(AuthToken).where(AuthToken.token_hash == _hash_token(secret))).first()
    if row is None or row.kind != kind.value or row.revoked or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user, row


def revoke_token(session: Session, secret: str) -> None:
    row = session.exec(select(AuthToken).where(AuthToken.token_hash == _hash_token(secret))).first()
    if row is not None:
        row.revoked = True
        session.add(row)
        session.flush()
