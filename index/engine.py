"""The engine: one object that owns the database and the BM25 index.

``Engine.ask`` answers from the live index; ``Engine.ingest`` updates the
database and swaps in a freshly built index when complete, so questions keep
being answered from the old one meanwhile. ``bot`` and the CLI use only this.

Several processes (bot workers, possibly on different machines) may share one
database, each with its own data dir. The database is the source of truth: an
ingest that finished publishes the generation it produced as the *index version*
(meta key ``index_version``), and ``Engine.sync_index`` brings a process's index to
that version (loading or rebuilding it from the database's cached tokens) without
ever making a half-built index live. Only one ingest runs at a time across every
process sharing the database (``_DatabaseIngestLock``).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import select

from index import answer as answering
from index import followup
from index import reads, rerank
from index import scorer as scoring
from index.bm25 import BM25Params, IndexError_, SearchIndex
from index.ingest import (
    IngestReport,
    ProgressFn,
    Tokenizer,
    cached_tokens,
    derived_is_current,
    ingest,
    refresh_derived,
    rehash_tokens,
    tokens_current,
)
from index.corpus import ReadError
from index.models import Answer, Article, FigureHit, PassageHit
from index.candidates import CANDIDATES, KINDS, REL_FLOOR, figure_passages
from index.parse import Question, parse_question
from index.retrieval import Backend, Retriever
from index.store import (
    ArticleRow,
    FigureRow,
    IngestRunRow,
    MetaRow,
    PassageRow,
    database_url,
    get_meta,
    make_engine,
    session,
    set_meta,
)
from index.text import TOKENIZER_VERSION

log = logging.getLogger(__name__)

DEFAULT_K = 5
MAX_K = 50


INDEX_VERSION_KEY = "index_version"  # meta: the generation of the last finished ingest


class BusyError(RuntimeError):
    """An ingest is already running, in this engine or in another process on the same database."""


class DatabaseMovedError(RuntimeError):
    """The database changed while an index was being built for one version of it."""


@dataclass(frozen=True)
class Retrieved:
    """What one question read from the index and the database: all an answer needs."""

    question: Question
    passages: list[PassageHit]
    figures: list[FigureHit]
    # the whole text of each retrieved article, for a question naming a landmark or a
    # proper name (an answer from an article that never names it is not stated:
    # index.answer.unseen); each read from the database only when looked up
    articles: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Stats:
    articles: int
    passages: int
    figures: int
    tokens: int
    terms: int
    index_bytes: int
    index_built_at: float | None
    index_build_seconds: float | None
    last_ingest: dict | None
    database: str
    index_version: str = ""  # the database generation the served index was built from
    published_version: str | None = None  # the version the last finished ingest published

    def to_json(self) -> dict:
        return dict(self.__dict__)


NEIGHBORS_OF = 3  # best passages whose neighbours in their article are read too
NEIGHBOR_SHARE = 0.6  # a neighbour's score, as a share of the passage it neighbours
WITHIN_POOL = 2000  # passages searched for one article's (a follow-up on the same subject)


class Engine:
    def __init__(
        self,
        data_dir: Path | str = "data",
        database_url_: str | None = None,
        *,
        params: BM25Params = BM25Params(),
        build_in_subprocess: bool | None = None,
        backend: Backend = SearchIndex,
        scorer: scoring.Scorer | None = None,
        min_confidence: float | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.url = database_url(self.data_dir, database_url_)
        self.db = make_engine(self.url)
        self.params = params
        self.build_in_subprocess = build_in_subprocess  # None: when it pays (see rebuild_index)
        self.index_dir = self.data_dir / "index"
        self.backend = backend  # how indexes are built and loaded (index/retrieval.py)
        self.scorer = scorer if scorer is not None else scoring.shipped()  # index/scorer.py
        if min_confidence is None:
            min_confidence = _min_confidence_from_env()
        self.min_confidence = min_confidence  # None: the scorer's own threshold
        self._index: Retriever | None = None  # the live index
        self._index_lock = threading.Lock()  # the first load
        self._ingest_lock = threading.Lock()  # one ingest at a time in this engine
        self._build_lock = threading.Lock()  # one index build at a time in this engine
        self._db_ingest_lock = _DatabaseIngestLock(self.db, self.url)  # ... and across processes

    # -- index lifecycle ---------------------------------------------------------

    def generation(self) -> str:
        with session(self.db) as s:
            return get_meta(s, "generation", "0") or "0"

    @property
    def index(self) -> Retriever:
        """The live index: loaded from disk, or rebuilt if missing or stale."""
        idx = self._index
        if idx is None:
            with self._index_lock:
                if self._index is None:
                    self._index = self._load_or_rebuild()
                idx = self._index
        return idx

    def _load_or_rebuild(self) -> Retriever:
        if not self.is_empty():
            self._refresh_derived()
        gen = self.generation()
        try:
            idx = self.backend.load(self.index_dir)
        except IndexError_ as exc:
            if (self.index_dir / "CURRENT").exists():
                log.warning("index unusable (%s); rebuilding from the database", exc)
            return self.rebuild_index()
        built_for = idx.manifest.generation
        if self._same_build(idx) and built_for != gen and self._last_ingest_unfinished():
            # an ingest or /reload was interrupted (or still runs elsewhere): keep
            # serving the last complete index until an ingest finishes
            log.warning(
                "the last ingest did not finish; serving the index of the last complete one "
                "(generation %s, database at %s); run the ingest again to finish it",
                built_for,
                gen,
            )
            return idx
        if not self._compatible(idx, gen):
            if built_for != gen:
                log.warning("index is stale (built for generation %s, database at %s); rebuilding", built_for, gen)
            else:
                log.warning("index was built with another tokenizer or other BM25 parameters; rebuilding")
            return self.rebuild_index()
        return idx

    def _refresh_derived(self) -> None:
        """Key the stored texts anew if the tokenizer changed (they are tokenized again
        by the rebuild that follows), and derive figures and passage places again if the
        code deriving them changed (a no-op otherwise). Under the database-wide ingest
        lock, and published like an ingest when it moved the index's content; skipped
        while an ingest holds the lock (that ingest refreshes before it finishes)."""
        if (derived_is_current(self.db) and tokens_current(self.db)) or not self._db_ingest_lock.acquire():
            return
        try:
            with Tokenizer() as tok:
                before = self.generation()
                rehash_tokens(self.db)
                refresh_derived(self.db, tok)
            if self.generation() != before:
                self._publish()
        finally:
            self._db_ingest_lock.release()

    def _last_ingest_unfinished(self) -> bool:
        with session(self.db) as s:
            last = s.exec(select(IngestRunRow).order_by(IngestRunRow.id.desc()).limit(1)).first()
        return last is not None and last.finished_at is None

    def rebuild_index(self, tokenizer: Tokenizer | None = None) -> Retriever:
        """Build the index from the database's cached tokens, save it, make it live.

        In a process with other threads (the bot) and a large database, the build runs
        in a separate process so that questions answered meanwhile do not wait on it.
        """
        with self._build_lock:
            idx = self._build(tokenizer)
            self._index = idx
            return idx

    def _build(self, tokenizer: Tokenizer | None = None, *, expect: str | None = None) -> Retriever:
        """Build and save an index of the database as it is now. With ``expect``, only of
        generation ``expect``: ``DatabaseMovedError`` (and nothing saved) if the database is,
        or gets during the build, at another generation."""
        _fill_missing_tokens(self.db, tokenizer)
        gen = self.generation()
        if expect is not None and gen != expect:
            raise DatabaseMovedError(f"the database is at generation {gen}, not {expect}")
        n = reads.count_passages(self.db)
        auto = threading.active_count() > 1 and n >= SUBPROCESS_BUILD_MIN
        verify = expect is not None
        if self.build_in_subprocess if self.build_in_subprocess is not None else auto:
            ctx = mp.get_context("spawn")
            with ProcessPoolExecutor(1, mp_context=ctx) as pool:
                pool.submit(
                    _build_and_save_in_worker, self.url, str(self.index_dir), asdict(self.params), gen, verify, self.backend
                ).result()
            return self.backend.load(self.index_dir)
        return build_and_save(
            self.url, str(self.index_dir), asdict(self.params), gen, db=self.db, verify=verify, backend=self.backend
        )

    # -- index versions across processes ------------------------------------------

    def published_version(self) -> str | None:
        """The index version the last finished ingest published (one small SELECT);
        None before any ingest published one."""
        with self.db.connect() as conn:
            return conn.execute(select(MetaRow.value).where(MetaRow.key == INDEX_VERSION_KEY)).scalar_one_or_none()

    @property
    def serving_version(self) -> str | None:
        """The database generation the live index was built from (None: not loaded yet)."""
        idx = self._index
        return idx.manifest.generation if idx is not None else None

    def sync_index(self) -> bool:
        """Serve the published index version: load it from disk if it is there, else
        build it from the database. True if the live index changed.

        Cheap when nothing changed (one SELECT). Safe beside ``ask`` (the new index is
        swapped in by one assignment once complete) and beside itself (a sync or build
        already running makes this a no-op). An unfinished ingest is never picked up:
        while the database is at another generation than the published one, nothing
        happens. Errors of a build propagate; the old index keeps being served.
        """
        published = self.published_version()
        current = self._index
        if published is None or current is None or self._compatible(current, published):
            return False
        if self.ingesting or not self._build_lock.acquire(blocking=False):
            return False  # this engine's own ingest or build will swap in an index
        try:
            current = self._index
            if current is None or self._compatible(current, published):
                return False
            if self.generation() != published:
                log.debug("index version %s published but the database is elsewhere (an ingest runs)", published)
                return False
            t0 = time.perf_counter()
            idx = self._saved_index(published)
            how = "loaded from disk"
            if idx is None:
                try:
                    idx = self._build(expect=published)
                except DatabaseMovedError as exc:
                    log.debug("index version %s not built: %s", published, exc)
                    return False
                how = "built from the database"
            self._index = idx
            log.info(
                "index version %s → %s (%s in %.1f s)",
                current.manifest.generation,
                published,
                how,
                time.perf_counter() - t0,
            )
            return True
        finally:
            self._build_lock.release()

    def _same_build(self, idx: Retriever) -> bool:
        """Built by this tokenizer with these BM25 parameters."""
        return idx.manifest.tokenizer == TOKENIZER_VERSION and idx.manifest.params == self.params.__dict__

    def _compatible(self, idx: Retriever, version: str) -> bool:
        return idx.manifest.generation == version and self._same_build(idx)

    def _saved_index(self, version: str) -> Retriever | None:
        """The index on disk if it is of ``version`` (another process on this data dir built it)."""
        try:
            idx = self.backend.load(self.index_dir)
        except IndexError_:
            return None
        return idx if self._compatible(idx, version) else None

    def _publish(self) -> None:
        """Publish the database's generation as the index version (after a finished ingest,
        under the database-wide ingest lock: no other ingest writes meanwhile)."""
        with session(self.db) as s:
            gen = get_meta(s, "generation", "0") or "0"
            if get_meta(s, INDEX_VERSION_KEY) != gen:
                set_meta(s, INDEX_VERSION_KEY, gen)

    # -- ingest -------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path | str],
        *,
        progress: ProgressFn | None = None,
        remove_missing: bool = False,
        workers: int | None = None,
        articles: Iterable[Article | ReadError] | None = None,
        label: str | None = None,
        on_done: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Bring the database up to date with ``paths`` (and ``articles``: fetched pages,
        uploaded documents); swap in a new index if anything changed.

        Raises ``BusyError`` if another ingest runs in this engine or in another process
        on the same database. A finished ingest publishes its generation as the index
        version (``sync_index`` in other processes picks it up); an interrupted one does not.
        """
        if not self._ingest_lock.acquire(blocking=False):
            raise BusyError("an ingest is already running")
        try:
            if not self._db_ingest_lock.acquire():
                raise BusyError("an ingest is already running in another process on this database")
            try:
                t0 = time.perf_counter()
                with Tokenizer(workers) as tok:
                    report = ingest(
                        self.db,
                        [Path(p) for p in paths],
                        progress=progress,
                        remove_missing=remove_missing,
                        tokenizer=tok,
                        articles=articles,
                        label=label,
                    )
                    self._publish()
                    served = self._index
                    stale = served is not None and served.manifest.generation != self.generation()
                    if report.changed or stale or served is None and not (self.index_dir / "CURRENT").exists():
                        self.rebuild_index(tok)
                    else:
                        _ = self.index  # loads it, or rebuilds it if stale
                report.elapsed_s = time.perf_counter() - t0  # the index build included
                if on_done is not None:  # still under the lock: e.g. what a fetch learned
                    on_done(report)
                return report
            finally:
                self._db_ingest_lock.release()
        finally:
            self._ingest_lock.release()

    @property
    def ingesting(self) -> bool:
        return self._ingest_lock.locked()

    def is_empty(self) -> bool:
        with session(self.db) as s:
            return s.exec(select(ArticleRow.id).limit(1)).first() is None

    # -- asking -------------------------------------------------------------------

    def ask(self, question: str, k: int = DEFAULT_K, *, previous: str | Question | None = None) -> Answer:
        """Answer ``question`` from one snapshot of the live index:

        question → retrieve (BM25, re-ranked by word pairs) → candidates → features →
        scorer → Answer (``index/answer.py``, a pure function of what is read here).

        ``previous``: the question asked just before in the same conversation (as it was
        answered, i.e. completed itself); an elliptical ``question`` ("còn chi hội phụ
        nữ?") is completed from it (``index/followup.py``) and the answer says so
        (``question_used``, ``followup_of``).
        """
        t0 = time.perf_counter()
        k = max(1, min(int(k), MAX_K))
        before = previous.text if isinstance(previous, Question) else previous
        merged = followup.complete(question, before) if before else None
        used = merged.text if merged else question
        got = None
        if merged and merged.kind == "question":
            # a new question on the same subject ("ai chủ trì?"): asked as it is, of the
            # article the previous question was answered from
            first = self.retrieve(before, 1).passages
            if first:
                got = self.retrieve(question, k, within=first[0].article_id)
                got = got if got.passages else None
        got = got or self.retrieve(used, k)
        ans = answering.answer(got.question, got.passages, got.figures, self.scorer, k, self.min_confidence, got.articles)
        ans.question = question
        ans.question_used = used
        ans.followup_of = merged.previous if merged else None
        ans.elapsed_ms = (time.perf_counter() - t0) * 1000
        return ans

    def retrieve(self, question: str, k: int = DEFAULT_K, *, within: str | None = None) -> Retrieved:
        """The parsed question, its best passages (re-ranked) and their stored figures;
        ``within``: only passages of that article (among the best ``WITHIN_POOL``)."""
        idx = self.index  # one snapshot for the whole question
        q = parse_question(question, idx.segment, idx.idf)
        hits = idx.search(list(q.tokens), k=max(k, CANDIDATES, rerank.POOL, WITHIN_POOL if within else 0))
        if within is not None:
            mine = set(reads.passage_ids_of(self.db, within))
            hits = [h for h in hits if h[0] in mine]
        rows = reads.pool(self.db, [pid for pid, _ in hits])
        shares = rerank.pair_shares(q.pairs, reads.index_words(rows))
        hits = rerank.rerank(hits, shares)[: max(k, CANDIDATES)]
        passages = reads.hits(rows, [pid for pid, _ in hits], dict(hits), shares)
        if q.type in KINDS:
            passages += self._neighbors(passages)
        # whole articles, read only where an answer needs one (a landmark or a name to look
        # for; a place or year no passage of the answer writes, to tell "not found" apart)
        articles = reads.ArticleTexts(self.db, [p.article_id for p in passages]) if q.landmarks or q.names or q.years or q.places else {}
        return Retrieved(q, passages, reads.figures_of(self.db, figure_passages(q, passages)), articles)

    def _neighbors(self, passages: list[PassageHit]) -> list[PassageHit]:
        """The passages before and after the ``NEIGHBORS_OF`` best ones, where not retrieved
        themselves: an answer often sits in the sentence after the one that matches the
        question. Each scores ``NEIGHBOR_SHARE`` of the passage it neighbours."""
        have = {p.passage_id for p in passages}
        # only where a neighbour's score can reach the candidates' floor (REL_FLOOR of the best)
        floor = passages[0].score * REL_FLOOR / NEIGHBOR_SHARE if passages else 0.0
        sources = [p for p in passages[:NEIGHBORS_OF] if p.score >= floor]
        return reads.neighbors(self.db, sources, NEIGHBOR_SHARE, have)

    def figures_for(self, passage_ids: list[int]) -> list[FigureHit]:
        """Stored figures of these passages, in passage order then text order."""
        return reads.figures_of(self.db, passage_ids)

    def source_of(self, p: PassageHit) -> str:
        """The whole paragraph(s) of the article that hold passage ``p`` (its source)."""
        return reads.source_of(self.db, p)

    def passage(self, passage_id: int) -> PassageHit | None:
        hits = reads.passages(self.db, [passage_id], {passage_id: 0.0})
        return hits[0] if hits else None

    # -- stats --------------------------------------------------------------------

    def stats(self) -> Stats:
        idx = self.index
        with session(self.db) as s:
            articles = s.exec(select(func.count()).select_from(ArticleRow)).one()
            passages = s.exec(select(func.count()).select_from(PassageRow)).one()
            figures = s.exec(select(func.count()).select_from(FigureRow)).one()
            run = s.exec(
                select(IngestRunRow).where(IngestRunRow.finished_at.is_not(None)).order_by(IngestRunRow.id.desc())
            ).first()
        last = None
        if run:
            last = {
                "finished_at": run.finished_at.isoformat(timespec="seconds") + "Z",
                "added": run.added,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "duplicate": run.duplicate,
                "removed": run.removed,
                "failed": run.failed,
            }
        return Stats(
            articles=int(articles),
            passages=int(passages),
            figures=int(figures),
            tokens=int(idx.manifest.extra.get("tokens", 0)),
            terms=idx.manifest.n_terms,
            index_bytes=idx.disk_bytes(),
            index_built_at=idx.manifest.built_at,
            index_build_seconds=idx.manifest.build_seconds,
            last_ingest=last,
            database=_redact(self.url),
            index_version=idx.manifest.generation,
            published_version=self.published_version(),
        )


def _min_confidence_from_env() -> float | None:
    raw = os.environ.get("HOIDAP_MIN_CONFIDENCE", "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"HOIDAP_MIN_CONFIDENCE must be a number from 0 to 1, not {raw!r}")
    return value


SUBPROCESS_BUILD_MIN = 20_000  # passages; below this an in-process build is quicker


def _fill_missing_tokens(db, tokenizer: Tokenizer | None) -> None:
    """Tokenize texts whose tokens are not cached (the tokenizer changed, or the cache was
    cleared), on the tokenizer's pool, before the index is built from the cache."""
    sql = text(
        "SELECT p.text FROM passage p LEFT JOIN token_cache pc ON pc.hash = p.text_hash WHERE pc.hash IS NULL "
        "UNION SELECT a.title FROM article a LEFT JOIN token_cache tc ON tc.hash = a.title_hash "
        "WHERE tc.hash IS NULL AND a.title != '' "
        "UNION SELECT p.places FROM passage p LEFT JOIN token_cache xc ON xc.hash = p.places_hash "
        "WHERE xc.hash IS NULL AND p.places IS NOT NULL"
    )
    with db.connect() as conn:
        missing = [t for (t,) in conn.execute(sql)]
    if missing:
        if tokenizer is not None:
            cached_tokens(db, missing, tokenizer)
        else:
            with Tokenizer() as tok:
                cached_tokens(db, missing, tok)


def build_and_save(
    url: str,
    index_dir: str,
    params: dict,
    generation: str,
    db=None,
    *,
    verify: bool = False,
    backend: Backend = SearchIndex,
) -> Retriever:
    """Build the BM25 index from cached tokens and save it (runs in a worker process too).

    With ``verify``, the database must still be at ``generation`` once the passages are
    read (no batch committed meanwhile), else ``DatabaseMovedError`` and nothing is saved.
    """
    db = db if db is not None else make_engine(url, migrate=False)
    ids: list[int] = []
    docs = reads.all_index_tokens(db, ids)  # streamed: one passage's tokens in memory at a time
    idx = backend.build(ids, docs, params=BM25Params(**params), generation=generation, tokenizer=TOKENIZER_VERSION)
    if verify:
        with session(db) as s:
            now = get_meta(s, "generation", "0") or "0"
        if now != generation:
            raise DatabaseMovedError(f"the database moved from generation {generation} to {now} during the build")
    idx.save(Path(index_dir))
    return idx


def _build_and_save_in_worker(
    url: str, index_dir: str, params: dict, generation: str, verify: bool, backend: Backend
) -> None:
    """``build_and_save`` in a worker process; the caller loads the saved index (sending
    the index back through a pipe would copy all of it)."""
    db = make_engine(url, migrate=False)
    try:
        build_and_save(url, index_dir, params, generation, db=db, verify=verify, backend=backend)
    finally:
        db.dispose()


class _DatabaseIngestLock:
    """Held while an ingest runs, across every process using the database.

    PostgreSQL: a session-level advisory lock on a connection kept for the ingest.
    SQLite: ``flock`` on ``<database file>.ingest-lock`` (every process on a SQLite
    file is on one machine). The operating system or the server drops either when the
    process dies, so a killed ingest never leaves the lock behind. Other databases, and
    systems without ``fcntl``: no lock across processes.
    """

    PG_KEY = 0x686F6964_6170  # "hoidap"; advisory locks are per database

    def __init__(self, db, url: str):
        self.db = db
        self.dialect = db.dialect.name
        self._conn = None
        self._fd: int | None = None
        self._path: Path | None = None
        if self.dialect == "sqlite":
            from sqlalchemy.engine import make_url

            name = make_url(url).database
            if name and name != ":memory:" and not name.startswith("file:"):
                self._path = Path(name).with_name(Path(name).name + ".ingest-lock")

    def acquire(self) -> bool:
        if self.dialect == "postgresql":
            conn = self.db.connect()
            try:
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.PG_KEY}).scalar())
                conn.commit()  # the lock belongs to the session, not the transaction
            except BaseException:
                conn.close()
                raise
            if not got:
                conn.close()
                return False
            self._conn = conn
            return True
        if self._path is None:
            return True
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return True
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.PG_KEY})
                conn.commit()
                conn.close()
            except Exception:  # a connection we cannot unlock must not go back to the pool
                log.warning("could not release the ingest lock; dropping its connection", exc_info=True)
                with contextlib.suppress(Exception):
                    conn.invalidate()
                    conn.close()
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops the flock


def _redact(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid url>"
