"""Fetching articles from the sources: discover → download (conditional) → extract → ingest.

``fetch_sources(engine, ...)`` runs one fetch of every source (or the named ones)
inside one ``Engine.ingest``: the database-wide ingest lock makes it one run at a
time across workers, pages are downloaded lazily as the ingest asks for the next
batch, and each batch of articles is one transaction. What was fetched is
remembered in ``fetched_page`` (ETag, Last-Modified, a hash of the body) only
after the ingest finished, so a run killed half way costs a re-download next
time, never a lost article: an unchanged feed or page then costs one 304.

Discovery: a feed gives its entries; a sitemap index its sitemaps (recursively),
a sitemap its URLs; an HTML page that advertises a feed gives that feed (kind
``auto``), any other HTML page is the one article of the source. Feeds and
sitemaps are requested conditionally too: when a listing answers 304 nothing new
can come from it and none of its pages is requested.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine as SAEngine

from index import sources as sources_mod
from index.corpus import ReadError
from index.discover import Discovered, parse_listing
from index.fetch import Fetcher, FetchPolicy, FetchResult, RobotsMemo, Validators
from index.ingest import IngestReport
from index.models import Article
from index.sources import Source
from index.store import ArticleRow, FetchedPageRow, session, utcnow
from index.webpage import article_id_for, canonical_url, extract_article

log = logging.getLogger(__name__)

MAX_LISTINGS = 50  # feeds and sitemaps read per source and run
FetchProgress = Callable[["FetchReport"], None]


@dataclass
class SourceRun:
    """One source's part of a fetch."""

    source: Source
    found: int = 0  # article URLs discovered
    new: int = 0  # pages downloaded whose article went to the ingest
    unchanged: int = 0  # 304, or the same body as last time
    failed: int = 0
    skipped: int = 0  # beyond --max
    listings_unchanged: int = 0  # feeds / sitemaps that answered 304
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    @property
    def status(self) -> str:
        if not self.failed:
            return "ok"
        return "partial" if (self.new or self.unchanged or self.listings_unchanged) else "failed"

    def to_json(self) -> dict:
        return {
            "name": self.source.name,
            "url": self.source.url,
            "status": self.status,
            "found": self.found,
            "new": self.new,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "skipped": self.skipped,
            "errors": [{"url": u, "reason": r} for u, r in self.errors],
        }


@dataclass
class FetchReport:
    runs: list[SourceRun] = field(default_factory=list)
    ingest: IngestReport | None = None
    requests: int = 0
    conditional: int = 0  # requests sent with If-None-Match / If-Modified-Since
    elapsed_s: float = 0.0
    current: str | None = None  # the source being fetched (progress)
    total_sources: int = 0

    @property
    def new(self) -> int:
        return sum(r.new for r in self.runs)

    @property
    def unchanged(self) -> int:
        return sum(r.unchanged for r in self.runs)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.runs)

    def to_json(self) -> dict:
        return {
            "sources": [r.to_json() for r in self.runs],
            "pages": {"new": self.new, "unchanged": self.unchanged, "failed": self.failed},
            "requests": self.requests,
            "conditional_requests": self.conditional,
            "ingest": self.ingest.to_json() if self.ingest else None,
            "elapsed_s": round(self.elapsed_s, 3),
        }


@dataclass
class _Seen:
    """What a fetch learned of one URL, written to ``fetched_page`` after the ingest."""

    key: str
    url: str
    source_id: int
    result: FetchResult | None
    article_id: str | None
    status: str  # ok | failed (worth retrying: 5xx, timeout, network) | refused (4xx, robots, not an article)
    reason: str | None = None
    body_hash: str | None = None
    keep_validators: bool = True  # False: a listing read in part (--max), to be read again in full


class _Pages:
    """The ``fetched_page`` rows a run reads, and the rows it will write."""

    def __init__(self, db: SAEngine):
        self.db = db
        self.pending: dict[str, _Seen] = {}

    def cached(self, url: str) -> FetchedPageRow | None:
        with session(self.db) as s:
            return s.get(FetchedPageRow, article_id_for(url))

    def validators(self, row: FetchedPageRow | None) -> Validators | None:
        """The validators to send, unless the last fetch failed or its article is gone."""
        if row is None or row.status != "ok" or not (row.etag or row.last_modified):
            return None
        if row.article_id is not None and not self._has_article(row.article_id):
            return None
        return Validators(etag=row.etag, last_modified=row.last_modified)

    def _has_article(self, article_id: str) -> bool:
        with session(self.db) as s:
            return s.exec(select(ArticleRow.id).where(ArticleRow.id == article_id)).first() is not None

    def remember(self, seen: _Seen) -> None:
        self.pending[seen.key] = seen

    def retries(self, source_id: int) -> list[str]:
        """URLs of this source whose last fetch failed in a way worth retrying."""
        with session(self.db) as s:
            rows = s.exec(
                select(FetchedPageRow.url).where(FetchedPageRow.source_id == source_id, FetchedPageRow.status == "failed")
            )
            return [r[0] for r in rows]

    def save(self) -> None:
        """Write what was learned (after the ingest committed the articles)."""
        if not self.pending:
            return
        with session(self.db) as s:
            for seen in self.pending.values():
                row = s.get(FetchedPageRow, seen.key) or FetchedPageRow(key=seen.key, url=seen.url)
                row.url, row.source_id, row.status, row.reason = seen.url, seen.source_id, seen.status, seen.reason
                row.fetched_at = utcnow()
                if not seen.keep_validators:
                    row.etag = row.last_modified = row.body_hash = None
                elif seen.result is not None and seen.result.status == "ok":
                    row.etag, row.last_modified = seen.result.etag, seen.result.last_modified
                    row.body_hash = seen.body_hash
                if seen.article_id is not None:
                    row.article_id = seen.article_id
                s.add(row)
        self.pending.clear()


class _RobotsMemory(MutableMapping):
    """robots.txt per origin, kept in ``fetched_page`` (written with the other rows)."""

    def __init__(self, pages: _Pages):
        self.pages = pages
        self.changed: dict[str, RobotsMemo] = {}

    def __getitem__(self, origin: str) -> RobotsMemo:
        if origin in self.changed:
            return self.changed[origin]
        row = self.pages.cached(origin + "/robots.txt")
        if row is None or row.robots_txt is None:
            raise KeyError(origin)
        return (row.etag, row.last_modified, row.robots_txt)

    def __setitem__(self, origin: str, memo: RobotsMemo) -> None:
        self.changed[origin] = memo

    def __delitem__(self, origin: str) -> None:
        self.changed.pop(origin, None)

    def __iter__(self):
        return iter(self.changed)

    def __len__(self) -> int:
        return len(self.changed)

    def save(self) -> None:
        with session(self.pages.db) as s:
            for origin, (etag, modified, text) in self.changed.items():
                url = origin + "/robots.txt"
                row = s.get(FetchedPageRow, article_id_for(url)) or FetchedPageRow(key=article_id_for(url), url=url)
                row.etag, row.last_modified, row.robots_txt, row.fetched_at = etag, modified, text, utcnow()
                s.add(row)
        self.changed.clear()


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _get(fetcher: Fetcher, report: FetchReport, url: str, validators: Validators | None) -> FetchResult:
    report.requests += 1
    report.conditional += validators is not None
    return fetcher.get(url, validators)


def discover_urls(
    fetcher: Fetcher, pages: _Pages, run: SourceRun, report: FetchReport
) -> tuple[list[Discovered], FetchResult | None]:
    """Article URLs of ``run.source`` (newest first when dated); the listing itself when
    the source turned out to be an article page (its body is extracted, not re-fetched)."""
    src = run.source
    queue: list[tuple[str, str]] = [(src.url, src.kind)]
    done: set[str] = set()
    found: dict[str, Discovered] = {}
    while queue and len(done) < MAX_LISTINGS:
        url, kind = queue.pop(0)
        key = _canonical(run, url)
        if key is None or key in done:
            continue
        done.add(key)
        row = pages.cached(url)
        result = _get(fetcher, report, url, pages.validators(row))
        if result.status == "not_modified":
            run.listings_unchanged += 1
            if row is not None and row.article_id:
                run.unchanged += 1  # an article page, unchanged
            continue
        if result.status != "ok":
            _fail(pages, run, url, result.reason or "lỗi không rõ (unknown error)", result)
            continue
        try:
            listing = parse_listing(result.body, result.final_url, result.content_type)
        except ValueError as exc:
            _fail(pages, run, url, str(exc), result)
            continue
        if listing.kind == "page":
            if kind == "auto" and listing.feeds:
                queue.extend((f, "feed") for f in listing.feeds[:1])
                pages.remember(_Seen(article_id_for(url), url, src.id, result, None, "ok", body_hash=body_hash(result.body)))
                continue
            return [], result  # the source is one article page
        pages.remember(_Seen(article_id_for(url), url, src.id, result, None, "ok", body_hash=body_hash(result.body)))
        queue.extend((child, "sitemap") for child in listing.sitemaps)
        for entry in listing.entries:
            entry_key = _canonical(run, entry.url, result.final_url)
            if entry_key is not None:
                found.setdefault(entry_key, Discovered(entry_key, entry.lastmod, entry.title))
    ordered = sorted(found.values(), key=lambda d: d.lastmod.timestamp() if d.lastmod else float("-inf"), reverse=True)
    return ordered, None


def transient(result: FetchResult | None) -> bool:
    """A failure that may pass by itself (a server error, a timeout, the network): retried
    at the next fetch even when the listing has not changed. Others (4xx, robots.txt, a
    page too large, a redirect loop, not an article) wait until the listing changes."""
    if result is None or "quá lớn" in (result.reason or ""):
        return False
    if result.status == "disallowed":  # robots.txt itself unreachable: the host is down
        return "robots.txt unreachable" in (result.reason or "")
    if result.status != "error":
        return False
    code = result.http_status
    return code is None or code >= 500 or code == 429 or (result.reason or "").startswith("hết thời gian")


def _canonical(run: SourceRun, url: str, base: str | None = None) -> str | None:
    """The canonical form of a URL a listing gave; a junk one ("javascript:…") is a failure."""
    try:
        return canonical_url(url, base)
    except ValueError as exc:
        run.failed += 1
        run.errors.append((url, f"địa chỉ không hợp lệ (invalid URL: {exc})"))
        return None


def _fail(pages: _Pages, run: SourceRun, url: str, reason: str, result: FetchResult | None) -> None:
    run.failed += 1
    run.errors.append((url, reason))
    status = "failed" if transient(result) else "refused"
    pages.remember(_Seen(article_id_for(url), url, run.source.id, result, None, status, reason))
    log.warning("fetch %s: %s", url, reason)


def _article(pages: _Pages, run: SourceRun, url: str, result: FetchResult) -> Article | None:
    """The article of a downloaded page, or None (failed, or the same body as last time)."""
    digest = body_hash(result.body)
    row = pages.cached(url)
    if row is not None and row.status == "ok" and row.body_hash == digest and row.article_id and pages._has_article(row.article_id):
        run.unchanged += 1
        pages.remember(_Seen(article_id_for(url), url, run.source.id, result, row.article_id, "ok", body_hash=digest))
        return None
    try:
        article = extract_article(result.body, result.final_url, result.content_type, source=run.source.name)
    except ValueError as exc:
        _fail(pages, run, url, str(exc), result)
        return None
    run.new += 1
    pages.remember(_Seen(article_id_for(url), url, run.source.id, result, article.id, "ok", body_hash=digest))
    return article


def iter_articles(
    fetcher: Fetcher,
    pages: _Pages,
    sources: list[Source],
    report: FetchReport,
    *,
    max_pages: int | None = None,
    progress: FetchProgress | None = None,
) -> Iterator[Article | ReadError]:
    """Every source's new or changed articles, fetched as the ingest asks for them."""
    for src in sources:
        run = SourceRun(src)
        report.runs.append(run)
        report.current = src.name
        if progress:
            progress(report)
        urls, page = discover_urls(fetcher, pages, run, report)
        known = {d.url for d in urls}  # canonical already
        urls += [Discovered(u) for u in pages.retries(src.id) if u not in known]
        if page is not None:
            run.found = 1
            article = _article(pages, run, src.url, page)
            if article is not None:
                yield article
            continue
        run.found = len(urls)
        if max_pages is not None and len(urls) > max_pages:
            run.skipped = len(urls) - max_pages
            urls = urls[:max_pages]
            for seen in pages.pending.values():  # the listings: read them in full next time
                if seen.source_id == src.id and seen.article_id is None and seen.status == "ok":
                    seen.keep_validators = False
        for entry in urls:
            row = pages.cached(entry.url)
            result = _get(fetcher, report, entry.url, pages.validators(row))
            if result.status == "not_modified":
                run.unchanged += 1
                pages.remember(_Seen(article_id_for(entry.url), entry.url, src.id, None, None, "ok"))
            elif result.status != "ok":
                _fail(pages, run, entry.url, result.reason or "lỗi không rõ (unknown error)", result)
            else:
                article = _article(pages, run, entry.url, result)
                if article is not None:
                    yield article
            if progress:
                progress(report)
    report.current = None


def fetch_sources(
    engine,
    names: list[str] | None = None,
    *,
    max_pages: int | None = None,
    paths: list = (),
    remove_missing: bool = False,
    policy: FetchPolicy | None = None,
    progress: FetchProgress | None = None,
    ingest_progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> FetchReport:
    """Fetch the sources (all, or ``names``) and ingest what they bring, with the
    files of ``paths`` in the same ingest (``/reload`` does both at once).

    Raises ``index.engine.BusyError`` when another ingest runs, ``SourceError`` for an
    unknown name. Every page's failure is in the report, never raised."""
    t0 = time.perf_counter()
    sources = sources_mod.list_sources(engine.db, names)
    report = FetchReport(total_sources=len(sources))
    pages = _Pages(engine.db)
    robots = _RobotsMemory(pages)
    with Fetcher(policy or FetchPolicy(), robots_memory=robots) as fetcher:
        items = iter_articles(fetcher, pages, sources, report, max_pages=max_pages, progress=progress)
        report.ingest = engine.ingest(
            paths,
            articles=items,
            remove_missing=remove_missing,
            workers=workers,
            label="fetch",
            progress=ingest_progress,
        )
    pages.save()
    robots.save()
    for run in report.runs:
        sources_mod.record_fetch(
            engine.db,
            run.source.id,
            status=run.status,
            found=run.found,
            new=run.new,
            unchanged=run.unchanged,
            failed=run.failed,
            errors=run.errors,
        )
    report.elapsed_s = time.perf_counter() - t0
    return report
