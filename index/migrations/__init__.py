"""Schema migrations (Alembic), applied by the program itself.

Every engine made by ``index.store.make_engine`` checks the database's revision
(one small query) and, when it is behind, upgrades it to head: under a
PostgreSQL advisory lock, or SQLite's write lock (``BEGIN IMMEDIATE``), in one
transaction, so two processes starting on one fresh database do not collide and a
killed upgrade leaves the old schema. ``hoidap db upgrade`` does the same by hand
and prints the revision before and after.

A database made before migrations existed (tables made by ``create_all``, no
``alembic_version``) is stamped at the baseline revision ``0001`` — whose schema is
exactly what ``create_all`` made — and then upgraded normally.

Adding a migration (e.g. a new table or column in ``index/store.py``):

1. change the model in ``index/store.py``;
2. from the project root, against a database at head (a scratch SQLite file will
   do: ``HOIDAP_DATA_DIR=/tmp/scratch hoidap db upgrade``)::

       HOIDAP_DATA_DIR=/tmp/scratch alembic -c index/migrations/alembic.ini \\
           revision --autogenerate -m "add the xyz table"

   (or ``DATABASE_URL=postgresql+psycopg://...`` to diff against PostgreSQL);
3. read the new file in ``index/migrations/versions/``: name it ``NNNN_what.py``
   with ``revision = "NNNN"`` (the next number) and check what autogenerate guessed
   (renames come out as drop + add; server defaults for new NOT NULL columns on
   existing rows are yours to add);
4. ``tests/test_migrations.py`` checks that a fresh database at head matches the
   models exactly, on SQLite and (in CI's second pass) on PostgreSQL.

On SQLite, ``render_as_batch`` turns ALTERs into table copies; the migration runs in
a transaction with foreign keys on, so a migration that copies a table others point
to (``article``, ``passage``) should start with ``op.execute("PRAGMA
defer_foreign_keys = ON")`` when on SQLite.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema create_all made before migrations existed
BASELINE_TABLES = ("article", "passage", "token_cache", "figure", "ingest_run", "question_log", "meta")
PG_LOCK_KEY = 0x686F_6964_6462  # pg_advisory_xact_lock key: one upgrader per database at a time


class MigrationError(RuntimeError):
    """The database's schema cannot be brought to this program's head revision."""


def config(connection: Connection | None = None):
    """An Alembic config for these migrations, running on ``connection`` when given."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


@functools.lru_cache(maxsize=1)
def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


@functools.lru_cache(maxsize=1)
def head() -> str:
    """This program's newest revision."""
    heads = _script().get_heads()
    if len(heads) != 1:  # two migrations written in parallel: merge them (alembic merge)
        raise MigrationError(f"the migrations have {len(heads)} heads {heads}; merge them")
    return heads[0]


def current(engine: Engine) -> str | None:
    """The database's revision (None: never migrated). Connection errors propagate."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stored_version(engine: Engine) -> str | None:
    """The revision in ``alembic_version``, cheaply; None if unreadable for any reason."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql" and conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
                return None  # (a failing SELECT would write an ERROR to the server's log)
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return None
    return rows[0] if len(rows) == 1 else None


def ensure_head(engine: Engine) -> None:
    """Upgrade the database to head unless it is there already (the usual case: one query)."""
    if _stored_version(engine) == head():
        return
    try:
        upgrade(engine)
    except DBAPIError:
        if _stored_version(engine) == head():  # another process got there first
            return
        raise


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Apply the migrations up to ``target`` in one transaction; returns (before, after)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # pysqlite runs DDL outside transactions unless told otherwise: take over
            # the transaction, and take the write lock before reading the revision
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        try:
            before = MigrationContext.configure(conn).get_current_revision()
            _check_known(before)
            cfg = config(conn)
            if before is None and _has_baseline_tables(conn):
                log.warning("database made before migrations: stamping it at revision %s", BASELINE)
                command.stamp(cfg, BASELINE)
            command.upgrade(cfg, target)
            after = MigrationContext.configure(conn).get_current_revision()
            if sqlite:
                conn.exec_driver_sql("COMMIT")
            conn.commit()
        except BaseException:
            if sqlite:
                conn.exec_driver_sql("ROLLBACK")
            conn.rollback()
            raise
    if after != before:
        log.info("database schema upgraded from %s to %s", before, after)
    return before, after


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    from alembic.util import CommandError

    try:
        known = _script().get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise MigrationError(
            f"the database is at schema revision {revision}, which this version of hoidap does not know "
            f"(its newest is {head()}): upgrade hoidap"
        )


def _has_baseline_tables(conn: Connection) -> bool:
    names = set(inspect(conn).get_table_names())
    return all(t in names for t in BASELINE_TABLES)
