"""The ``hoidap`` console script: the engine's commands plus ``hoidap bot``."""

from __future__ import annotations

from index.cli import app
from index.cli import main as _engine_main


def main() -> None:
    _engine_main()


if __name__ == "__main__":
    main()
