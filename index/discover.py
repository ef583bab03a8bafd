"""Finding article URLs: RSS/Atom feeds, sitemaps (and sitemap indexes), HTML pages.

``parse_listing(body, url, content_type)`` is pure: it reads one downloaded document
and says what it is, which URLs it lists, which sitemaps (newest first) or feeds it
points to; a document it cannot read is a ``ValueError`` with the reason. Fetching the
listings of a source, and following them, is ``index.crawl``'s.

Dates (``Discovered.lastmod``) are naive datetimes in Vietnam time (UTC+7), like
``Article.date``: a date with an offset is converted, one without is kept as written.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal
from urllib.parse import urljoin, urlsplit

MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024  # a .xml.gz sitemap bigger than this once unzipped is refused
VIETNAM = timezone(timedelta(hours=7))
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
LISTING_ACCEPT = (  # the Accept header a feed or sitemap is asked with
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class Discovered:
    url: str
    lastmod: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class Listing:
    kind: Literal["feed", "sitemap_index", "sitemap", "page"]
    entries: list[Discovered]  # article URLs (absolute, as written)
    sitemaps: list[str]  # child sitemaps of an index
    feeds: list[str]  # feeds an HTML page advertises


# -- parsing --------------------------------------------------------------------------


def _gunzip(body: bytes, limit: int | None = None) -> bytes:
    """Decompress (possibly multi-member) gzip, refusing more than ``limit`` bytes out."""
    if limit is None:
        limit = MAX_DECOMPRESSED_BYTES
    out: list[bytes] = []
    size = 0
    data = body
    try:
        while data:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while data:
                chunk = d.decompress(data, limit + 1 - size)
                size += len(chunk)
                out.append(chunk)
                if size > limit:
                    raise ValueError(
                        f"tệp gzip giải nén quá lớn (decompressed size over {limit / 2**20:g} MB)"
                    )
                data = d.unconsumed_tail
                if d.eof:
                    break
            if not d.eof:
                raise ValueError("tệp gzip bị cắt cụt (truncated gzip file)")
            data = d.unused_data
            if data and data[:2] != b"\x1f\x8b":
                break  # trailing garbage after the last member: ignore, like gzip(1)
    except zlib.error as exc:
        raise ValueError(f"tệp gzip hỏng (corrupt gzip: {exc})") from None
    return b"".join(out)


_PROLOG = re.compile(rb"<\?.*?\?>|<!--.*?-->|<![^<>]*(?:\[[^\]]*\])?\s*>", re.S)
_FIRST_TAG = re.compile(rb"<\s*([A-Za-z_][\w:.\-]*)")


def _root_name(head: bytes) -> str | None:
    """Local name (lower case) of the first element in ``head``."""
    text = _PROLOG.sub(b"", head)
    m = _FIRST_TAG.search(text)
    if not m:
        return None
    return m.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _join(base: str, ref: str) -> str | None:
    """``ref`` made absolute, or None when it is not a URL at all ("http://[::1/a")."""
    try:
        return urljoin(base, ref)
    except ValueError:
        return None


def _naive_vietnam(dt: datetime) -> datetime | None:
    """Vietnam time without a zone; None for a date no news page has (0001-01-01, 9999-…)."""
    if not 1945 <= dt.year <= 2200:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(VIETNAM).replace(tzinfo=None)
    return dt


def _parse_w3c_date(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    if not text:
        return None
    value = text.replace("z", "Z")
    # a date without a time stands for the whole of that day (its end): an edit made
    # later that day is still newer than a fetch made earlier that day
    if re.fullmatch(r"\d{4}", value):
        value += "-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", value):  # W3C "YYYY-MM"
        value += "-28"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        value += "T23:59:59"
    # fromisoformat wants seconds when there is an offset after "hh:mm"
    value = re.sub(r"T(\d{2}):(\d{2})(?=Z|[+-]\d{2}:?\d{2}$|$)", r"T\1:\2:00", value)
    try:
        return _naive_vietnam(datetime.fromisoformat(value))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        return _naive_vietnam(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def _http_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


def _xml_root(body: bytes):
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        recover=False,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"XML hỏng (malformed XML: {exc})") from None
    if root is None:
        raise ValueError("XML rỗng (empty XML document)")
    return root


def _local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(el, name: str) -> str | None:
    for child in el:
        if _local(child) == name:
            return (child.text or "").strip() or None
    return None


def _parse_sitemap(body: bytes, url: str) -> tuple[str, list[Discovered], list[Discovered]]:
    """(kind, entries, child sitemaps with their lastmod) of an XML sitemap."""
    root = _xml_root(body)
    name = _local(root)
    if name == "sitemapindex":
        children: list[Discovered] = []
        for sm in root:
            if _local(sm) != "sitemap":
                continue
            loc = _child_text(sm, "loc")
            if loc:
                child = _join(url, loc)
                if child and _http_url(child):
                    children.append(Discovered(child, _parse_w3c_date(_child_text(sm, "lastmod"))))
        return "sitemap_index", [], children
    if name != "urlset":
        raise ValueError(f"không phải sitemap (not a sitemap: <{name}>)")
    entries: list[Discovered] = []
    for item in root:
        if _local(item) != "url":
            continue
        loc = _child_text(item, "loc")
        if not loc:
            continue
        target = _join(url, loc)
        if not target or not _http_url(target):
            continue
        lastmod = _parse_w3c_date(_child_text(item, "lastmod"))
        title = None
        for news in item:
            if _local(news) == "news":  # Google news sitemap
                published = _parse_w3c_date(_child_text(news, "publication_date"))
                lastmod = lastmod or published
                title = _child_text(news, "title")
        entries.append(Discovered(target, lastmod, title))
    return "sitemap", entries, []


def _parse_text_sitemap(text: str, url: str) -> list[Discovered] | None:
    """A plain-text sitemap (one URL a line), or None when it is not one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(_http_url(line) and " " not in line for line in lines):
        return None
    return [Discovered(u) for u in (_join(url, line) for line in lines) if u]


def _parse_feed(body: bytes, url: str, content_type: str | None) -> list[Discovered]:
    import feedparser

    # a file object: feedparser would treat bytes as a file name, a str as a URL to fetch
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-location": url, "content-type": content_type or "application/xml"},
    )
    if not parsed.get("version") and not parsed.entries:
        exc = parsed.get("bozo_exception")
        raise ValueError(f"feed hỏng (malformed feed: {exc or 'unknown format'})")
    entries: list[Discovered] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            for candidate in entry.get("links", []):
                if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                    link = candidate["href"]
                    break
        if not link and entry.get("guidislink"):
            link = entry.get("id")
        if not link:
            continue
        link = _join(url, link.strip())
        if not link or not _http_url(link):
            continue
        # an edit is news too; dict.get: feedparser's own get maps a missing "updated"
        # to "published" with a DeprecationWarning
        when = dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed")
        lastmod = None
        if when:
            try:
                lastmod = _naive_vietnam(datetime(*when[:6], tzinfo=timezone.utc))
            except (ValueError, OverflowError):
                lastmod = None
        title = (entry.get("title") or "").strip() or None
        entries.append(Discovered(link, lastmod, title))
    return entries


def _page_feeds(body: bytes, url: str) -> list[str]:
    """Feeds advertised by ``<link rel="alternate" type="application/rss+xml">``."""
    import lxml.html
    from lxml import etree

    try:
        doc = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    base = url
    for b in doc.iter("base"):
        if b.get("href"):
            base = urljoin(url, b.get("href").strip())
            break
    feeds: list[str] = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = _media_type(link.get("type"))
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            target = urljoin(base, href)
            if _http_url(target) and target not in feeds:
                feeds.append(target)
    return feeds


def _parse(body: bytes, url: str, content_type: str | None) -> tuple[Listing, list[Discovered]]:
    """The listing, plus the child sitemaps of an index with their lastmod."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ValueError("tài liệu rỗng (empty document)")
    media = _media_type(content_type)
    root = _root_name(stripped[:8192])
    if root == "html" or (media in ("text/html", "application/xhtml+xml") and root not in (
        "rss", "feed", "rdf", "urlset", "sitemapindex"
    )):
        return Listing("page", [], [], _page_feeds(body, url)), []
    if root in ("urlset", "sitemapindex"):
        kind, entries, children = _parse_sitemap(stripped, url)
        newest_first = sorted(children, key=_sort_key)  # stable: undated ones keep their order, last
        return Listing(kind, entries, [c.url for c in newest_first], []), children  # type: ignore[arg-type]
    if root in ("rss", "feed", "rdf"):
        return Listing("feed", _parse_feed(body, url, content_type), [], []), []
    if root is None or media == "text/plain":
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        entries = _parse_text_sitemap(text, url)
        if entries is not None:
            return Listing("sitemap", entries, [], []), []
    if root in ("head", "body", "title", "meta", "div", "p"):  # HTML without <html>
        return Listing("page", [], [], _page_feeds(body, url)), []
    what = f"<{root}>" if root else (media or "unknown content")
    raise ValueError(f"không phải feed, sitemap hay trang HTML (not a feed, sitemap or HTML page: {what})")


def parse_listing(body: bytes, url: str, content_type: str | None = None) -> Listing:
    """What ``body`` (downloaded from ``url``) is, and the URLs it lists.

    Raises ``ValueError(reason)`` for broken XML, bad gzip, a gzip over
    ``MAX_DECOMPRESSED_BYTES`` once unzipped, or content that is none of feed,
    sitemap (XML or plain text) or HTML.
    """
    return _parse(body, url, content_type)[0]


# -- discovery ------------------------------------------------------------------------


def _sort_key(d: Discovered) -> float:
    return -d.lastmod.replace(tzinfo=timezone.utc).timestamp() if d.lastmod else float("inf")
