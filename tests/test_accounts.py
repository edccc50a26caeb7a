"""Registration, login, tokens, cookie sessions, CSRF and rate limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api import ratelimit
from api.auth import SESSION_COOKIE
from catalogue.errors import TooManyRequests
from catalogue.models import AuthToken, Provider, User
from tests.accounts_support import db_session

PASSWORD = "correct horse battery"


def register(client: TestClient, email: str, role: str = "enterprise", **extra: object) -> dict[str, object]:
    body = {"email": email, "password": PASSWORD, "display_name": "张工", "role": role, **extra}
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()
    return data


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def test_register_login_me_logout(client: TestClient, db_url: str) -> None:
    user = register(client, "Zhang@Plant.cn", organisation="某水泥有限公司")
    assert user["email"] == "zhang@plant.cn" and user["role"] == "enterprise"
    token = login(client, "zhang@plant.cn")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["organisation"] == "某水泥有限公司"
    with db_session(db_url) as s:
        stored = s.exec(select(User).where(User.email == "zhang@plant.cn")).one()
        assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
        hashes = s.exec(select(AuthToken.token_hash)).all()
        assert token not in hashes and len(hashes) == 1  # only the SHA-256 of the token is kept
    assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    after = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401 and after.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/me").status_code == 401


def test_provider_registration_creates_its_organisation(client: TestClient, db_url: str) -> None:
    missing = client.post(
        "/api/v1/auth/register",
        json={"email": "p@maker.cn", "password": PASSWORD, "display_name": "李工", "role": "provider"},
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "provider"
    user = register(
        client, "p@maker.cn", "provider", provider={"name": "Tianshan Heat Pumps", "kind": "equipment_maker"}
    )
    with db_session(db_url) as s:
        org = s.get(Provider, user["provider_id"])
        assert org is not None and org.name == "Tianshan Heat Pumps" and org.code == "tianshan-heat-pumps"


def test_registration_errors_are_per_field(client: TestClient) -> None:
    bad = client.post(
        "/api/v1/auth/register",
        json={"email": "not-an-email", "password": "short", "display_name": "", "role": "enterprise"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"password", "display_name"}
    email = client.post(
        "/api/v1/auth/register",
        json={"email": "not-an-email", "password": PASSWORD, "display_name": "张工", "role": "enterprise"},
    )
    assert email.status_code == 422 and email.json()["errors"][0]["field"] == "email"
    admin = client.post(
        "/api/v1/auth/register",
        json={"email": "a@b.cn", "password": PASSWORD, "display_name": "x", "role": "admin"},
    )
    assert admin.status_code == 422  # curator and admin accounts are never self-registered
    register(client, "dup@plant.cn")
    dup = client.post(
        "/api/v1/auth/register",
        json={"email": "DUP@plant.cn", "password": PASSWORD, "display_name": "x", "role": "enterprise"},
    )
    assert dup.status_code == 409


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient) -> None:
    register(client, "known@plant.cn")
    wrong = client.post("/api/v1/auth/login", json={"email": "known@plant.cn", "password": "wrong password!"})
    unknown = client.post("/api/v1/auth/login", json={"email": "nobody@plant.cn", "password": "wrong password!"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    bogus = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert bogus.status_code == 401 and bogus.headers["www-authenticate"] == "Bearer"


def test_login_is_rate_limited(client: TestClient) -> None:
    statuses = [
        client.post("/api/v1/auth/login", json={"email": "x@plant.cn", "password": "wrong password!"}).status_code
        for _ in range(11)
    ]
    assert statuses == [401] * 10 + [429]
    limited = client.post("/api/v1/auth/login", json={"email": "x@plant.cn", "password": "wrong password!"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_rate_limit_window_slides_rather_than_resetting_on_the_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    limiter = ratelimit.RateLimiter({"login": 3})
    for t in (50.0, 55.0, 59.0):  # three attempts just before what would be a clock-minute boundary
        clock[0] = 1_000_000.0 + t
        limiter.hit("login", "10.0.0.1")
    clock[0] = 1_000_000.0 + 61.0  # a fixed window would have reset here
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("login", "10.0.0.1")
    assert refused.value.headers == {"Retry-After": "49"}  # the first attempt leaves the window at 110 s
    limiter.hit("login", "10.0.0.2")  # other addresses are counted apart
    clock[0] = 1_000_000.0 + 110.5
    limiter.hit("login", "10.0.0.1")  # one slot free again


def test_cookie_session_needs_csrf_for_unsafe_api_calls(client: TestClient) -> None:
    register(client, "web@plant.cn")
    page = client.post(
        "/login", data={"email": "web@plant.cn", "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert page.status_code == 303 and SESSION_COOKIE in page.cookies
    assert client.get("/api/v1/me").json()["email"] == "web@plant.cn"
    body = {"name": "一号线", "profile": {"description": "燃煤锅炉排烟温度高"}}
    forged = client.post("/api/v1/me/profiles", json=body)
    assert forged.status_code == 403 and forged.json()["type"].endswith("/csrf")
    home = client.get("/")
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert csrf
    ok = client.post("/api/v1/me/profiles", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    no_token_logout = client.post("/logout", data={}, follow_redirects=False)
    assert no_token_logout.status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    assert client.get("/api/v1/me").status_code == 401


def test_login_page_errors_and_safe_redirect(client: TestClient) -> None:
    register(client, "page@plant.cn")
    wrong = client.post("/login", data={"email": "page@plant.cn", "password": "nope nope nope"})
    assert wrong.status_code == 401 and "邮箱或密码不正确" in wrong.text and 'value="page@plant.cn"' in wrong.text
    evil = client.post(
        "/login",
        data={"email": "page@plant.cn", "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert evil.status_code == 303 and evil.headers["location"] == "/me"
    client.cookies.clear()
    page = client.post(
        "/register",
        data={"email": "bad", "password": "short", "display_name": "<script>alert(1)</script>", "role": "enterprise"},
    )
    assert page.status_code == 422 and "邮箱格式不正确" in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
