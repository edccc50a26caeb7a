"""The signed-in user's own area: saved enterprise profiles, recommendation history and bookmarks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from catalogue import enterprise
from catalogue.accounts import Actor
from catalogue.permissions import Perm, require
from web.portal import PageRoute, actor_of, done_message, safe_path, show
from web.security import read_form

router = APIRouter(include_in_schema=False, route_class=PageRoute)

DONE = {
    "profile_saved": "画像已保存。",
    "profile_deleted": "画像已删除。",
    "bookmarked": "已收藏。",
    "unbookmarked": "已取消收藏。",
}
MAX_NAME = 80


def _user(request: Request) -> tuple[Actor, int]:
    actor = actor_of(request)
    require(actor, Perm.ENTERPRISE_DATA)
    assert actor.user_id is not None
    return actor, actor.user_id


@router.get("/me", response_class=HTMLResponse)
def me_page(request: Request, session: SessionDep, done: str = "") -> HTMLResponse:
    """Saved profiles, past recommendations and bookmarked technologies."""
    _, user_id = _user(request)
    return show(
        request,
        "me/index.html",
        {
            "profiles": enterprise.list_profiles(session, user_id),
            "runs": enterprise.list_runs(session, user_id),
            "bookmarks": enterprise.list_bookmarks(session, user_id),
            "notice": done_message(done, DONE),
        },
    )


@router.post("/me/profiles")
async def save_profile(request: Request, session: SessionDep) -> Response:
    """Save the profile of a recommendation run (from its results page) under a name."""
    form = await read_form(request)
    _, user_id = _user(request)
    token = str(form.get("token") or "")[:64]
    run = enterprise.get_run(session, token)
    name = str(form.get("name") or "").strip()[:MAX_NAME]
    if not name:
        industry = run.profile.get("industry") or ""
        name = f"{industry} {run.created_at:%Y-%m-%d %H:%M}".strip()[:MAX_NAME]
    enterprise.save_profile(session, user_id, name, run.profile)
    return RedirectResponse("/me?done=profile_saved#profiles", status_code=303)


@router.post("/me/profiles/{profile_id}/delete")
async def delete_profile(request: Request, profile_id: int, session: SessionDep) -> Response:
    """Delete one of the user's saved profiles."""
    await read_form(request)
    _, user_id = _user(request)
    enterprise.delete_profile(session, user_id, profile_id)
    return RedirectResponse("/me?done=profile_deleted#profiles", status_code=303)


@router.post("/me/bookmarks/{code}")
async def add_bookmark(request: Request, code: str, session: SessionDep) -> Response:
    """Bookmark a published technology (a button on its page posts here; `next` says where to go back)."""
    form = await read_form(request)
    _, user_id = _user(request)
    tech = enterprise.add_bookmark(session, user_id, code[:80])
    target = safe_path(form.get("next")) or f"/technologies/{tech.code}"
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}done=bookmarked", status_code=303)


@router.post("/me/bookmarks/{code}/delete")
async def remove_bookmark(request: Request, code: str, session: SessionDep) -> Response:
    """Remove a bookmark."""
    form = await read_form(request)
    _, user_id = _user(request)
    enterprise.remove_bookmark(session, user_id, code[:80])
    target = safe_path(form.get("next")) or "/me#bookmarks"
    if target.startswith("/me"):
        target = "/me?done=unbookmarked#bookmarks"
    return RedirectResponse(target, status_code=303)
