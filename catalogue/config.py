"""Defaults shared by the CLI, the migrations and the service (the API's settings build on them)."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_dir() -> Path:
    return Path(os.environ.get("LOWCARBON_DATA_DIR", "var")).resolve()


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'lowcarbon.db'}"
