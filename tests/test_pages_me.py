"""The signed-in user's area: saved profiles, recommendation history, bookmarks."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from catalogue import enterprise
from catalogue.db import make_engine, unit_of_work
from catalogue.models import Bookmark, SavedProfile
from tests.accounts_support import Account, make_accounts
from tests.test_pages_portal import Visitor, count_rows, sign_in

PROFILE = {
    "industry": "building_materials",
    "description": "5000 t/d 熟料线，篦冷机效率低 <b>粗体</b>",
    "products": [{"product": "cement_clinker", "annual_output": 150, "unit_consumption": 112}],
    "processes": ["熟料冷却"],
    "equipment": ["篦冷机"],
    "energy": None,
    "constraints": None,
}


@pytest.fixture
def cast(db_url: str) -> dict[str, Account]:
    return make_accounts(db_url, ("enterprise", "provider", "curator"))


@pytest.fixture
def people(client: TestClient, db_url: str, cast: dict[str, Account]) -> dict[str, Visitor]:
    out = {name: sign_in(client, db_url, account) for name, account in cast.items()}
    out["anonymous"] = Visitor(client)
    return out


def make_run(db_url: str, user_id: int | None) -> str:
    """A stored recommendation run, as the wizard leaves it."""
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        token = enterprise.save_run(session, user_id, PROFILE, {"directions": [], "benchmark": []}).token
    engine.dispose()
    return token


def test_me_by_role(people: dict[str, Visitor]) -> None:
    anonymous = people["anonymous"].get("/me")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/me"
    for name in ("enterprise", "provider", "curator"):
        page = people[name].get("/me")
        assert page.status_code == 200 and "已保存的企业画像" in page.text


def test_history_and_saving_a_profile(people: dict[str, Visitor], cast: dict[str, Account], db_url: str) -> None:
    me = people["enterprise"]
    token = make_run(db_url, cast["enterprise"].id)
    page = me.get("/me").text
    assert f'href="/recommend/results/{token}"' in page
    assert "&lt;b&gt;粗体&lt;/b&gt;" in page and "<b>粗体" not in page

    saved = me.post("/me/profiles", {"token": token, "name": "一号熟料线"})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/me?done=profile_saved")
    page = me.get(saved.headers["location"]).text
    assert "一号熟料线" in page and "画像已保存" in page and "篦冷机" in page
    unnamed = me.post("/me/profiles", {"token": token})
    assert unnamed.status_code == 303
    assert count_rows(db_url, SavedProfile) == 2
    assert me.post("/me/profiles", {"token": "no-such-run"}).status_code == 404

    profile_ids = [int(x) for x in re.findall(r'action="/me/profiles/(\d+)/delete"', page)]
    other = people["provider"].post(f"/me/profiles/{profile_ids[0]}/delete", {})
    assert other.status_code == 404  # another user's profile is not even acknowledged
    deleted = me.post(f"/me/profiles/{profile_ids[0]}/delete", {})
    assert deleted.status_code == 303
    assert "一号熟料线" not in me.get("/me").text
    assert count_rows(db_url, SavedProfile) == 1


def test_other_users_runs_are_not_listed(people: dict[str, Visitor], cast: dict[str, Account], db_url: str) -> None:
    token = make_run(db_url, cast["provider"].id)
    anonymous_run = make_run(db_url, None)
    page = people["enterprise"].get("/me").text
    assert token not in page and anonymous_run not in page
    assert "还没有诊断记录。" in page


def test_bookmarks_add_list_remove(people: dict[str, Visitor], db_url: str) -> None:
    me = people["enterprise"]
    code = "ups-eco-mode-operation"
    added = me.post(f"/me/bookmarks/{code}", {})
    assert added.status_code == 303 and added.headers["location"] == f"/technologies/{code}?done=bookmarked"
    again = me.post(f"/me/bookmarks/{code}", {"next": "/search?q=ups"})
    assert again.headers["location"] == "/search?q=ups&done=bookmarked"
    offsite = me.post(f"/me/bookmarks/{code}", {"next": "//evil.example/x"})
    assert offsite.headers["location"].startswith(f"/technologies/{code}")
    assert count_rows(db_url, Bookmark) == 1
    page = me.get("/me").text
    assert f'href="/technologies/{code}"' in page
    assert me.post("/me/bookmarks/no-such-technology", {}).status_code == 404
    removed = me.post(f"/me/bookmarks/{code}/delete", {})
    assert removed.status_code == 303 and removed.headers["location"].startswith("/me?done=unbookmarked")
    assert count_rows(db_url, Bookmark) == 0
    assert "还没有收藏" in me.get("/me").text


def test_anonymous_bookmark_goes_to_login(people: dict[str, Visitor]) -> None:
    response = people["anonymous"].client.post(
        "/me/bookmarks/ups-eco-mode-operation",
        data={},
        headers={"referer": "http://testserver/technologies/ups-eco-mode-operation"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/technologies/ups-eco-mode-operation"


def test_csrf_token_is_required(people: dict[str, Visitor], db_url: str) -> None:
    me = people["enterprise"]
    assert me.post("/me/bookmarks/ups-eco-mode-operation", {}, csrf="wrong").status_code == 403
    assert me.post("/me/bookmarks/ups-eco-mode-operation", {}, csrf="-").status_code == 403
    assert count_rows(db_url, Bookmark) == 0
