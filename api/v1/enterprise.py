"""The signed-in user's own things: saved profiles, recommendation history, bookmarks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.auth import ActorDep
from api.deps import SessionDep
from api.v1.schemas import TechnologyOut
from catalogue import enterprise
from catalogue.accounts import Actor
from catalogue.permissions import Perm, require
from catalogue.technologies import technology_public
from recommender.types import Profile

router = APIRouter(prefix="/api/v1/me", tags=["enterprise"])


class SavedProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=80)
    profile: Profile


class SavedProfileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    profile: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    token: str
    profile: dict[str, Any]
    result: dict[str, Any]
    created_at: datetime


def _user(actor: Actor) -> int:
    require(actor, Perm.ENTERPRISE_DATA)
    assert actor.user_id is not None
    return actor.user_id


@router.get("/profiles", response_model=list[SavedProfileOut])
def list_profiles(actor: ActorDep, session: SessionDep) -> Any:
    """Your saved enterprise profiles."""
    return enterprise.list_profiles(session, _user(actor))


@router.post("/profiles", response_model=SavedProfileOut, status_code=status.HTTP_201_CREATED)
def create_profile(body: SavedProfileIn, actor: ActorDep, session: SessionDep) -> Any:
    """Save a profile to re-run recommendations later."""
    return enterprise.save_profile(session, _user(actor), body.name, body.profile.model_dump(mode="json"))


@router.get("/profiles/{profile_id}", response_model=SavedProfileOut)
def get_profile(profile_id: int, actor: ActorDep, session: SessionDep) -> Any:
    """One of your saved profiles (another user's is 404)."""
    return enterprise.get_profile(session, _user(actor), profile_id)


@router.put("/profiles/{profile_id}", response_model=SavedProfileOut)
def update_profile(profile_id: int, body: SavedProfileIn, actor: ActorDep, session: SessionDep) -> Any:
    """Rename or change a saved profile."""
    return enterprise.save_profile(
        session, _user(actor), body.name, body.profile.model_dump(mode="json"), profile_id=profile_id
    )


@router.delete("/profiles/{profile_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_profile(profile_id: int, actor: ActorDep, session: SessionDep) -> Response:
    """Delete a saved profile."""
    enterprise.delete_profile(session, _user(actor), profile_id)
    return Response(status_code=204)


@router.get("/recommendations", response_model=list[RunOut])
def history(actor: ActorDep, session: SessionDep) -> Any:
    """Recommendations you received while signed in, newest first (the last 50)."""
    return enterprise.list_runs(session, _user(actor))


@router.get("/bookmarks", response_model=list[TechnologyOut])
def list_bookmarks(actor: ActorDep, session: SessionDep) -> Any:
    """Technologies you bookmarked (published ones)."""
    return [
        TechnologyOut.model_validate(technology_public(t))
        for t in enterprise.list_bookmarks(session, _user(actor))
        if t.status == "published"
    ]


@router.put("/bookmarks/{code}", status_code=status.HTTP_204_NO_CONTENT)
def add_bookmark(code: str, actor: ActorDep, session: SessionDep) -> Response:
    """Bookmark a published technology (idempotent)."""
    enterprise.add_bookmark(session, _user(actor), code)
    return Response(status_code=204)


@router.delete("/bookmarks/{code}", status_code=status.HTTP_204_NO_CONTENT)
def remove_bookmark(code: str, actor: ActorDep, session: SessionDep) -> Response:
    """Remove a bookmark (idempotent)."""
    enterprise.remove_bookmark(session, _user(actor), code)
    return Response(status_code=204)
