"""Options every ``hoidap`` command shares: where the data lives."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

DataDir = Annotated[
    Path, typer.Option("--data-dir", envvar="HOIDAP_DATA_DIR", help="Folder of the database and index.")
]
DbUrl = Annotated[
    Optional[str],
    typer.Option("--database-url", envvar="DATABASE_URL", help="SQLAlchemy URL; overrides the SQLite file.", show_default=False),
]
