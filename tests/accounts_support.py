"""Users and tokens for API tests, created through the real account code (one Argon2 hash per run)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalogue.accounts import PASSWORDS, TokenKind, issue_token
from catalogue.db import make_engine, unit_of_work
from catalogue.models import Provider, User

PASSWORD = "correct horse battery"
REPO = Path(__file__).resolve().parent.parent


@cache
def _password_hash() -> str:
    return PASSWORDS.hash(PASSWORD)


@dataclass
class Account:
    id: int
    email: str
    role: str
    provider_code: str | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


# name -> (role, index of the demo provider organisation or None)
CAST = {
    "enterprise": ("enterprise", None),
    "provider": ("provider", 0),
    "other_provider": ("provider", 1),
    "curator": ("curator", None),
    "admin": ("admin", None),
}


def make_accounts(db_url: str, names: tuple[str, ...] = tuple(CAST)) -> dict[str, Account]:
    engine = make_engine(db_url)
    out: dict[str, Account] = {}
    with unit_of_work(engine) as session:
        providers = list(session.exec(select(Provider).order_by(Provider.code)).all())
        for name in names:
            role, org = CAST[name]
            provider = providers[org] if org is not None else None
            user = User(
                email=f"{name}@example.cn",
                display_name=name,
                password_hash=_password_hash(),
                role=role,
                provider_id=provider.id if provider else None,
            )
            session.add(user)
            session.flush()
            token, _ = issue_token(session, user, TokenKind.API)
            assert user.id is not None
            out[name] = Account(user.id, user.email, role, provider.code if provider else None, token)
    engine.dispose()
    return out


@cache
def _sample() -> dict[str, Any]:
    path = next((REPO / "seed_data" / "technologies" / "general_equipment").glob("*.json"))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def sample_record(code: str = "demo-heat-pump-dryer", name_zh: str = "演示用热泵干燥系统") -> dict[str, Any]:
    """A valid record (a seed entry under a new code and name), as a provider would submit it."""
    record = copy.deepcopy(_sample())
    record["code"] = code
    record["name_zh"] = name_zh
    record.pop("provider", None)
    return record


@contextmanager
def db_session(db_url: str) -> Iterator[Session]:
    """A session on its own engine, disposed afterwards (no connection left open)."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()
