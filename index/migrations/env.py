"""Alembic environment: runs on the connection ``index.migrations`` hands over.

Run by ``hoidap db upgrade``, by every engine that finds the database behind
head (``index.store.make_engine``), and by the ``alembic`` command line with
``-c index/migrations/alembic.ini`` (then the URL is ``DATABASE_URL``, or the
SQLite file of ``HOIDAP_DATA_DIR``/``./data``).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import context
from sqlmodel import SQLModel

from index import store  # noqa: F401  (registers every table on SQLModel.metadata)

target_metadata = SQLModel.metadata

if context.config.config_file_name:  # the alembic command line: its logging setup
    from logging.config import fileConfig

    fileConfig(context.config.config_file_name, disable_existing_loggers=False)


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:  # index.migrations.upgrade: its transaction, its locks
        _configure(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or store.database_url(
        Path(os.environ.get("HOIDAP_DATA_DIR", "data")), os.environ.get("DATABASE_URL")
    )
    engine = store.make_engine(url, migrate=False)
    try:
        with engine.connect() as conn:
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


def run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL", "sqlite:///data/hoidap.db"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
