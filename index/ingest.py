"""Ingest: articles -> passages -> tokens (cached, on every core) -> database.

Each batch of articles is one transaction, so an ingest killed half way leaves
whole articles or none, and a re-run skips what already landed (same id and
same content -> unchanged). The BM25 index is rebuilt afterwards by the caller.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import multiprocessing as mp
import os
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence, Sized
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Engine as SAEngine

from index.corpus import ReadError, count_articles, read_corpus
from index.figures import extract_figures
from index.models import Article, Figure, Passage
from index.passages import split_passages
from index.places import passage_places
from index.store import (
    ArticleRow,
    FigureRow,
    IngestRunRow,
    PassageRow,
    TokenCacheRow,
    get_meta,
    insert_ignore,
    session,
    set_meta,
    utcnow,
)
from index.text import TOKENIZER_VERSION, fold, index_tokens

log = logging.getLogger(__name__)

BATCH_ARTICLES = int(os.environ.get("HOIDAP_INGEST_BATCH", "256"))  # articles per transaction
IN_PROCESS_CHARS = 200_000  # below this many characters to tokenize, skip the process pool


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    removed: int = 0
    failed: int = 0
    passages: int = 0
    figures: int = 0
    chars: int = 0
    tokenized_chars: int = 0
    elapsed_s: float = 0.0
    errors: list[ReadError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicate": self.duplicate,
            "removed": self.removed,
            "failed": self.failed,
            "passages": self.passages,
            "figures": self.figures,
            "chars": self.chars,
            "elapsed_s": round(self.elapsed_s, 3),
            "errors": [{"where": e.where, "reason": e.reason} for e in self.errors],
        }


ProgressFn = Callable[[int, int], None]  # (articles done, articles expected)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def token_key_hash(text: str) -> str:
    """Cache key of a text's tokens: changes when the text or the tokenizer does."""
    return hashlib.sha256(f"{TOKENIZER_VERSION}\0{text}".encode("utf-8")).hexdigest()


def record_hash(a: Article) -> str:
    fields = [a.title, a.text, a.date.isoformat() if a.date else None, a.url, a.category, a.source, a.views, a.origin]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


# --- tokenization on every core ---------------------------------------------------


def _tokenize_chunk(texts: list[str]) -> list[str]:
    return [" ".join(index_tokens(t)) for t in texts]


def _figures_chunk(articles: list[tuple[str, str]]) -> list[list[Figure]]:
    return [extract_figures(text, title=title) for title, text in articles]


def derived_version() -> str:
    """Changes whenever the code deriving figures and passage places does (they are then
    derived again from the stored articles: ``refresh_derived``)."""
    from index import figures, patterns, places

    code = b"".join(Path(m.__file__).read_bytes() for m in (figures, patterns, places))
    return hashlib.sha256(code).hexdigest()[:16]


DERIVED_VERSION_KEY = "derived_version"


def _places_of(a: Article, passages: Sequence[Passage]) -> list[str | None]:
    return passage_places(a.text, a.title, [(p.start, p.end) for p in passages])


class Tokenizer:
    """Tokenizes texts in a process pool sized to the machine, created on first need."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Tokenizer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def tokenize(self, texts: Sequence[str]) -> list[str]:
        return self.submit(_tokenize_chunk, list(texts), sum(map(len, texts)))()

    def figures(self, articles: Sequence[tuple[str, str]]) -> list[list[Figure]]:
        """Figures of each (title, text)."""
        return self.submit(_figures_chunk, list(articles), sum(len(t) for _, t in articles))()

    def submit(self, fn, items: list, chars: int) -> Callable[[], list]:
        """Start ``fn`` over ``items`` on the pool; the returned call waits for the results."""
        if not items:
            return list
        if self.workers <= 1 or chars < IN_PROCESS_CHARS:
            done = fn(items)
            return lambda: done
        if self._pool is None:
            # fork is fast and shares the loaded model; with other threads running
            # (the bot) a forked child could inherit a held lock, so spawn instead.
            method = "fork" if threading.active_count() == 1 else "spawn"
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context(method))
        n_chunks = self.workers * 4
        size = max(1, -(-len(items) // n_chunks))
        futures = [self._pool.submit(fn, items[i : i + size]) for i in range(0, len(items), size)]

        def results() -> list:
            out: list = []
            for f in futures:
                out.extend(f.result())
            return out

        return results


def cached_tokens(db: SAEngine, texts: Sequence[str], tokenizer: Tokenizer) -> tuple[dict[str, str], int]:
    """Tokens of each text by cache key, tokenizing only the misses (which are stored).

    Returns the key -> tokens map and the number of characters tokenized.
    """
    keys = {token_key_hash(t): t for t in texts}
    found: dict[str, str] = {}
    key_list = list(keys)
    with session(db) as s:
        for i in range(0, len(key_list), 500):
            part = key_list[i : i + 500]
            for h, toks in s.exec(select(TokenCacheRow.hash, TokenCacheRow.tokens).where(TokenCacheRow.hash.in_(part))):
                found[h] = toks
    missing = [k for k in key_list if k not in found]
    if not missing:
        return found, 0
    toks = tokenizer.tokenize([keys[k] for k in missing])
    with session(db) as s:
        insert_ignore(s, TokenCacheRow, [{"hash": k, "tokens": t} for k, t in zip(missing, toks)])
    found.update(zip(missing, toks))
    return found, sum(len(keys[k]) for k in missing)


# --- the ingest loop ---------------------------------------------------------------


@dataclass
class _Planned:
    article: Article
    content_hash: str
    record_hash: str
    is_update: bool
    passages: list[Passage]
    places: list[str | None]  # per passage: the places it refers to by level alone


def ingest(
    db: SAEngine,
    paths: Iterable[Path],
    *,
    progress: ProgressFn | None = None,
    remove_missing: bool = False,
    tokenizer: Tokenizer | None = None,
    articles: Iterable[Article | ReadError] | None = None,
    label: str | None = None,
) -> IngestReport:
    """Read ``paths`` (then ``articles``: fetched pages, uploaded documents; consumed
    lazily, batch by batch) and bring the database up to date with them. ``label``
    names the run in ``ingest_run`` beside the paths ("fetch", "upload: x.docx")."""
    t0 = time.perf_counter()
    paths = [Path(p) for p in paths]
    report = IngestReport()
    expected = count_articles(paths) if progress else 0
    if progress and isinstance(articles, Sized):
        expected += len(articles)
    done = 0
    seen_ids: set[str] = set()
    seen_content: dict[str, str] = {}  # content hash -> id, within this run
    own_tokenizer = tokenizer is None
    tok = tokenizer or Tokenizer()
    deferred: list[Article] | None = [] if remove_missing else None
    run_id = _start_run(db, paths, label)
    with session(db) as s:
        if s.exec(select(ArticleRow.id).limit(1)).first() is None:
            set_meta(s, DERIVED_VERSION_KEY, derived_version())  # empty: nothing to refresh
    try:
        # Two batches in flight: while the pool tokenizes batch N, batch N-1 is written.
        batch: list[Article] = []
        pending: _Batch | None = None
        pending_n = 0

        def step(articles: list[Article], defer: list[Article] | None) -> None:
            nonlocal pending, pending_n, done
            planned = _plan_batch(db, articles, report, seen_ids, seen_content, tok, defer)
            _write_batch(db, pending, report)
            done += pending_n
            if progress and pending_n:
                progress(done, max(expected, done))
            pending, pending_n = planned, len(articles)

        items = read_corpus(paths) if articles is None else itertools.chain(read_corpus(paths), articles)
        for item in items:
            if isinstance(item, ReadError):
                report.failed += 1
                report.errors.append(item)
                log.warning("skipped %s: %s", item.where, item.reason)
                continue
            batch.append(item)
            if len(batch) >= BATCH_ARTICLES:
                step(batch, deferred)
                batch = []
        step(batch, deferred)
        step([], None)  # flush the last batch
        if remove_missing:
            report.removed = _remove_unseen(db, seen_ids)
            for i in range(0, len(deferred or ()), BATCH_ARTICLES):
                _write_batch(db, _plan_batch(db, deferred[i : i + BATCH_ARTICLES], report, seen_ids, seen_content, tok), report)
        rehash_tokens(db)  # unchanged articles too, when the tokenizer changed
        refresh_derived(db, tok)
        if progress:
            progress(done, done)
    finally:
        if own_tokenizer:
            tok.close()
    report.elapsed_s = time.perf_counter() - t0
    _finish_run(db, run_id, report)
    return report


def _plan_batch(
    db: SAEngine,
    batch: list[Article],
    report: IngestReport,
    seen_ids: set[str],
    seen_content: dict[str, str],
    tok: Tokenizer,
    deferred: list[Article] | None = None,
) -> "_Batch | None":
    # Within one run, an id read twice keeps the first text; a different text is an error.
    unique: list[Article] = []
    first_hash: dict[str, str] = {}
    for a in batch:
        h = text_hash(a.text)
        if a.id in seen_ids or a.id in first_hash:
            if seen_content.get(h) == a.id or first_hash.get(a.id) == h:
                report.duplicate += 1
            else:
                report.failed += 1
                report.errors.append(
                    ReadError(a.origin or a.id, f"id '{a.id}' lặp lại với nội dung khác (duplicate id, different text)")
                )
            continue
        first_hash[a.id] = h
        unique.append(a)

    ids = [a.id for a in unique]
    hashes = list(first_hash.values())
    with session(db) as s:
        existing = {
            r.id: (r.record_hash, r.content_hash)
            for r in s.exec(select(ArticleRow.id, ArticleRow.record_hash, ArticleRow.content_hash).where(ArticleRow.id.in_(ids)))
        }
        owners = {
            h: i for i, h in s.exec(select(ArticleRow.id, ArticleRow.content_hash).where(ArticleRow.content_hash.in_(hashes)))
        }

    planned: list[_Planned] = []
    for a in unique:
        seen_ids.add(a.id)
        ch = first_hash[a.id]
        rh = record_hash(a)
        report.chars += len(a.text)
        if a.id in existing and existing[a.id][0] == rh:
            report.unchanged += 1
            seen_content.setdefault(ch, a.id)
            continue
        owner = seen_content.get(ch) or owners.get(ch)
        if owner is not None and owner != a.id:
            if deferred is not None and ch not in seen_content:
                # its twin may be an article this run is about to remove (a renamed
                # file): decide after removals so the text is not lost
                seen_ids.discard(a.id)
                deferred.append(a)
            else:
                report.duplicate += 1
            continue
        seen_content[ch] = a.id
        passages = split_passages(a.id, a.text)
        planned.append(_Planned(a, ch, rh, a.id in existing, passages, _places_of(a, passages)))
    if not planned:
        return None

    # Start the slow work on the pool now; the caller writes the previous batch meanwhile.
    texts = [p.text for pl in planned for p in pl.passages] + [pl.article.title for pl in planned if pl.article.title]
    texts += [x for pl in planned for x in pl.places if x]
    keys = {token_key_hash(t): t for t in texts}
    cached = _cached(db, list(keys))
    missing = [k for k in keys if k not in cached]
    report.tokenized_chars += sum(len(keys[k]) for k in missing)
    tokens = tok.submit(_tokenize_chunk, [keys[k] for k in missing], sum(len(keys[k]) for k in missing))
    figures = tok.submit(_figures_chunk, [(pl.article.title, pl.article.text) for pl in planned], sum(len(pl.article.text) for pl in planned))
    return _Batch(planned, missing, tokens, figures)


@dataclass
class _Batch:
    """A planned batch whose tokens and figures are being computed."""

    planned: list[_Planned]
    missing: list[str]  # token cache keys to fill
    tokens: Callable[[], list[str]]
    figures: Callable[[], list[list[Figure]]]


def _cached(db: SAEngine, keys: list[str]) -> set[str]:
    found: set[str] = set()
    with session(db) as s:
        for i in range(0, len(keys), 500):
            found.update(s.scalars(select(TokenCacheRow.hash).where(TokenCacheRow.hash.in_(keys[i : i + 500]))))
    return found


def _write_batch(db: SAEngine, batch: _Batch | None, report: IngestReport) -> None:
    """Wait for a batch's tokens and figures, then store it in one transaction."""
    if batch is None:
        return
    planned = batch.planned
    tokens = batch.tokens()
    figures = batch.figures()
    with session(db) as s:
        insert_ignore(s, TokenCacheRow, [{"hash": k, "tokens": t} for k, t in zip(batch.missing, tokens)])
        updated_ids = [pl.article.id for pl in planned if pl.is_update]
        if updated_ids:
            s.exec(delete(FigureRow).where(FigureRow.article_id.in_(updated_ids)))
            s.exec(delete(PassageRow).where(PassageRow.article_id.in_(updated_ids)))
            s.exec(delete(ArticleRow).where(ArticleRow.id.in_(updated_ids)))
        now = utcnow()
        s.execute(insert(ArticleRow), [_article_row(pl, now) for pl in planned])
        passage_rows = [
            {
                "article_id": p.article_id,
                "position": p.position,
                "start": p.start,
                "end": p.end,
                "text": p.text,
                "text_hash": token_key_hash(p.text),
                "places": places,
                "places_hash": token_key_hash(places) if places else None,
            }
            for pl in planned
            for p, places in zip(pl.passages, pl.places, strict=True)
        ]
        ids: dict[tuple[str, int], int] = {}
        if passage_rows:
            for pid, aid, pos in s.execute(
                insert(PassageRow).returning(PassageRow.id, PassageRow.article_id, PassageRow.position, sort_by_parameter_order=True),
                passage_rows,
            ):
                ids[(aid, pos)] = pid
        figure_rows = [
            row
            for pl, figs in zip(planned, figures)
            for row in figure_rows_for(pl.article.id, pl.passages, figs, ids)
        ]
        if figure_rows:
            s.execute(insert(FigureRow), figure_rows)
        report.passages += len(passage_rows)
        report.figures += len(figure_rows)
        report.updated += len(updated_ids)
        report.added += len(planned) - len(updated_ids)
        bump_generation(s)


def figure_rows_for(
    article_id: str, passages: Sequence[Passage], figures: Sequence[Figure], ids: dict[tuple[str, int], int]
) -> list[dict]:
    """Figure rows linked to the passage holding each figure (by character offsets)."""
    starts = [p.start for p in passages]
    rows = []
    for f in figures:
        i = bisect_right(starts, f.start) - 1
        if i < 0 or f.start >= passages[i].end:
            continue  # between passages (whitespace): cannot happen for a real figure
        rows.append(
            {
                "article_id": article_id,
                "passage_id": ids[(article_id, passages[i].position)],
                "value": f.value,
                "text": f.text,
                "unit": f.unit,
                "unit_folded": fold(f.unit).lower() if f.unit else None,
                "kind": f.kind,
                "qualifier": f.qualifier,
                "sentence": f.sentence,
                "context": f.context,
                "start": f.start,
                "end": f.end,
            }
        )
    return rows


def _article_row(pl: _Planned, now) -> dict:
    a = pl.article
    return {
        "id": a.id,
        "title": a.title,
        "text": a.text,
        "date": a.date,
        "url": a.url,
        "category": a.category,
        "source": a.source,
        "views": a.views,
        "origin": a.origin,
        "content_hash": pl.content_hash,
        "record_hash": pl.record_hash,
        "title_hash": token_key_hash(a.title),
        "n_chars": len(a.text),
        "updated_at": now,
    }


def tokens_current(db: SAEngine) -> bool:
    """The token-cache keys of the stored texts were made by this tokenizer (one small
    SELECT: ``rehash_tokens`` rewrites every key in one transaction, the first passage
    among them)."""
    with session(db) as s:
        row = s.exec(select(PassageRow.text, PassageRow.text_hash).order_by(PassageRow.id).limit(1)).first()
    return row is None or token_key_hash(row[0]) == row[1]


def rehash_tokens(db: SAEngine) -> int:
    """Key every passage's text and places and every article's title by this tokenizer,
    after it changed (its segmenter, or a row of ``abbreviations.tsv``): the texts are
    then tokenized again when the index is next built (``Engine._build`` fills the
    missing tokens). One transaction; moves the generation. Returns the passages rekeyed."""
    if tokens_current(db):
        return 0
    with session(db) as s:
        conn = s.connection()
        passages = [
            {"pid": pid, "th": token_key_hash(text), "ph": token_key_hash(places) if places else None}
            for pid, text, places in conn.execute(select(PassageRow.id, PassageRow.text, PassageRow.places))
        ]
        titles = [{"aid": aid, "th": token_key_hash(title)} for aid, title in conn.execute(select(ArticleRow.id, ArticleRow.title))]
        log.warning("the tokenizer changed: %d passages will be tokenized again", len(passages))
        table, articles = PassageRow.__table__, ArticleRow.__table__
        if passages:
            conn.execute(
                update(table).where(table.c.id == bindparam("pid")).values(text_hash=bindparam("th"), places_hash=bindparam("ph")),
                passages,
            )
        if titles:
            conn.execute(update(articles).where(articles.c.id == bindparam("aid")).values(title_hash=bindparam("th")), titles)
        bump_generation(s)
    return len(passages)


def derived_is_current(db: SAEngine) -> bool:
    """Figures and passage places were derived by this code (one small SELECT)."""
    with session(db) as s:
        return get_meta(s, DERIVED_VERSION_KEY) == derived_version()


def refresh_derived(db: SAEngine, tok: Tokenizer) -> int:
    """Derive every article's figures and passage places again if the code deriving
    them changed since they were stored.

    Runs in batches, each one transaction; a batch that changes what a passage is
    indexed with (its places) moves the generation, so the saved index becomes stale.
    The version is recorded only at the end, so an interrupted refresh is redone.
    Returns the number of articles refreshed (0: nothing to do).
    """
    if derived_is_current(db):
        return 0
    version = derived_version()
    with session(db) as s:
        ids = list(s.scalars(select(ArticleRow.id).order_by(ArticleRow.id)))
    log.warning("figure or place rules changed: deriving figures and places of %d articles again", len(ids))
    for i in range(0, len(ids), BATCH_ARTICLES):
        part = ids[i : i + BATCH_ARTICLES]
        with session(db) as s:
            arts = list(s.scalars(select(ArticleRow).where(ArticleRow.id.in_(part))))
            passages: dict[str, list[Passage]] = {}
            stored: dict[int, str | None] = {}
            pids: dict[tuple[str, int], int] = {}
            for p in s.scalars(select(PassageRow).where(PassageRow.article_id.in_(part)).order_by(PassageRow.article_id, PassageRow.position)):
                passages.setdefault(p.article_id, []).append(Passage(p.article_id, p.position, p.start, p.end, p.text))
                pids[(p.article_id, p.position)] = int(p.id)
                stored[int(p.id)] = p.places
        figs = tok.figures([(a.title, a.text) for a in arts])
        rows = [r for a, f in zip(arts, figs) for r in figure_rows_for(a.id, passages.get(a.id, []), f, pids)]
        moved = [
            {"pid": pid, "new_places": places, "new_hash": token_key_hash(places) if places else None}
            for a in arts
            for p, places in zip(passages.get(a.id, []), _places_of(a, passages.get(a.id, [])), strict=True)
            if stored[pid := pids[(a.id, p.position)]] != places
        ]
        with session(db) as s:
            s.exec(delete(FigureRow).where(FigureRow.article_id.in_(part)))
            if rows:
                s.execute(insert(FigureRow), rows)
            if moved:
                s.connection().execute(
                    update(PassageRow.__table__)
                    .where(PassageRow.__table__.c.id == bindparam("pid"))
                    .values(places=bindparam("new_places"), places_hash=bindparam("new_hash")),
                    moved,
                )
                bump_generation(s)
    with session(db) as s:
        set_meta(s, DERIVED_VERSION_KEY, version)
    return len(ids)


def _remove_unseen(db: SAEngine, seen_ids: set[str]) -> int:
    """Delete articles read from files (origin set) that this run did not see."""
    with session(db) as s:
        gone = [i for i in s.scalars(select(ArticleRow.id).where(ArticleRow.origin.is_not(None))) if i not in seen_ids]
        for i in range(0, len(gone), 500):
            part = gone[i : i + 500]
            s.exec(delete(FigureRow).where(FigureRow.article_id.in_(part)))
            s.exec(delete(PassageRow).where(PassageRow.article_id.in_(part)))
            s.exec(delete(ArticleRow).where(ArticleRow.id.in_(part)))
        if gone:
            bump_generation(s)
    return len(gone)


def bump_generation(s) -> None:
    """Mark the searchable content as changed (the saved index is now stale)."""
    set_meta(s, "generation", str(int(get_meta(s, "generation", "0") or 0) + 1))


def _start_run(db: SAEngine, paths: list[Path], label: str | None = None) -> int:
    names = [str(p) for p in paths] + ([label] if label else [])
    with session(db) as s:
        row = IngestRunRow(paths=json.dumps(names, ensure_ascii=False))
        s.add(row)
        s.flush()
        return int(row.id or 0)


def _finish_run(db: SAEngine, run_id: int, r: IngestReport) -> None:
    with session(db) as s:
        row = s.get(IngestRunRow, run_id)
        if row is None:
            return
        row.finished_at = utcnow()
        for name in ("added", "updated", "unchanged", "duplicate", "removed", "failed", "passages", "chars"):
            setattr(row, name, getattr(r, name))
