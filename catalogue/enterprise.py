"""Enterprise features: recommendation history, saved profiles, bookmarks.

Profiles and results are stored as the JSON the API speaks, so a saved run can be shown again exactly
as it was given even after the catalogue changed.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import Session, col, select

from catalogue.errors import Conflict, NotFound
from catalogue.models import Bookmark, RecommendationRun, SavedProfile, Technology, utcnow

MAX_SAVED_PROFILES = 50


def save_run(
    session: Session, user_id: int | None, profile: dict[str, Any], result: dict[str, Any]
) -> RecommendationRun:
    run = RecommendationRun(token=secrets.token_urlsafe(16)[:22], user_id=user_id, profile=profile, result=result)
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, token: str) -> RecommendationRun:
    run = session.exec(select(RecommendationRun).where(RecommendationRun.token == token)).first()
    if run is None:
        raise NotFound(f"没有这条推荐记录 (no recommendation '{token[:40]}')")
    return run


def list_runs(session: Session, user_id: int, limit: int = 50) -> list[RecommendationRun]:
    stmt = (
        select(RecommendationRun)
        .where(RecommendationRun.user_id == user_id)
        .order_by(col(RecommendationRun.created_at).desc(), col(RecommendationRun.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt).all())


def list_profiles(session: Session, user_id: int) -> list[SavedProfile]:
    stmt = select(SavedProfile).where(SavedProfile.user_id == user_id).order_by(col(SavedProfile.updated_at).desc())
    return list(session.exec(stmt).all())


def get_profile(session: Session, user_id: int, profile_id: int) -> SavedProfile:
    saved = session.get(SavedProfile, profile_id)
    if saved is None or saved.user_id != user_id:  # another user's profile is not even acknowledged
        raise NotFound(f"没有这个画像 (no saved profile {profile_id})")
    return saved


def save_profile(
    session: Session, user_id: int, name: str, profile: dict[str, Any], profile_id: int | None = None
) -> SavedProfile:
    if profile_id is not None:
        saved = get_profile(session, user_id, profile_id)
        saved.name, saved.profile, saved.updated_at = name, profile, utcnow()
    else:
        count = len(list_profiles(session, user_id))
        if count >= MAX_SAVED_PROFILES:
            raise Conflict(f"最多保存 {MAX_SAVED_PROFILES} 个画像 (at most {MAX_SAVED_PROFILES} saved profiles)")
        saved = SavedProfile(user_id=user_id, name=name, profile=profile)
    session.add(saved)
    session.flush()
    return saved


def delete_profile(session: Session, user_id: int, profile_id: int) -> None:
    session.delete(get_profile(session, user_id, profile_id))
    session.flush()


def _published(session: Session, code: str) -> Technology:
    tech = session.exec(select(Technology).where(Technology.code == code)).first()
    if tech is None or tech.status != "published":
        raise NotFound(f"没有已发布的技术 '{code[:80]}' (no published technology)")
    return tech


def add_bookmark(session: Session, user_id: int, code: str) -> Technology:
    tech = _published(session, code)
    assert tech.id is not None
    if session.get(Bookmark, (user_id, tech.id)) is None:
        session.add(Bookmark(user_id=user_id, technology_id=tech.id))
        session.flush()
    return tech


def remove_bookmark(session: Session, user_id: int, code: str) -> None:
    tech = session.exec(select(Technology).where(Technology.code == code)).first()
    if tech is not None and tech.id is not None:
        mark = session.get(Bookmark, (user_id, tech.id))
        if mark is not None:
            session.delete(mark)
            session.flush()


def list_bookmarks(session: Session, user_id: int) -> list[Technology]:
    stmt = (
        select(Technology)
        .join(Bookmark, col(Bookmark.technology_id) == col(Technology.id))
        .where(Bookmark.user_id == user_id)
        .order_by(col(Bookmark.created_at).desc())
    )
    return list(session.exec(stmt).all())
