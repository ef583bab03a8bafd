"""Database tables (SQLModel) and the session factory.

SQLite file ``<data_dir>/hoidap.db`` by default; ``DATABASE_URL`` (any SQLAlchemy
URL; PostgreSQL through psycopg 3) overrides it. Every write goes through
``session()`` so a batch is one transaction: it lands whole or not at all.

The schema is made and changed by the Alembic migrations in ``index/migrations``:
``make_engine`` brings the database to head. A table or column change here needs a
migration (how: ``index/migrations/__init__.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import BigInteger, Index, event, insert, select
from sqlalchemy.engine import Engine as SAEngine
from pydantic import NaiveDatetime
from sqlmodel import Field, Session, SQLModel, create_engine

DB_FILENAME = "hoidap.db"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class ArticleRow(SQLModel, table=True):
    __tablename__ = "article"

    id: str = Field(primary_key=True, max_length=255)
    title: str = ""
    text: str
    date: NaiveDatetime | None = None
    url: str | None = None
    category: str | None = None
    source: str | None = None
    views: int | None = None
    origin: str | None = Field(default=None, index=True)
    content_hash: str = Field(index=True, max_length=64)  # normalized text only
    record_hash: str = Field(max_length=64)  # every field: decides "updated"
    title_hash: str = Field(max_length=64)
    n_chars: int = 0
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class PassageRow(SQLModel, table=True):
    __tablename__ = "passage"
    __table_args__ = (Index("ix_passage_article_position", "article_id", "position", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: str = Field(foreign_key="article.id", max_length=255)
    position: int
    start: int
    end: int
    text: str
    text_hash: str = Field(max_length=64)
    # the places the passage refers to by level alone ("thuộc Quận" -> "quận Long Biên"),
    # "; "-joined; indexed with it (tokens in token_cache under places_hash)
    places: str | None = None
    places_hash: str | None = Field(default=None, max_length=64)


class TokenCacheRow(SQLModel, table=True):
    """Index tokens of a text, keyed by the hash of the text and tokenizer version."""

    __tablename__ = "token_cache"

    hash: str = Field(primary_key=True, max_length=64)
    tokens: str  # space-separated index tokens


class FigureRow(SQLModel, table=True):
    __tablename__ = "figure"

    id: int | None = Field(default=None, primary_key=True)
    article_id: str = Field(foreign_key="article.id", index=True, max_length=255)
    passage_id: int = Field(foreign_key="passage.id", index=True)
    value: float
    text: str
    unit: str | None = None
    unit_folded: str | None = None
    kind: str = Field(max_length=16)
    qualifier: str | None = None
    sentence: str = ""
    context: str | None = None
    start: int = 0  # offsets in the article text
    end: int = 0


class IngestRunRow(SQLModel, table=True):
    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: NaiveDatetime = Field(default_factory=utcnow)
    finished_at: NaiveDatetime | None = None
    paths: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    removed: int = 0
    failed: int = 0
    passages: int = 0
    chars: int = 0


class QuestionLogRow(SQLModel, table=True):
    """One question asked through the bot (see ``index.querylog``)."""

    __tablename__ = "question_log"
    __table_args__ = (Index("ix_question_log_chat_user", "chat_id", "user_id", "asked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    asked_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)  # Telegram ids exceed 32 bits
    user_id: int | None = Field(default=None, sa_type=BigInteger)
    question: str
    question_key: str = Field(index=True)  # folded, for grouping repeats
    answer_type: str = "other"
    answered: bool = False
    latency_ms: float = 0.0
    # trust and conversation (migration 0004); NULL on rows logged before it
    status: str | None = Field(default=None, max_length=16)  # answered | uncertain | not_found
    confidence: float | None = None
    answer: str | None = None  # the answer line stated, or the best candidate's ("Có thể là")
    article_id: str | None = Field(default=None, max_length=255)  # the first passage's article
    question_used: str | None = None  # the completed question of a follow-up
    followup_of: int | None = Field(default=None, sa_type=BigInteger)  # the log id it completed


class FeedbackRow(SQLModel, table=True):
    """A user's 👍 / 👎 on one logged answer (one per user, changeable), and the
    correction they sent after a 👎."""

    __tablename__ = "answer_feedback"
    __table_args__ = (Index("ix_answer_feedback_log_user", "log_id", "user_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    log_id: int = Field(sa_type=BigInteger, index=True)
    user_id: int = Field(sa_type=BigInteger)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    vote: int = 0  # +1 or -1
    voted_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    prompt_message_id: int | None = Field(default=None, sa_type=BigInteger)  # "Đáp án đúng là …?" asked here
    correction: str | None = None
    corrected_at: NaiveDatetime | None = None


class SourceRow(SQLModel, table=True):
    """A news site, feed or sitemap that ``hoidap fetch`` and /reload bring articles from
    (see ``index.sources``); every worker reads the same list."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    url: str
    kind: str = Field(default="auto", max_length=16)  # auto | feed | sitemap | page
    added_at: NaiveDatetime = Field(default_factory=utcnow)
    # the last fetch: when, how it ended (ok | partial | failed), what it brought
    last_fetch_at: NaiveDatetime | None = None
    last_status: str | None = Field(default=None, max_length=16)
    last_found: int = 0  # article URLs discovered
    last_new: int = 0  # pages downloaded whose article was new or changed
    last_unchanged: int = 0  # pages answered 304, or whose text had not changed
    last_failed: int = 0
    last_errors: str | None = None  # JSON list of {"url", "reason"} (at most 50)
    articles: int = 0  # articles in the database from this source


class FetchedPageRow(SQLModel, table=True):
    """One fetched URL (an article page, a feed or sitemap, a site's robots.txt): what the
    next fetch needs to ask conditionally, or to skip it (see ``index.crawl``)."""

    __tablename__ = "fetched_page"

    key: str = Field(primary_key=True, max_length=255)  # index.webpage.article_id_for(url)
    url: str
    source_id: int | None = Field(default=None, index=True)
    role: str = Field(default="page", max_length=16)  # page | listing | robots
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = Field(default=None, max_length=64)
    article_id: str | None = Field(default=None, max_length=255)  # the article it gave, if any
    # ok | failed (retried: 5xx, timeout, network) | pending (beyond --max: next time)
    # | refused (4xx, robots.txt, not an article) | duplicate (the text of another article)
    status: str = Field(default="ok", max_length=16)
    reason: str | None = None
    failures: int = 0  # failed fetches in a row (while the site answered)
    failing_since: NaiveDatetime | None = None
    children: str | None = None  # a listing's child listings (JSON list), read again on a 304
    robots_txt: str | None = None  # a site's robots.txt, used when it answers 304
    fetched_at: NaiveDatetime = Field(default_factory=utcnow)


class MetaRow(SQLModel, table=True):
    """Small key/value facts: the database generation the index must match."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str


def database_url(data_dir: Path, url: str | None = None) -> str:
    if url:
        return _with_driver(url)
    return f"sqlite:///{(Path(data_dir) / DB_FILENAME).resolve()}"


def _with_driver(url: str) -> str:
    """``postgres://`` and ``postgresql://`` mean psycopg 3 (SQLAlchemy would pick psycopg2)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg://" + rest
    return url


SQLITE_MMAP_BYTES = 1 << 30  # the most of the database file SQLite maps (address space, not memory)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - driver glue
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # reads through a memory map instead of read() calls: a question reads ~60 passage
    # and token rows scattered over the file (whole ask p50 about 10% lower on VNTC)
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.close()


def make_engine(url: str, *, migrate: bool = True) -> SAEngine:
    """An engine on ``url``; with ``migrate``, the schema is brought to head first
    (one query when it is there already; see ``index.migrations``)."""
    url = _with_driver(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif url.startswith("postgresql"):
        engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if migrate:
        from index.migrations import ensure_head

        ensure_head(engine)
    return engine


@contextlib.contextmanager
def session(engine: SAEngine) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any exception."""
    with Session(engine, expire_on_commit=False) as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


def insert_ignore(s: Session, model: type[SQLModel], rows: list[dict]) -> None:
    """Bulk insert, skipping rows whose primary key exists (SQLite and PostgreSQL)."""
    if not rows:
        return
    dialect = s.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # pragma: no cover - other databases: plain insert of the missing keys
        pk = model.__table__.primary_key.columns.values()[0].name
        have = set(s.scalars(select(getattr(model, pk)).where(getattr(model, pk).in_([r[pk] for r in rows]))))
        s.execute(insert(model), [r for r in rows if r[pk] not in have])
        return
    s.execute(dialect_insert(model).on_conflict_do_nothing(), rows)


def get_meta(s: Session, key: str, default: str | None = None) -> str | None:
    row = s.get(MetaRow, key)
    return row.value if row else default


def set_meta(s: Session, key: str, value: str) -> None:
    row = s.get(MetaRow, key)
    if row:
        row.value = value
    else:
        s.add(MetaRow(key=key, value=value))
