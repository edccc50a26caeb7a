"""Form reading for pages, with the CSRF check for signed-in browsers."""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.datastructures import FormData

from catalogue.errors import Forbidden


async def read_form(request: Request) -> FormData:
    """The POSTed form; a browser with a session must send back its CSRF token (hidden field)."""
    form = await request.form()
    if getattr(request.state, "via_cookie", False):
        sent = form.get("csrf_token")
        expected = getattr(request.state, "csrf_token", None) or ""
        if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
            raise Forbidden("表单已过期或来源不明，请刷新页面后重试 (missing or wrong CSRF token)")
    return form
