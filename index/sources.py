"""Sources: the news sites, feeds and sitemaps articles are fetched from.

Stored in the database (table ``source``), so every worker sees one list. ``hoidap
sources add|list|remove`` and the bot's /sources read and change it here; ``SOURCES``
in ``.env`` may seed it (``seed_sources``); ``index.crawl`` records each fetch's outcome.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine as SAEngine

from index.store import ArticleRow, FetchedPageRow, SourceRow, session, utcnow

KINDS = ("auto", "feed", "sitemap", "page")
MAX_ERRORS_KEPT = 50
MAX_NAME = 100
MAX_URL = 2000


class SourceError(ValueError):
    """A source that cannot be added or found; the message is for the admin (Vietnamese)."""


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    url: str
    kind: str
    added_at: datetime
    last_fetch_at: datetime | None = None
    last_status: str | None = None  # ok | partial | failed
    last_found: int = 0
    last_new: int = 0
    last_unchanged: int = 0
    last_failed: int = 0
    last_errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    articles: int = 0

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "url": self.url,
            "kind": self.kind,
            "added_at": self.added_at.isoformat(timespec="seconds"),
            "last_fetch_at": self.last_fetch_at.isoformat(timespec="seconds") if self.last_fetch_at else None,
            "last_status": self.last_status,
            "last_found": self.last_found,
            "last_new": self.last_new,
            "last_unchanged": self.last_unchanged,
            "last_failed": self.last_failed,
            "last_errors": [{"url": u, "reason": r} for u, r in self.last_errors],
            "articles": self.articles,
        }


def _source(row: SourceRow) -> Source:
    errors = [(str(e.get("url", "")), str(e.get("reason", ""))) for e in json.loads(row.last_errors or "[]")]
    return Source(
        id=int(row.id or 0),
        name=row.name,
        url=row.url,
        kind=row.kind,
        added_at=row.added_at,
        last_fetch_at=row.last_fetch_at,
        last_status=row.last_status,
        last_found=row.last_found,
        last_new=row.last_new,
        last_unchanged=row.last_unchanged,
        last_failed=row.last_failed,
        last_errors=errors,
        articles=row.articles,
    )


def check_url(url: str) -> str:
    """``url`` stripped, if it is an absolute http(s) URL; else ``SourceError``."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"địa chỉ không hợp lệ: {url!r} (cần http:// hoặc https://)")
    if len(url) > MAX_URL or re.search(r"\s", url):
        raise SourceError(f"địa chỉ không hợp lệ: {url[:80]!r}")
    return url


def default_name(url: str) -> str:
    """A short name from the URL: its host without ``www.`` (``longbien.hanoi.gov.vn``)."""
    host = (urlsplit(url).hostname or "nguon").lower()
    port = urlsplit(url).port
    host = host[4:] if host.startswith("www.") else host
    return f"{host}:{port}" if port else host


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or not re.fullmatch(r"[\w.:\-]+", name):
        raise SourceError(
            f"tên nguồn không hợp lệ: {name[:40]!r} (chữ, số và . : - _, tối đa {MAX_NAME} ký tự, không dấu cách)"
        )
    return name


def add_source(db: SAEngine, url: str, *, kind: str = "auto", name: str | None = None) -> Source:
    """Add one source; a name or URL already in the list is a ``SourceError``."""
    url = check_url(url)
    if kind not in KINDS:
        raise SourceError(f"loại nguồn không hợp lệ: {kind!r} (một trong: {', '.join(KINDS)})")
    explicit = name is not None
    name = check_name(name) if explicit else default_name(url)
    with session(db) as s:
        rows = list(s.exec(select(SourceRow)).scalars())
        for row in rows:
            if row.url == url:
                raise SourceError(f"nguồn này đã có, tên {row.name!r}: {url}")
        taken = {row.name for row in rows}
        if name in taken:
            if explicit:
                raise SourceError(f"tên nguồn {name!r} đã dùng; hãy chọn tên khác (--name)")
            name = next(f"{name}-{i}" for i in range(2, len(taken) + 3) if f"{name}-{i}" not in taken)
        row = SourceRow(name=name, url=url, kind=kind)
        s.add(row)
        s.flush()
        return _source(row)


def remove_source(db: SAEngine, name: str) -> Source:
    """Remove a source and what was remembered of its pages; its articles stay."""
    with session(db) as s:
        row = s.exec(select(SourceRow).where(SourceRow.name == name)).scalars().first()
        if row is None:
            raise SourceError(f"không có nguồn tên {name!r} (xem: hoidap sources list)")
        gone = _source(row)
        s.exec(delete(FetchedPageRow).where(FetchedPageRow.source_id == row.id))
        s.delete(row)
        return gone


def list_sources(db: SAEngine, names: Iterable[str] | None = None) -> list[Source]:
    """Sources in the order they were added; only ``names`` when given (unknown → ``SourceError``)."""
    with session(db) as s:
        rows = list(s.exec(select(SourceRow).order_by(SourceRow.id)).scalars())
    if names is None:
        return [_source(r) for r in rows]
    wanted = list(dict.fromkeys(names))
    by_name = {r.name: r for r in rows}
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise SourceError(f"không có nguồn tên {', '.join(map(repr, unknown))} (xem: hoidap sources list)")
    return [_source(by_name[n]) for n in wanted]


def parse_sources_setting(value: str) -> tuple[list[tuple[str | None, str, str]], list[str]]:
    """``SOURCES``: entries separated by commas or new lines, each ``[name=]url[ kind]``
    (``longbien=https://longbien.hanoi.gov.vn/rss feed``) → ((name, url, kind) entries,
    problems with the entries that could not be read)."""
    entries: list[tuple[str | None, str, str]] = []
    problems: list[str] = []
    for raw in re.split(r"[,\n]", value or ""):
        words = raw.split()
        if not words:
            continue
        if len(words) > 2:
            problems.append(f"SOURCES: mục không hợp lệ {raw.strip()!r} (dạng: [tên=]url [loại])")
            continue
        spec, kind = words[0], (words[1] if len(words) == 2 else "auto")
        name, eq, url = spec.partition("=")
        if not eq or "://" in name:
            name, url = None, spec
        entries.append((name or None, url, kind))
    return entries, problems


def seed_sources(db: SAEngine, value: str) -> tuple[list[Source], list[str]]:
    """Add the ``SOURCES`` entries whose URL is not in the list yet. An entry that cannot
    be added (a bad URL or kind, a name taken by another URL) is skipped and said why;
    the others are added. A source removed by an admin but still in ``SOURCES`` comes back:
    remove it from ``SOURCES`` too."""
    entries, problems = parse_sources_setting(value)
    have = {s.url for s in list_sources(db)}
    added = []
    for name, url, kind in entries:
        if url.strip() in have:
            continue
        try:
            added.append(add_source(db, url, kind=kind, name=name))
        except SourceError as exc:
            problems.append(f"SOURCES: {exc}")
            continue
        have.add(added[-1].url)
    return added, problems


def record_fetch(
    db: SAEngine,
    source_id: int,
    *,
    status: str,
    found: int,
    new: int,
    unchanged: int,
    failed: int,
    errors: list[tuple[str, str]],
) -> None:
    """Store how a source's fetch ended, and how many articles it has now."""
    with session(db) as s:
        row = s.get(SourceRow, source_id)
        if row is None:  # removed while it was being fetched
            return
        row.last_fetch_at = utcnow()
        row.last_status = status
        row.last_found, row.last_new, row.last_unchanged, row.last_failed = found, new, unchanged, failed
        kept = [{"url": u, "reason": r} for u, r in errors[:MAX_ERRORS_KEPT]]
        row.last_errors = json.dumps(kept, ensure_ascii=False)
        row.articles = int(
            s.exec(select(func.count()).select_from(ArticleRow).where(ArticleRow.source == row.name)).scalar() or 0
        )
