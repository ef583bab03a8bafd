"""Fetching articles from the sources: discover → download → extract → ingest.

``fetch_sources(engine, ...)`` runs one fetch of every source (or the named ones)
inside one ``Engine.ingest``: the database-wide ingest lock makes it one run at a
time across workers, pages are downloaded lazily as the ingest asks for the next
batch, and each batch of articles is one transaction. What each URL needs next time
is written to ``fetched_page`` only after the ingest finished, and a page's
validators only when its article is there with the text extracted: a run killed
half way costs a download next time, never a lost article.

Discovery reads the source's listings: a feed gives its entries; a sitemap index
its sitemaps (newest first, at most ``MAX_LISTINGS``), a sitemap its URLs; an HTML
page that advertises a feed stands for that feed (kind ``auto``), any other HTML page
at the source's own URL is its one article. HTML where a feed or sitemap is expected
is a failure. Listings are asked conditionally; one that answers 304 has its
remembered children asked in turn, so a changed sitemap under an unchanged index is
still read.

Which pages are requested: new URLs; pages that failed in a way worth retrying (a
server error, a timeout, the network: until it has failed ``MAX_FAILURES`` runs in a row
over ``GIVE_UP_DAYS`` days while the site answered) or were
left for next time by ``max_pages``; and known pages whose sitemap ``lastmod`` is newer
than their last fetch. A page already stored, refused (404, robots.txt, not an article)
or a duplicate of another article is not asked again while its listing says nothing
new of it, so a changed feed or a big sitemap costs a request per new page only.

Nothing a site serves raises out of ``fetch_sources``: every failure is recorded with
its URL and reason in the report and on the source (``sources list``, /sources).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.engine import Engine as SAEngine

from index import sources as sources_mod
from index.corpus import ReadError
from index.discover import LISTING_ACCEPT, Discovered, parse_listing
from index.fetch import Fetcher, FetchPolicy, FetchResult, RobotsMemo, Validators
from index.ingest import IngestReport, text_hash
from index.models import Article
from index.sources import Source
from index.store import ArticleRow, FetchedPageRow, SourceRow, session, utcnow
from index.webpage import article_id_for, canonical_url, extract_article

log = logging.getLogger(__name__)

MAX_LISTINGS = 50  # feeds and sitemaps read per source and run
MAX_FAILURES = 5  # a page failing this many runs in a row, and for GIVE_UP_DAYS, is given up
GIVE_UP_DAYS = 3
SKIPPED_STATUSES = ("ok", "refused", "duplicate")  # known pages not asked again
FetchProgress = Callable[["FetchReport"], None]
VIETNAM_OFFSET = timedelta(hours=7)  # listings' lastmod is Vietnam time, fetched_at UTC
EPOCH = datetime(1970, 1, 1)


@dataclass
class SourceRun:
    """One source's part of a fetch."""

    source: Source
    found: int = 0  # article URLs discovered
    new: int = 0  # pages downloaded whose article went to the ingest
    unchanged: int = 0  # known pages not asked again, 304s, or the same body as before
    failed: int = 0
    skipped: int = 0  # beyond max_pages: next time
    listings_unchanged: int = 0  # feeds / sitemaps that answered 304
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    @property
    def status(self) -> str:
        if not self.failed:
            return "ok"
        return "partial" if (self.new or self.unchanged or self.listings_unchanged) else "failed"

    def fail(self, url: str, reason: str) -> None:
        self.failed += 1
        self.errors.append((url, reason))
        log.warning("fetch %s: %s", url, reason)

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

    url: str
    source_id: int
    role: str  # page | listing
    status: str  # ok | failed | pending | refused | duplicate
    result: FetchResult | None = None  # a 200 whose validators to keep; None: keep the old ones
    reason: str | None = None
    article_id: str | None = None
    content_hash: str | None = None  # of the extracted text: the article must hold it
    body_hash: str | None = None
    children: list[str] | None = None  # a listing's child listings
    count_failure: bool = True  # False: the site itself was down, not this page

    @property
    def key(self) -> str:
        return article_id_for(self.url)


def _ascii(value: str | None) -> str | None:
    """A validator to send back later: only printable ASCII survives an HTTP header."""
    return value if value and value.isascii() and value.isprintable() else None


class _Pages:
    """The ``fetched_page`` rows (read once per run) and the rows the run will write."""

    def __init__(self, db: SAEngine):
        self.db = db
        self.pending: dict[str, _Seen] = {}
        self._rows: dict[str, FetchedPageRow] | None = None
        self._claimed: dict[str, str] | None = None
        self._stored: dict[str, bool] = {}  # article id -> in the database

    @property
    def rows(self) -> dict[str, FetchedPageRow]:
        """Read on first use: inside the ingest, under its lock, so a fetch that ended just
        before is seen whole."""
        if self._rows is None:
            with session(self.db) as s:
                self._rows = {r.key: r for r in s.exec(select(FetchedPageRow)).scalars()}
        return self._rows

    @property
    def claimed(self) -> dict[str, str]:
        """Article id → the page URL that gave it (a canonical link two pages share)."""
        if self._claimed is None:
            self._claimed = {r.article_id: r.url for r in self.rows.values() if r.article_id and r.role == "page"}
        return self._claimed

    def row(self, url: str) -> FetchedPageRow | None:
        return self.rows.get(article_id_for(url))

    def validators(self, row: FetchedPageRow | None) -> Validators | None:
        if row is None or row.status != "ok" or not (row.etag or row.last_modified):
            return None
        return Validators(etag=row.etag, last_modified=row.last_modified)

    def stored(self, article_ids: list[str]) -> set[str]:
        """Which of these articles were in the database when the run began (each id is
        looked up once per run: the discovery asks for a source's pages in one query, the
        downloads then ask again page by page)."""
        unknown = [i for i in dict.fromkeys(article_ids) if i not in self._stored]
        with session(self.db) as s:
            for i in range(0, len(unknown), 500):
                part = unknown[i : i + 500]
                present = set(s.exec(select(ArticleRow.id).where(ArticleRow.id.in_(part))).scalars())
                self._stored.update((a, a in present) for a in part)
        return {a for a in article_ids if self._stored[a]}

    def retries(self, source_id: int) -> list[str]:
        """Pages of this source that failed in a way worth retrying, or were left for later."""
        return [
            r.url
            for r in self.rows.values()
            if r.source_id == source_id and r.role == "page" and r.status in ("failed", "pending")
        ]

    def remember(self, seen: _Seen) -> None:
        self.pending[seen.key] = seen

    def seen(self, url: str) -> bool:
        return article_id_for(url) in self.pending

    def save(self) -> list[tuple[_Seen, str]]:
        """Write what was learned, once the ingest has committed the articles; returns the
        pages whose article did not land as extracted, with why (duplicate, or a reason)."""
        if not self.pending:
            return []
        landed = self._landed([s for s in self.pending.values() if s.article_id])
        with session(self.db) as s:
            alive = set(s.exec(select(SourceRow.id)).scalars())
            for seen in self.pending.values():
                if seen.source_id not in alive:  # removed while it was fetched
                    continue
                row = s.get(FetchedPageRow, seen.key) or FetchedPageRow(key=seen.key, url=seen.url)
                _apply(row, seen, landed.get(seen.key))
                s.add(row)
        problems = [(seen, landed[seen.key]) for seen in self.pending.values() if landed.get(seen.key)]
        self.pending.clear()
        return problems

    def _landed(self, pages: list[_Seen]) -> dict[str, str | None]:
        """Per page with an article: None when the article holds its text, else why not."""
        by_id = {p.article_id: p for p in pages}
        hashes: dict[str, str] = {}
        with session(self.db) as s:
            ids = list(by_id)
            for i in range(0, len(ids), 500):
                rows = s.exec(select(ArticleRow.id, ArticleRow.content_hash).where(ArticleRow.id.in_(ids[i : i + 500])))
                hashes.update({r[0]: r[1] for r in rows})
        out: dict[str, str | None] = {}
        for p in pages:
            have = hashes.get(p.article_id or "")
            if p.content_hash is None or have == p.content_hash:
                out[p.key] = None
            elif have is None:
                out[p.key] = "duplicate"
            else:
                out[p.key] = "trang khác đã dùng cùng địa chỉ gốc (another page has the same canonical URL)"
        return out


def _apply(row: FetchedPageRow, seen: _Seen, landing: str | None) -> None:
    row.url, row.source_id, row.role, row.fetched_at = seen.url, seen.source_id, seen.role, utcnow()
    status, reason = seen.status, seen.reason
    if landing == "duplicate":
        status, reason = "duplicate", "cùng nội dung với một bài đã có (the text of another article)"
    elif landing:
        status, reason = "refused", landing
    if status == "failed" and not seen.count_failure:
        status = row.status if row.status in ("failed", "pending") else "failed"  # the site was down
    elif status == "failed":
        row.failures = (row.failures or 0) + 1
        row.failing_since = row.failing_since or utcnow()
        days = (utcnow() - row.failing_since).days
        if row.failures >= MAX_FAILURES and days >= GIVE_UP_DAYS:
            status, reason = "refused", (
                f"{reason} — lỗi {row.failures} lần liền trong {days} ngày, thôi thử lại "
                f"(failed {row.failures} times over {days} days: given up until the listing changes)"
            )
    else:
        row.failures, row.failing_since = 0, None
    row.status, row.reason = status, reason
    if status != "ok":
        row.etag = row.last_modified = row.body_hash = None
    elif seen.result is not None:
        row.etag, row.last_modified = _ascii(seen.result.etag), _ascii(seen.result.last_modified)
        row.body_hash = seen.body_hash
    if seen.article_id is not None:
        row.article_id = seen.article_id
    if seen.children is not None:
        row.children = json.dumps(seen.children)


class _RobotsMemory(MutableMapping):
    """robots.txt per origin, kept in ``fetched_page`` (role robots)."""

    def __init__(self, pages: _Pages):
        self.pages = pages
        self.changed: dict[str, RobotsMemo] = {}

    def __getitem__(self, origin: str) -> RobotsMemo:
        if origin in self.changed:
            return self.changed[origin]
        row = self.pages.row(origin + "/robots.txt")
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
                key = article_id_for(url)
                row = s.get(FetchedPageRow, key) or FetchedPageRow(key=key, url=url)
                row.role, row.etag, row.last_modified = "robots", _ascii(etag), _ascii(modified)
                row.robots_txt, row.fetched_at = text.replace("\x00", ""), utcnow()  # PostgreSQL text: no NUL
                s.add(row)
        self.changed.clear()


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class _Crawl:
    """One source's discovery and downloads, within one run."""

    def __init__(self, fetcher: Fetcher, pages: _Pages, run: SourceRun, report: FetchReport):
        self.fetcher, self.pages, self.run, self.report = fetcher, pages, run, report
        self.src = run.source
        self.site_up = False  # a listing of the source answered: page failures are the page's
        self.site = urlsplit(canonical_url(self.src.url)).netloc

    def get(self, url: str, validators: Validators | None, accept: str | None = None) -> FetchResult:
        self.report.requests += 1
        self.report.conditional += validators is not None
        result = self.fetcher.get(url, validators, accept=accept)
        if result.status == "not_modified" and validators is None:  # a server out of step
            return FetchResult(url, result.final_url, "error", 304, None, b"", None, None,
                               "HTTP 304 cho một yêu cầu không điều kiện (304 to an unconditional request)", result.elapsed_s)
        return result

    def fail(self, url: str, role: str, reason: str, result: FetchResult | None) -> None:
        self.run.fail(url, reason)
        status = "failed" if transient(result) else "refused"
        counted = self.site_up and not (result is not None and result.status == "disallowed")
        self.pages.remember(_Seen(url, self.src.id, role, status, reason=reason, count_failure=counted))

    def canonical(self, url: str, base: str | None = None) -> str | None:
        """The canonical form of a URL a listing gave; a junk one, or a private address
        other than the source's own site, is a failure (a feed must not make the bot read
        an intranet page and publish it)."""
        try:
            url = canonical_url(url, base)
        except ValueError as exc:
            self.run.fail(url, f"địa chỉ không hợp lệ (invalid URL: {exc})")
            return None
        parts = urlsplit(url)
        if _private(parts.hostname or "") and parts.netloc != self.site:
            self.run.fail(url, "địa chỉ nội bộ, không thuộc trang của nguồn (a private address outside the source's site)")
            return None
        return url

    # -- discovery ----------------------------------------------------------------

    def discover(self) -> tuple[dict[str, Discovered], FetchResult | None]:
        """Article URLs (canonical → entry); or the source's own page when it is one."""
        queue: list[str] = [self.src.url]
        done: set[str] = set()
        found: dict[str, Discovered] = {}
        while queue:
            url = self.canonical(queue.pop(0))
            if url is None or url in done:
                continue
            if len(done) >= MAX_LISTINGS:  # not a failure: a note in the report
                left = len({u for u in queue if u not in done}) + 1
                self.run.errors.append((url, f"đã đọc {MAX_LISTINGS} feed/sitemap mới nhất, bỏ qua {left} cái cũ hơn (listings beyond {MAX_LISTINGS} skipped)"))
                break
            root = not done
            done.add(url)
            if root and self.src.kind == "page":
                return found, self.get(url, self.pages.validators(self.pages.row(url)))
            page = self.read_listing(url, root, queue, found)
            if page is not None:
                return found, page
        return found, None

    def read_listing(self, url: str, root: bool, queue: list[str], found: dict[str, Discovered]) -> FetchResult | None:
        row = self.pages.row(url)
        # the source's own URL may have been an article page last time (kind auto): it is
        # still asked conditionally, and read afresh as whatever it now serves
        usable = row is not None and (row.role == "listing" or (root and row.role == "page"))
        result = self.get(url, self.pages.validators(row) if usable else None, LISTING_ACCEPT)
        if result.status == "not_modified":
            self.site_up = True
            if row.role == "page":  # the source's one article, unchanged
                return result
            self.run.listings_unchanged += 1
            queue.extend(json.loads(row.children or "[]"))  # their own news may be there
            self.pages.remember(_Seen(url, self.src.id, "listing", "ok"))
            return None
        if result.status != "ok":
            self.fail(url, "listing", result.reason or "lỗi không rõ (unknown error)", result)
            return None
        self.site_up = True
        try:
            listing = parse_listing(result.body, result.final_url, result.content_type)
        except (ValueError, OverflowError) as exc:
            self.fail(url, "listing", str(exc), result)
            return None
        if listing.kind == "page":
            if root and listing.feeds and self.src.kind == "auto":
                children = listing.feeds[:1]
            elif root and self.src.kind == "auto":
                return result  # the source is one article page
            else:
                self.fail(url, "listing", "trang HTML, không phải feed hay sitemap (an HTML page where a feed or sitemap was expected)", None)
                return None
        else:
            children = list(listing.sitemaps)
        self.pages.remember(_Seen(url, self.src.id, "listing", "ok", result, body_hash=body_hash(result.body), children=children))
        queue.extend(children)
        for entry in listing.entries:
            key = self.canonical(entry.url, result.final_url)
            if key is None:
                continue
            old = found.get(key)
            if old is None or (entry.lastmod and (old.lastmod is None or entry.lastmod > old.lastmod)):
                found[key] = Discovered(key, entry.lastmod, entry.title)
        return None

    # -- pages --------------------------------------------------------------------

    def to_fetch(self, found: dict[str, Discovered], max_pages: int | None) -> list[Discovered]:
        """The pages to request: those left over or failing before first, then the new
        ones newest first; the rest counted unchanged or left for later."""
        retries = self.pages.retries(self.src.id)
        for url in retries:
            found.setdefault(url, Discovered(url))
        rows = {url: self.pages.row(url) for url in found}
        # a feed or sitemap listed as a page (a home page in a sitemap) stays a listing
        found = {u: e for u, e in found.items() if rows[u] is None or rows[u].role == "page"}
        self.run.found = len(found)
        stored = self.pages.stored([r.article_id for r in rows.values() if r is not None and r.article_id])
        wanted: list[Discovered] = []
        for url, entry in found.items():
            row = rows[url]
            if self.pages.seen(url) or (row is not None and _known(row, entry, stored)):
                self.run.unchanged += 1
            else:
                wanted.append(entry)
        first = set(retries)
        wanted.sort(key=lambda d: (d.url not in first, _newest_first(d)))
        if max_pages is not None and len(wanted) > max_pages:
            for entry in wanted[max_pages:]:
                self.pages.remember(_Seen(entry.url, self.src.id, "page", "pending", reason="để lần sau (--max)"))
            self.run.skipped = len(wanted) - max_pages
            wanted = wanted[:max_pages]
        return wanted

    def page(self, url: str, result: FetchResult | None = None) -> Article | None:
        """The article of one page (downloaded now unless ``result`` is given), or None."""
        row = self.pages.row(url)
        if result is None:
            validators = self.pages.validators(row)
            if row is not None and row.article_id and not self.pages.stored([row.article_id]):
                validators = None  # its article is gone: download it again
            result = self.get(url, validators)
        if result.status == "not_modified":
            self.run.unchanged += 1
            self.pages.remember(_Seen(url, self.src.id, "page", "ok"))
            return None
        if result.status != "ok":
            self.fail(url, "page", result.reason or "lỗi không rõ (unknown error)", result)
            return None
        digest = body_hash(result.body)
        if row is not None and row.status == "ok" and row.body_hash == digest and row.article_id:
            if self.pages.stored([row.article_id]):
                self.run.unchanged += 1
                self.pages.remember(_Seen(url, self.src.id, "page", "ok", result, body_hash=digest))
                return None
        try:
            article = extract_article(result.body, result.final_url, result.content_type, source=self.src.name)
        except Exception as exc:  # noqa: BLE001 - whatever a page holds, it is that page's failure
            reason = str(exc) if isinstance(exc, ValueError) else f"lỗi khi trích xuất ({type(exc).__name__}: {exc})"
            self.fail(url, "page", reason, None)
            return None
        owner = self.pages.claimed.setdefault(article.id, url)
        if owner != url:  # a canonical link another page has: this page is its own article
            own = article_id_for(url)
            article = replace(article, id=own, url=canonical_url(url))
            self.pages.claimed.setdefault(own, url)
        self.run.new += 1
        self.pages.remember(
            _Seen(url, self.src.id, "page", "ok", result, article_id=article.id,
                  content_hash=text_hash(article.text), body_hash=digest)
        )
        return article


def _private(host: str) -> bool:
    """localhost, or an IP address that is loopback, private, link-local or reserved."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: not resolved here
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified


def _known(row: FetchedPageRow, entry: Discovered, stored: set[str]) -> bool:
    """A page fetched before that its listing says nothing new of."""
    if row.role != "page" or row.status not in SKIPPED_STATUSES:
        return False
    if row.status == "ok" and (row.article_id is None or row.article_id not in stored):
        return False  # its article is gone: fetch it again
    return entry.lastmod is None or entry.lastmod <= row.fetched_at + VIETNAM_OFFSET


def _newest_first(d: Discovered) -> tuple[int, float]:
    """Dated entries newest first, then the undated in listing order (a stable sort)."""
    return (0, -(d.lastmod - EPOCH).total_seconds()) if d.lastmod else (1, 0.0)


def transient(result: FetchResult | None) -> bool:
    """A failure that may pass by itself (a server error, a timeout, the network, the
    site's robots.txt out of reach): retried at the next fetch (``MAX_FAILURES`` times in
    a row at most). Others (4xx, robots.txt refusing, a page too large, a redirect loop,
    not an article) wait until the listing says the page changed."""
    if result is None or "quá lớn" in (result.reason or ""):
        return False
    if result.status == "disallowed":
        return "robots.txt unreachable" in (result.reason or "")
    if result.status != "error":
        return False
    code = result.http_status
    return code is None or code >= 500 or code == 429 or (result.reason or "").startswith("hết thời gian")


def _crawl_source(
    fetcher: Fetcher, pages: _Pages, run: SourceRun, report: FetchReport, max_pages: int | None,
    progress: FetchProgress | None,
) -> Iterator[Article]:
    crawl = _Crawl(fetcher, pages, run, report)
    found, own_page = crawl.discover()
    if own_page is not None:
        run.found = 1
        article = crawl.page(crawl.canonical(run.source.url) or run.source.url, own_page)
        if article is not None:
            yield article
        return
    for entry in crawl.to_fetch(found, max_pages):
        article = crawl.page(entry.url)
        if article is not None:
            yield article
        if progress:
            progress(report)


def iter_articles(
    fetcher: Fetcher,
    pages: _Pages,
    sources: list[Source],
    report: FetchReport,
    *,
    max_pages: int | None = None,
    progress: FetchProgress | None = None,
) -> Iterator[Article | ReadError]:
    """Every source's new or changed articles, fetched as the ingest asks for them. An
    unexpected error ends that source's part (recorded), never the run."""
    for src in sources:
        run = SourceRun(src)
        report.runs.append(run)
        report.current = src.name
        if progress:
            progress(report)
        try:
            yield from _crawl_source(fetcher, pages, run, report, max_pages, progress)
        except Exception as exc:  # noqa: BLE001 - one source's surprise must not end the others
            log.exception("fetching %s failed", src.url)
            run.fail(src.url, f"lỗi không lường trước (unexpected error: {type(exc).__name__}: {exc})")
    report.current = None


def _account(report: FetchReport, problems: list[tuple[_Seen, str]]) -> None:
    """Pages downloaded as new whose article did not land: a duplicate is unchanged, any
    other reason a failure of that page."""
    runs = {r.source.id: r for r in report.runs}
    for seen, why in problems:
        run = runs.get(seen.source_id)
        if run is None:
            continue
        run.new -= 1
        if why == "duplicate":
            run.unchanged += 1
        else:
            run.fail(seen.url, why)


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

    def remember(_ingest: IngestReport) -> None:  # under the ingest lock, after the ingest
        _account(report, pages.save())
        try:
            robots.save()
        except Exception:  # noqa: BLE001 - a robots.txt the database refuses costs a download
            log.exception("could not keep the robots.txt files")
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

    with Fetcher(policy or FetchPolicy(), robots_memory=robots) as fetcher:
        items = iter_articles(fetcher, pages, sources, report, max_pages=max_pages, progress=progress)
        report.ingest = engine.ingest(
            paths,
            articles=items,
            remove_missing=remove_missing,
            workers=workers,
            label="fetch",
            progress=ingest_progress,
            on_done=remember,
        )
    report.elapsed_s = time.perf_counter() - t0
    return report
