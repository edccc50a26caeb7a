"""Composition root: settings -> engine, recommender, routers, error handling."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from api import auth, errors
from api.limits import BodyLimitMiddleware
from api.ratelimit import RateLimiter
from api.recommending import RecommenderService
from api.settings import Settings
from api.v1 import accounts, curation, enterprise, health, recommendations, submissions
from api.v1 import catalogue as catalogue_routes
from catalogue.db import make_engine

log = logging.getLogger("lowcarbon.http")


def create_app(settings: Settings | None = None, *, recommender: RecommenderService | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.resolved_database_url())
    service = recommender or RecommenderService(engine, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not service.ready:
            service.start(background=settings.build_index_in_background)
        yield
        engine.dispose()

    app = FastAPI(
        title="lowcarbon — 工业低碳技术库",
        version="0.1.0",
        description=(
            "新疆工业重点领域低碳技术库：按《新疆维吾尔自治区工业能效提升行动计划》的行业与改造方向编目的节能降碳技术，"
            "企业画像匹配推荐，以及对标国家能效标杆/基准水平。Errors are RFC 9457 problem+json."
        ),
        lifespan=lifespan,
        responses=errors.PROBLEM_RESPONSES,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.recommender = service
    app.state.rate_limiter = RateLimiter(
        {"login": settings.login_attempts_per_minute, "register": settings.registrations_per_minute}
    )

    def limit_for(path: str) -> int:
        return settings.max_import_bytes if path.endswith("/import") else settings.max_body_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=limit_for)

    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["x-request-id"] = rid
        log.info(
            "%s %s %s %.1fms rid=%s",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - start) * 1000,
            rid,
        )
        return response

    auth.install(app)  # outermost: identity and CSRF before anything else runs
    errors.install(app)
    app.include_router(health.router)
    app.include_router(accounts.router)
    app.include_router(catalogue_routes.router)
    app.include_router(submissions.router)
    app.include_router(curation.router)
    app.include_router(enterprise.router)
    app.include_router(recommendations.router)
    from web import pages

    pages.install(app)
    return app
