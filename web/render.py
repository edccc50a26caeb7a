"""Jinja2 environment, the context every page shares, and the HTML error page."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from web.i18n import LANG_COOKIE, normalise, translator

EVIDENCE_ZH = {
    "declared": "申报",
    "expert_reviewed": "专家评审",
    "verified_case": "案例验证",
    "monitored": "第三方监测",
}
# Where a signed-in user's own area lives, by role.
HOME_BY_ROLE = {"enterprise": "/me", "provider": "/portal", "curator": "/curator", "admin": "/curator"}
ROLE_LINK_ZH = {"enterprise": "我的", "provider": "技术提供方", "curator": "审核", "admin": "审核"}


def current_lang(request: Request) -> str:
    return normalise(request.cookies.get(LANG_COOKIE))


def base_context(request: Request) -> dict[str, Any]:
    """What every template may use: the signed-in user, the CSRF token, the language and its strings."""
    lang = current_lang(request)
    user = getattr(request.state, "user", None)
    role = getattr(user, "role", None)
    return {
        "user": user,
        "user_home": HOME_BY_ROLE.get(role or ""),
        "user_home_label": ROLE_LINK_ZH.get(role or ""),
        "csrf_token": getattr(request.state, "csrf_token", None),
        "lang": lang,
        "_": translator(lang),
        "current_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }


def num(value: Any, digits: int = 2) -> str:
    """A figure for people: thousands separators, no trailing zeros, a dash for nothing."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "—"
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    text = f"{number:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def span(figure: Any) -> str:
    """A {min, max} figure as "a–b" (or "a" when both are equal)."""
    if not figure:
        return "—"
    low = figure.get("min") if isinstance(figure, dict) else getattr(figure, "min", None)
    high = figure.get("max") if isinstance(figure, dict) else getattr(figure, "max", None)
    if low is None and high is None:
        return "—"
    if low == high or high is None:
        return num(low)
    if low is None:
        return num(high)
    return f"{num(low)}–{num(high)}"


def link_url(url: Any) -> str | None:
    """Only http(s) addresses become links: a record's URL is user-supplied text."""
    if not isinstance(url, str):
        return None
    candidate = url.strip().split()[0] if url.strip() else ""
    parts = urlsplit(candidate)
    if parts.scheme in ("http", "https") and parts.netloc:
        return candidate
    return None


def evidence_zh(level: str) -> str:
    return EVIDENCE_ZH.get(level, level)


TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"), context_processors=[base_context])
TEMPLATES.env.filters.update(num=num, span=span, link_url=link_url, evidence_zh=evidence_zh)
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, status: int, title: str, detail: str, errors: list[dict[str, Any]]) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "detail": detail, "errors": errors},
        status_code=status,
    )
