"""Server-rendered pages (Chinese UI, English on request): static files and the page routers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web import accounts, curator, me, portal, public


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.include_router(public.router)
    app.include_router(accounts.router)
    app.include_router(portal.router)
    app.include_router(curator.router)
    app.include_router(me.router)
