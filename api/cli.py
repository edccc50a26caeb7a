"""Command line: `lowcarbon init | serve | import | export | stats | reindex | recommend | evaluate`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.settings import Settings
from catalogue import io as catalogue_io
from catalogue import migrate, queries
from catalogue.db import make_engine, unit_of_work
from catalogue.errors import DomainError
from catalogue.seed import load_seed

app = typer.Typer(
    help="工业低碳技术库 lowcarbon: catalogue, recommender and service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _fail(message: str) -> None:
    typer.secho(f"错误 / error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _settings() -> Settings:
    return Settings()


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.resolved_database_url())
    try:
        yield engine
    finally:
        engine.dispose()


def initialise(settings: Settings) -> dict[str, int]:
    """Migrate to the newest schema and load seed_data; returns what changed."""
    url = settings.resolved_database_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            return dict(load_seed(session))
    finally:
        engine.dispose()


def _is_empty(url: str) -> bool:
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("section"):
            return True
        with Session(engine) as session:
            return bool(queries.stats(session)["sections"] == 0)
    finally:
        engine.dispose()


@app.command()
def init() -> None:
    """Run the migrations and load seed_data (idempotent: a second run changes nothing)."""
    try:
        changes = initialise(_settings())
    except DomainError as exc:
        _fail(str(exc))
    if not changes:
        typer.echo("数据库已是最新，无变更 (nothing to change)")
    for kind, n in sorted(changes.items()):
        typer.echo(f"{kind}: {n}")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Start the service; an empty database is initialised (migrated and seeded) first."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    url = settings.resolved_database_url()
    if _is_empty(url):
        typer.echo("空数据库，正在初始化 (initialising an empty database)…")
        initialise(settings)
    else:
        migrate.upgrade(url)
    typer.echo(f"lowcarbon 服务地址 http://{host}:{port}/")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())


@app.command("export")
def export(file: Path, status: Annotated[list[str] | None, typer.Option(help="only these statuses")] = None) -> None:
    """Export technologies to FILE (.json, .csv or .xlsx)."""
    settings = _settings()
    try:
        with _engine(settings) as engine, unit_of_work(engine) as session:
            n = catalogue_io.export_file(session, file, status)
    except DomainError as exc:
        _fail(str(exc))
    typer.echo(f"已导出 {n} 项技术 → {file}")


@app.command("import")
def import_(file: Path) -> None:
    """Import technologies from FILE (.json, .csv or .xlsx): all rows are checked first; any bad row
    means nothing is written, and every problem is listed with its row and field."""
    settings = _settings()
    if not file.exists():
        _fail(f"文件不存在 / no such file: {file}")
    try:
        fmt = catalogue_io.format_of(file)
        with _engine(settings) as engine, unit_of_work(engine) as session:
            counts = catalogue_io.import_bytes(session, file.read_bytes(), fmt)
    except DomainError as exc:
        _fail(str(exc))
    typer.echo("导入完成：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))


@app.command()
def stats() -> None:
    """Counts of sections, directions, technologies, benchmark rows, providers."""
    settings = _settings()
    with _engine(settings) as engine, Session(engine) as session:
        data = queries.stats(session)
    for key, value in data.items():
        typer.echo(f"{key}: {value}")


def _service(settings: Settings):  # type: ignore[no-untyped-def]
    from api.recommending import RecommenderService

    engine = make_engine(settings.resolved_database_url())
    service = RecommenderService(engine, settings)
    service.build()
    engine.dispose()  # the index is built; later freshness checks open a new connection and close it
    if not service.ready:
        _fail(f"recommender could not be built: {service.status()['error']}")
    return service


@app.command()
def reindex() -> None:
    """Rebuild the recommender index from scratch (re-encodes every passage)."""
    import shutil

    settings = _settings()
    shutil.rmtree(settings.resolved_vectors_dir(), ignore_errors=True)
    status = _service(settings).status()
    typer.echo(f"索引已重建：{status['technologies']} 项技术，模式 {status['mode']}，用时 {status['build_seconds']} s")


@app.command()
def recommend(
    description: str,
    industry: Annotated[str | None, typer.Option(help="section code, e.g. building_materials")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    top: int = 10,
) -> None:
    """Recommend retrofit directions and technologies for a free-text description."""
    from pydantic import ValidationError

    from recommender.types import Profile

    try:
        profile = Profile(industry=industry, description=description)
    except ValidationError as exc:
        _fail("; ".join(e["msg"] for e in exc.errors()))
    result = _service(_settings()).index().recommend(profile, top=top)
    if as_json:
        typer.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2))
        return
    for rank, d in enumerate(result.directions, start=1):
        typer.echo(f"{rank:2d}. {d.name_zh} [{d.code}] {d.score:.2f}")
        for r in d.reasons[:3]:
            typer.echo(f"      · {r.text}")
        for t in d.technologies:
            typer.echo(f"      - {t.name_zh} ({t.score:.2f})")


@app.command()
def evaluate(file: Path) -> None:
    """recall@5, hit@3 and nDCG@10 on labelled profiles (JSONL) for the hybrid and each part alone."""
    from recommender.evaluation import evaluate as run
    from recommender.evaluation import load_profiles
    from recommender.types import Profile

    try:
        profiles = load_profiles(file)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    index = _service(_settings()).index()
    modes = ["hybrid", "lexical", "dense", "names"] if index.embedder is not None else ["lexical", "names"]
    labels = {"hybrid": "hybrid", "lexical": "lexical-only", "dense": "dense-only", "names": "taxonomy-names"}
    for mode in modes:

        def rank(p, mode=mode):  # type: ignore[no-untyped-def]
            profile = Profile(industry=p.industry, description=p.description)
            return [d.code for d in index.recommend(profile, mode=mode, top=10, per_direction=1).directions]

        typer.echo(run(profiles, rank).line(labels[mode]))


def main() -> None:  # pragma: no cover
    app(prog_name="lowcarbon")


if __name__ == "__main__":  # pragma: no cover
    main()


users_app = typer.Typer(help="Accounts: create users (the first admin is made here; there is no default password).")
app.add_typer(users_app, name="users")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="e-mail address (the login)")],
    role: Annotated[str, typer.Option(help="enterprise | provider | curator | admin")],
    name: Annotated[str, typer.Option(help="display name")] = "",
    provider: Annotated[str | None, typer.Option(help="provider organisation code (role provider)")] = None,
    password_stdin: Annotated[bool, typer.Option(help="read the password from standard input")] = False,
) -> None:
    """Create an account. The password is asked for twice (or read from stdin with --password-stdin)."""
    from catalogue import audit
    from catalogue.accounts import CLI, Role, create_user

    try:
        chosen = Role(role)
    except ValueError:
        _fail(f"unknown role '{role}': use enterprise, provider, curator or admin")
    if password_stdin:
        import sys

        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    try:
        migrate.upgrade(settings.resolved_database_url())
        with _engine(settings) as engine, unit_of_work(engine) as session:
            user = create_user(
                session,
                email=email,
                password=password,
                display_name=name or email.split("@")[0],
                role=chosen,
                provider_code=provider,
            )
            audit.record(session, CLI, "user.create", "user", user.id or 0, after={"role": user.role})
            user_id = user.id
    except DomainError as exc:
        _fail(str(exc))
    typer.echo(f"已创建用户 #{user_id} {email} ({role})")
