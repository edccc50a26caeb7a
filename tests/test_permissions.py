"""The permission matrix: every write endpoint (and the restricted reads) tried as anonymous,
enterprise, another provider, the owning provider, curator and admin, with the exact status each gets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from catalogue import review
from catalogue.accounts import Actor
from catalogue.db import make_engine
from catalogue.models import Submission
from catalogue.workflow import Action
from tests.accounts_support import Account, db_session, make_accounts, sample_record
from tests.conftest import make_settings

ACTORS = ("anonymous", "enterprise", "other_provider", "provider", "curator", "admin")


@dataclass
class World:
    client: TestClient
    accounts: dict[str, Account]
    db_url: str
    counter: int = 0

    def actor(self, name: str) -> Actor:
        a = self.accounts[name]
        from catalogue.models import User

        with db_session(self.db_url) as s:
            user = s.get(User, a.id)
            assert user is not None
            return Actor.of(user)

    def fresh_code(self) -> str:
        self.counter += 1
        return f"matrix-tech-{self.counter}"

    def submission(self, state: str = "draft") -> Submission:
        """A new submission of the owning provider, moved to `state` through the real workflow."""
        engine = make_engine(self.db_url)
        with Session(engine) as s:
            code = self.fresh_code()
            sub = review.create_submission(s, self.actor("provider"), sample_record(code, f"矩阵测试{code}"))
            assert sub.id is not None
            steps = {
                "draft": [],
                "submitted": [("provider", Action.SUBMIT)],
                "published": [("provider", Action.SUBMIT), ("curator", Action.APPROVE)],
            }[state]
            for who, action in steps:
                sub = review.transition(s, self.actor(who), sub.id, action, sub.lock_version)
            s.commit()
            s.refresh(sub)
            s.expunge(sub)
        engine.dispose()
        return sub


@pytest.fixture
def world(db_url: str, tmp_path: Path, vectors_dir: Path) -> Iterator[World]:
    app = create_app(make_settings(db_url, tmp_path, vectors_dir, embedding_backend="none"))
    with TestClient(app) as client:
        yield World(client, make_accounts(db_url), db_url)


Call = Callable[[World, dict[str, str]], Any]


def _step(name: str, state: str, comment: str = "") -> Call:
    def call(w: World, h: dict[str, str]) -> Any:
        sub = w.submission(state)
        body = {"lock_version": sub.lock_version, "comment": comment}
        return w.client.post(f"/api/v1/submissions/{sub.id}/{name}", json=body, headers=h)

    return call


def _create(w: World, h: dict[str, str]) -> Any:
    code = w.fresh_code()
    return w.client.post("/api/v1/submissions", json={"record": sample_record(code, f"矩阵{code}")}, headers=h)


def _update(w: World, h: dict[str, str]) -> Any:
    sub = w.submission("draft")
    body = {"lock_version": sub.lock_version, "record": sub.record}
    return w.client.put(f"/api/v1/submissions/{sub.id}", json=body, headers=h)


def _comment(w: World, h: dict[str, str]) -> Any:
    sub = w.submission("submitted")
    return w.client.post(f"/api/v1/submissions/{sub.id}/comments", json={"body": "请补充来源"}, headers=h)


def _read_submission(w: World, h: dict[str, str]) -> Any:
    return w.client.get(f"/api/v1/submissions/{w.submission('draft').id}", headers=h)


def _propose_edit(w: World, h: dict[str, str]) -> Any:
    sub = w.submission("published")
    return w.client.post(f"/api/v1/technologies/{sub.technology_code}/edits", headers=h)


def _archive(w: World, h: dict[str, str]) -> Any:
    sub = w.submission("published")
    return w.client.post(f"/api/v1/technologies/{sub.technology_code}/archive", json={"reason": "测试"}, headers=h)


def _import(w: World, h: dict[str, str]) -> Any:
    code = w.fresh_code()
    content = json.dumps([sample_record(code, f"导入{code}")], ensure_ascii=False).encode()
    return w.client.post("/api/v1/catalogue/import", files={"file": ("t.json", content, "application/json")}, headers=h)


def _export_all(w: World, h: dict[str, str]) -> Any:
    return w.client.get("/api/v1/catalogue/export", params={"status": ["published", "archived"]}, headers=h)


def _patch_user(w: World, h: dict[str, str]) -> Any:
    return w.client.patch(f"/api/v1/users/{w.accounts['enterprise'].id}", json={"active": True}, headers=h)


def _save_profile(w: World, h: dict[str, str]) -> Any:
    body = {"name": "一号线", "profile": {"industry": "building_materials", "description": "水泥熟料线余热未回收"}}
    return w.client.post("/api/v1/me/profiles", json=body, headers=h)


def _bookmark(w: World, h: dict[str, str]) -> Any:
    code = w.client.get("/api/v1/technologies", params={"per_page": 1}).json()["items"][0]["code"]
    return w.client.put(f"/api/v1/me/bookmarks/{code}", headers=h)


# endpoint -> status for (anonymous, enterprise, other_provider, provider, curator, admin)
MATRIX: dict[str, tuple[Call, tuple[int, ...]]] = {
    "create submission": (_create, (401, 403, 201, 201, 403, 403)),
    "read submission": (_read_submission, (401, 403, 403, 200, 200, 200)),
    "update draft": (_update, (401, 403, 403, 200, 403, 403)),
    "submit": (_step("submit", "draft"), (401, 403, 403, 200, 403, 403)),
    "comment": (_comment, (401, 403, 403, 201, 201, 201)),
    "claim": (_step("claim", "submitted"), (401, 403, 403, 403, 200, 200)),
    "request changes": (_step("request-changes", "submitted", "请补充"), (401, 403, 403, 403, 200, 200)),
    "approve": (_step("approve", "submitted"), (401, 403, 403, 403, 200, 200)),
    "reject": (_step("reject", "submitted", "不属于节能技术"), (401, 403, 403, 403, 200, 200)),
    "propose edit": (_propose_edit, (401, 403, 403, 201, 403, 403)),
    "archive": (_archive, (401, 403, 403, 403, 200, 200)),
    "bulk import": (_import, (401, 403, 403, 403, 200, 200)),
    "export all statuses": (_export_all, (401, 403, 403, 403, 200, 200)),
    "audit log": (lambda w, h: w.client.get("/api/v1/audit", headers=h), (401, 403, 403, 403, 200, 200)),
    "list users": (lambda w, h: w.client.get("/api/v1/users", headers=h), (401, 403, 403, 403, 403, 200)),
    "change user": (_patch_user, (401, 403, 403, 403, 403, 200)),
    "review queue": (lambda w, h: w.client.get("/api/v1/submissions", headers=h), (401, 403, 200, 200, 200, 200)),
    "save profile": (_save_profile, (401, 201, 201, 201, 201, 201)),
    "bookmark": (_bookmark, (401, 204, 204, 204, 204, 204)),
}


def test_permission_matrix(world: World) -> None:
    failures = []
    for endpoint, (call, expected) in MATRIX.items():
        for name, want in zip(ACTORS, expected, strict=True):
            headers = {} if name == "anonymous" else world.accounts[name].headers
            response = call(world, headers)
            if response.status_code != want:
                failures.append(f"{endpoint} as {name}: {response.status_code} (want {want}) {response.text[:120]}")
            elif want >= 400:
                assert response.headers["content-type"] == "application/problem+json"
    assert not failures, "\n".join(failures)


def test_provider_sees_only_its_own_submissions(world: World) -> None:
    mine = world.submission("draft")
    theirs = world.client.get("/api/v1/submissions", headers=world.accounts["other_provider"].headers).json()
    assert mine.id not in [s["id"] for s in theirs["items"]]
    own = world.client.get("/api/v1/submissions", headers=world.accounts["provider"].headers).json()
    assert mine.id in [s["id"] for s in own["items"]]
