"""Web pages as articles: charset, canonical URL, main text, title and date.

Pure functions (no network) used by the crawler and by uploaded ``.html`` files:

* ``charset_of`` / ``decode_html`` - the page's declared charset and its text. UTF-8
  and Windows-1258 are read; pages in the legacy TCVN3 (ABC) or VNI font encodings,
  or Vietnamese mislabelled as Windows-1252, are refused with a reason.
* ``canonical_url`` / ``article_id_for`` - one spelling per page (tracking parameters,
  fragment and default port dropped), and the article id made from it.
* ``extract_article`` - the article in a page: body text only (no menu, sidebar,
  "Tin liên quan", share buttons, comment box or footer), title, published date.

Extraction picks the article's container itself (Vietnamese portals rarely use the
class names trafilatura knows, and on table layouts trafilatura falls back to whole
rows of the page), then lets trafilatura clean and format that container alone.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from index.models import Article
from index.text import normalize

MAX_PAGE_CHARS = 2_000_000  # a page longer than this (decoded) is refused
MIN_TEXT_CHARS = 200  # an article body shorter than this is refused
MAX_ID_CHARS = 255

VIETNAM_TZ = timezone(timedelta(hours=7))

# --- charset -----------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)""", re.I
)
_LATIN1_GROUP = {"latin-1", "iso8859-1", "cp1252", "ascii"}  # all read as Windows-1252 (WHATWG)


def charset_of(body: bytes, content_type: str | None) -> str | None:
    """The page's charset label, lower-case: BOM > HTTP header > ``<meta>`` > None."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        return m.group(1).lower()
    if m := _META_CHARSET.search(body[:8192]):
        return m.group(1).decode("ascii").lower()
    return None


def _codec_name(label: str | None) -> str | None:
    if label is None:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return "unknown"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The page as text, or ValueError with the reason it cannot be read.

    UTF-8 is the default; bytes that are valid UTF-8 are read as UTF-8 whatever
    single-byte charset the page claims (servers often send ``ISO-8859-1`` by default).
    Windows-1258 is decoded and NFC-normalized (it writes tones as combining marks).
    """
    label = charset_of(body, content_type)
    codec = _codec_name(label)
    if codec is not None and codec.startswith("utf-16"):
        text, used = _decode_strict(body, codec, label), codec
    else:
        text, used = _decode_single_byte_family(body, codec, label)
    text = text.lstrip("\ufeff")
    if used == "cp1258":
        text = unicodedata.normalize("NFC", text)
    _refuse_legacy_vietnamese(text, label if used in _LATIN1_GROUP else None)
    if len(text) > MAX_PAGE_CHARS:
        raise ValueError(f"trang quá lớn (page too large: {len(text)} chars > {MAX_PAGE_CHARS})")
    return text


def _decode_strict(body: bytes, codec: str, label: str | None) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"trang có byte không hợp lệ với bảng mã {label} (invalid {label} at byte {exc.start})"
        ) from None


def _decode_single_byte_family(body: bytes, codec: str | None, label: str | None) -> tuple[str, str]:
    """UTF-8 first (also for mislabelled single-byte pages), then the declared codec;
    returns the text and the codec used."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if codec in _LATIN1_GROUP:
        try:
            return body.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return body.decode("latin-1"), "latin-1"
    if codec not in (None, "utf-8", "unknown"):
        return _decode_strict(body, codec, label), codec
    _refuse_legacy_vietnamese(body.decode("latin-1"), None)
    if codec == "unknown":
        raise ValueError(f"bảng mã không hỗ trợ (unsupported charset {label!r})")
    if codec == "utf-8":
        raise ValueError(
            f"trang khai báo UTF-8 nhưng có byte không hợp lệ (invalid UTF-8 at byte {utf8_error.start})"
        )
    raise ValueError(
        f"trang không phải UTF-8 và không khai báo bảng mã (not UTF-8 at byte {utf8_error.start} "
        "and no charset declared; Windows-1258 must be declared, TCVN3/VNI converted to Unicode)"
    )


# Legacy Vietnamese encodings seen through a Latin-1 lens. TCVN3 (ABC) puts Vietnamese
# letters on bytes 0xA1-0xFE, so "Đảng bộ" reads "§¶ng bé": symbols such as § ¶ ¸ µ ®
# inside words. VNI writes a base letter then a mark letter: "Ñaûng boä". Windows-1258
# labelled as Latin-1 shows its combining tone bytes as Ì ì Þ Ò ò after vowels.
_TCVN3_HIT = re.compile(r"[A-Za-z][\xa1-\xae\xb5-\xb9\xbb-\xbe]|[\xa1-\xae\xb5-\xb9\xbb-\xbe][A-Za-z]")
# ø ï û ö ñ are VNI's huyền, nặng, hỏi marks, ư and đ; none is a Vietnamese letter
_VNI_HIT = re.compile(r"[A-Za-z][øûïö]|[ñÑ][A-Za-z]")
_VNI_TONE = re.compile(r"[aeiouyAEIOUY][øï]")
_CP1258_HIT = re.compile(r"[aeiouyâêôõýăAEIOUYÂÊÔ][\xcc\xec\xde\xd2\xf2](?![A-Za-z])|[ðÐ][a-zA-Z]")
_UTF8_MOJIBAKE = re.compile(r"á[º»]|Æ[°¯¡]|Ä[‘\x91\x90ƒ\x83]|Ã[\xa0-\xbf]")
_LEGACY_FONT = re.compile(r"\.Vn[A-Z][A-Za-z]+|VNI[- ][A-Z][a-z]+")
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)


def _refuse_legacy_vietnamese(text: str, latin1_label: str | None) -> None:
    """Raise ValueError when ``text`` is Vietnamese in a legacy font encoding."""
    visible = _TAG.sub(" ", text)
    words = max(1, len(re.findall(r"\w+", visible)))
    font = bool(_LEGACY_FONT.search(text))

    def dense(pattern: re.Pattern[str]) -> bool:
        hits = len(pattern.findall(visible))
        return hits >= 10 and hits / words >= 0.08 or (font and hits >= 3)

    if len(_UTF8_MOJIBAKE.findall(visible)) >= 5:
        raise ValueError(
            "chữ tiếng Việt bị lỗi mã hóa (mojibake: UTF-8 text decoded as Windows-1252)"
        )
    if dense(_TCVN3_HIT):
        raise ValueError(
            "trang dùng bảng mã TCVN3 (ABC) cũ, cần bản Unicode "
            "(legacy TCVN3/ABC font encoding, not readable as Unicode)"
        )
    if dense(_VNI_HIT) and len(_VNI_TONE.findall(visible)) >= 3:
        raise ValueError("trang dùng bảng mã VNI cũ, cần bản Unicode (legacy VNI font encoding)")
    if latin1_label and dense(_CP1258_HIT):
        raise ValueError(
            f"trang khai báo bảng mã {latin1_label} nhưng chữ tiếng Việt bị lỗi mã "
            f"(Vietnamese text mislabelled as {latin1_label})"
        )


# --- URLs --------------------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "zarsrc", "_ga", "_gl", "_hsenc", "_hsmi", "mc_cid", "mc_eid", "ref", "ref_src", "spm",
        "s_cid", "cmpid", "ocid", "mkt_tok", "vero_id", "fb_action_ids", "fb_action_types",
        "fb_ref", "fb_source", "gs_l", "_openstat", "oly_anon_id", "oly_enc_id",
    }
)
TRACKING_PREFIXES = ("utm_", "zalo")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


def canonical_url(url: str, base: str | None = None) -> str:
    """One spelling of an http(s) URL; ValueError if it is not absolute (after ``base``).

    Scheme and host lower-case, default port dropped, fragment dropped, tracking
    parameters dropped (other parameters kept in order, as written), non-ASCII in
    path and query percent-encoded, empty path "/", credentials (``user:pass@``) dropped.
    IP and loopback hosts are kept.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"không phải địa chỉ http(s) tuyệt đối (not an absolute http(s) URL): {url[:200]}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"cổng không hợp lệ (invalid port): {url[:200]}") from None
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    netloc = host  # user:password@ is dropped: never sent, stored or shown as a «Nguồn» link
    path = _escape(parts.path, _PATH_SAFE) or "/"
    return urlunsplit((scheme, netloc, path, _clean_query(parts.query), ""))


def _escape(part: str, safe: str) -> str:
    return _PERCENT.sub(lambda m: m.group(0).upper(), quote(part, safe=safe))


def _clean_query(query: str) -> str:
    kept = []
    for piece in query.split("&"):
        key = piece.split("=", 1)[0].lower()
        if not piece or key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
            continue
        kept.append(_escape(piece, _QUERY_SAFE))
    return "&".join(kept)


def article_id_for(url: str) -> str:
    """The article id of a page: its canonical URL, hashed at the end when too long."""
    canonical = canonical_url(url)
    if len(canonical) <= MAX_ID_CHARS:
        return canonical
    digest = hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]
    return f"{canonical[:200]}#{digest}"


def _same_host(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.hostname, pa.port) == (pb.hostname, pb.port)


# --- the article in a page ---------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What a page holds: the article's title, body text and date, its canonical link."""

    title: str
    text: str
    date: datetime | None
    canonical: str | None  # <link rel=canonical>, absolute (None if missing or unusable)


_HTML_TYPES = {"text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain", ""}
_SNIFFED_TYPES = {"application/octet-stream", "binary/octet-stream", "application/unknown"}
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b")
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|p|div|article|table|h1|title|meta)\b", re.I)


def extract_article(
    body: bytes, url: str, content_type: str | None = None, *, source: str | None = None
) -> Article:
    """The article in an HTML page fetched from ``url``; ValueError(reason) if none.

    The page's ``<link rel=canonical>`` gives the article's URL and id when it is on
    the same host; otherwise the fetched URL (canonicalized) does.
    """
    _refuse_not_html(body, content_type)
    html = decode_html(body, content_type)
    page_url = canonical_url(url)
    page = parse_page(html, page_url)
    final = page.canonical if _usable_canonical(page.canonical, page_url) else page_url
    return Article(
        id=article_id_for(final),
        title=page.title,
        text=page.text,
        date=page.date,
        url=final,
        source=source,
        origin=None,
    )


def _refuse_not_html(body: bytes, content_type: str | None) -> None:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES and mime not in _SNIFFED_TYPES:
        raise ValueError(f"không phải trang HTML (not HTML: {mime})")
    if body.startswith(_MAGIC) or (b"\x00" in body[:1024] and not body.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise ValueError("không phải trang HTML (not HTML: binary data)")
    if not body.strip():
        raise ValueError("trang rỗng (empty page)")


def parse_page(html: str, url: str | None = None) -> Page:
    """Title, body text, date and canonical link of a decoded HTML page.

    ``url`` (the page's own address, if known) resolves relative links. Raises
    ValueError when the text is not HTML or holds no article text.
    """
    if not _HTML_SNIFF.search(html[:65536]):
        raise ValueError("không phải trang HTML (not HTML: no HTML tags)")
    tree = _parse_tree(html)
    base = _base_url(tree, url)
    canonical = _canonical_link(tree, base)
    title, anchor = _find_title(tree)
    date, date_el = _find_date(tree, anchor, base)
    _prune(tree, anchor)
    text = _article_text(tree, anchor, date_el)
    if len(text) < MIN_TEXT_CHARS:
        raise ValueError(
            f"không tìm thấy nội dung bài viết đủ dài (no article text found: {len(text)} chars < {MIN_TEXT_CHARS})"
        )
    return Page(title=title or _first_line(text), text=text, date=date, canonical=canonical)


def _parse_tree(html: str) -> Any:
    from lxml import html as lxml_html

    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses str input with an encoding declaration
    try:
        tree = lxml_html.document_fromstring(html)
    except Exception as exc:  # lxml raises ParserError / ValueError on junk
        raise ValueError(f"không đọc được HTML (unparsable HTML: {exc})") from None
    for el in tree.xpath("//comment() | //processing-instruction()"):
        _drop(el)
    return tree


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= 200 else line[:200].rsplit(" ", 1)[0] + "…"


def _base_url(tree: Any, url: str | None) -> str | None:
    href = tree.xpath("string(//base/@href)").strip()
    if href and url:
        return urljoin(url, href)
    return url or (href if urlsplit(href).scheme in _DEFAULT_PORTS else None)


def _usable_canonical(canonical: str | None, page_url: str) -> bool:
    """A canonical link names this article: on the same site, and not the site's home
    page (a template that points every page there would merge them all into one)."""
    if not canonical or not _same_host(canonical, page_url):
        return False
    parts = urlsplit(canonical)
    return parts.path.strip("/") != "" or bool(parts.query)


def _canonical_link(tree: Any, base: str | None) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (href := (link.get("href") or "").strip()):
            try:
                return canonical_url(href, base)
            except ValueError:
                return None
    return None


# --- text helpers --------------------------------------------------------------------


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def _key(text: str) -> str:
    return normalize(" ".join(text.split())).casefold().strip(" :|-–—»«")


def _link_text_len(el: Any) -> int:
    return sum(len(_text(a)) for a in el.iter("a"))


def _drop(el: Any) -> None:
    """Remove ``el`` but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _contains(el: Any, other: Any | None) -> bool:
    return other is not None and (el is other or any(a is el for a in other.iterancestors()))


# --- title -------------------------------------------------------------------------

_TITLE_SPLIT = re.compile(r"\s+[-|–—:»]\s+")
_TITLE_TAGS = ("h1", "h2", "h3", "span", "div", "p", "td", "strong", "b", "a")
_LOGO_CLASS = re.compile(r"logo|brand|site-?name|header", re.I)


def _meta(tree: Any, *names: str) -> str | None:
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in names and (value := (el.get("content") or "").strip()):
            return value
    return None


def _find_title(tree: Any) -> tuple[str, Any | None]:
    """The article title and the element showing it (the anchor for date and lead)."""
    og = _meta(tree, "og:title", "twitter:title")
    head = _text(tree.find(".//title")) if tree.find(".//title") is not None else ""
    og_parts = _TITLE_SPLIT.split(og) if og else []
    wanted = [t for t in [og, *og_parts, head, *_TITLE_SPLIT.split(head)] if t and len(t) >= 5]
    keys = {_key(t) for t in wanted}
    body = tree.find("body")
    if body is None:
        return (normalize(wanted[0]) if wanted else ""), None
    h1s = [h for h in body.iter("h1") if _text(h)]
    small = [e for e in body.iter(*_TITLE_TAGS) if len(e) <= 5 and e.tag != "h1"]
    links = [e for e in small if e.tag == "a" or any(a.tag == "a" for a in e.iterancestors())]
    for el in h1s + [e for e in small if e not in links] + links:
        if _key(_text(el)) in keys:
            return normalize(_text(el)), el
    articles_h1 = [h for h in h1s if not _is_logo(h)]
    if len(articles_h1) == 1:
        return normalize(_text(articles_h1[0])), articles_h1[0]
    if wanted:
        return normalize(wanted[0]), None
    from trafilatura.metadata import extract_title

    return normalize(extract_title(tree) or ""), None


def _is_logo(el: Any) -> bool:
    for node in [el, *el.iterancestors()]:
        if node.tag in ("header", "nav") or _LOGO_CLASS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return False


# --- date --------------------------------------------------------------------------

_DMY = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_HM = r"(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})"
_DATE_PATTERNS = (
    re.compile(rf"(?<!\d){_HM}(?!\d)\s*(?:\(GMT[+\d:]*\)\s*)?(?:[,|–-]\s*)?(?:ngày\s*)?{_DMY}(?!\d)", re.I),
    re.compile(rf"(?<!\d){_DMY}(?:\s*(?:[,|–-]|lúc)?\s*{_HM}(?!\d))?", re.I),
    re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I),
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2}))?"),
)
_META_DATES = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "dc.date.issued", "dcterms.issued", "dc.date", "date", "parsely-pub-date",
)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_MAX_META_TEXT = 200  # a date line is short; longer elements are body text


def _find_date(tree: Any, anchor: Any | None, url: str | None) -> tuple[datetime | None, Any | None]:
    """Published date: meta tags, then a date line next to the title, then htmldate.

    Returns the date and the element it was read from near the title (so it can be
    kept out of the body), or None for the element.
    """
    if (value := _meta(tree, *_META_DATES)) and (date := parse_date(value)):
        return date, None
    for script in tree.xpath("//script[@type='application/ld+json']"):
        if (m := _JSONLD_DATE.search(script.text or "")) and (date := parse_date(m.group(1))):
            return date, None
    if anchor is not None:
        found = _date_near(anchor)
        if found[0] is not None:
            return found
    return _htmldate(tree, url), None


def _date_near(anchor: Any) -> tuple[datetime | None, Any | None]:
    """The first date in the short elements after the title (up to the body), else just before."""
    after = anchor.xpath("following::*[position() <= 60]")
    before = list(reversed(anchor.xpath("preceding::*[position() <= 15]")))
    for window in (after, before):
        for el in window:
            if el.tag in ("script", "style"):
                continue
            if el.tag == "time" and (date := parse_date(el.get("datetime") or "")):
                return date, el
            text = _text(el)
            if len(text) > _MAX_META_TEXT:
                if el.tag in ("p", "li"):
                    break  # reached the body
                continue
            if date := parse_date(text):
                return date, el
    return None, None


def parse_date(text: str) -> datetime | None:
    """A date in ISO form or as Vietnamese portals write it ("Thứ Hai, 18/12/2023 08:30",
    "10:20 ngày 02/11/2023", "ngày 5 tháng 3 năm 2024"); aware times become Vietnam
    local time (naive). None if there is none or it is implausible."""
    text = text.strip()
    if not text:
        return None
    iso = _iso_date(text)
    if iso is not None:
        return iso
    for pattern in _DATE_PATTERNS:
        if m := pattern.search(text):
            g = m.groupdict()
            try:
                date = datetime(int(g["y"]), int(g["m"]), int(g["d"]), int(g.get("H") or 0), int(g.get("M") or 0))
            except (TypeError, ValueError):
                continue
            if _plausible(date):
                return date
    return None


def _iso_date(text: str) -> datetime | None:
    try:
        date = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if date.tzinfo is not None:
        if not _plausible(date):  # 0001-01-01T00:00:00+07:00 cannot even be converted
            return None
        date = date.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    return date if _plausible(date) else None


def _plausible(date: datetime) -> bool:
    return 1945 <= date.year <= datetime.now().year + 1


def _htmldate(tree: Any, url: str | None) -> datetime | None:
    from htmldate import find_date

    try:
        found = find_date(deepcopy(tree), extensive_search=False, original_date=True, url=url)
    except Exception:  # htmldate is a best-effort fallback
        return None
    return parse_date(found) if found else None


# --- boilerplate -------------------------------------------------------------------

_ALWAYS_DROP = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "video", "audio", "input", "textarea", "select", "option", "button", "label",
)
_GUARDED_TAGS = ("nav", "aside", "footer", "form", "header", "menu")
_BOILER_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|chia-?se|tags?|tu-?khoa|keywords?|related|relate|"
    r"lien-?quan|tinlienquan|tin-?khac|tinkhac|other-?news|othernews|cung-?chuyen-?muc|"
    r"comments?|binh-?luan|binhluan|y-?kien|ykien|breadcrumbs?|path|menu|topmenu|navbar|nav|"
    r"sidebar|leftcol|rightcol|banner|advert|ads|adv|quang-?cao|footer|print|toolbar|rating|"
    r"vote|pagination|paging|portlet|widget)(?:$|[\s_-])",
    re.I,
)
BOILERPLATE_HEADINGS = frozenset(
    _key(h)
    for h in (
        "Tin liên quan", "Bài liên quan", "Bài viết liên quan", "Tin bài liên quan",
        "Tin cùng chuyên mục", "Bài cùng chuyên mục", "Cùng chuyên mục", "Tin khác",
        "Các tin khác", "Tin tức khác", "Bài viết khác", "Các bài viết khác", "Tin mới",
        "Tin mới nhất", "Tin mới cập nhật", "Tin đọc nhiều", "Đọc nhiều", "Đọc nhiều nhất",
        "Xem nhiều", "Xem nhiều nhất", "Tin xem nhiều", "Tin nổi bật", "Tin tiêu điểm",
        "Xem thêm", "Đọc thêm", "Ý kiến bạn đọc", "Ý kiến", "Bình luận", "Gửi bình luận",
        "Gửi ý kiến", "Viết bình luận", "Từ khóa", "Tags", "Tag", "Chia sẻ",
        "Chia sẻ bài viết", "Liên kết website", "Liên kết", "Thăm dò ý kiến",
        "Lượt truy cập", "Thống kê truy cập", "Thư viện ảnh", "Văn bản mới", "Tin ảnh",
    )
)
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "div", "span", "p", "strong", "b", "td", "th", "a", "li", "dt")
_INLINE = {"span", "strong", "b", "em", "i", "a", "font", "u"}


def _prune(tree: Any, anchor: Any | None) -> None:
    """Remove what is never article text: scripts and form controls, then (unless they
    hold the title or most of the page) navigation, sidebars, related-news lists,
    share bars, comment boxes and footers, found by tag, class/id or Vietnamese heading."""
    for el in list(tree.iter(*_ALWAYS_DROP)):
        _drop(el)
    total = max(1, len(_text(tree)))
    for el in list(tree.iter()):
        if el.getparent() is None or el.tag in ("html", "body") or not isinstance(el.tag, str):
            continue
        if el.tag in _GUARDED_TAGS or _BOILER_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            if not _contains(el, anchor) and len(_text(el)) < 0.5 * total:
                _drop(el)
    for el in list(tree.iter(*_HEADING_TAGS)):
        if _is_attached(el, tree) and len(el) <= 3 and _key(_text(el)) in BOILERPLATE_HEADINGS:
            _drop_headed_block(el, anchor, total)


def _is_attached(el: Any, tree: Any) -> bool:
    return el.getroottree().getroot() is tree


def _drop_headed_block(heading: Any, anchor: Any | None, total: int) -> None:
    """Drop the block a boilerplate heading heads, or the heading and the list after it."""
    node = heading
    while node.getparent() is not None and node.getparent().tag in _INLINE:
        node = node.getparent()
    block = node.getparent() if node.tag in _INLINE or node.tag in ("td", "th", "li", "dt") else node
    if block is node and node.tag in ("h2", "h3", "h4", "h5", "h6", "div", "p"):
        block = node.getparent()  # a heading element: its box is the parent
    if block is None or block.tag in ("html", "body") or _contains(block, anchor):
        _drop(node)
        return
    text_len = len(_text(block))
    if text_len < 0.25 * total or _link_text_len(block) > 0.5 * text_len:
        _drop(block)
        return
    follower = node.getnext()
    _drop(node)
    if follower is not None and _link_text_len(follower) > 0.5 * max(1, len(_text(follower))):
        _drop(follower)


# --- main text ---------------------------------------------------------------------

_PARA_TAGS = {"p", "ul", "ol", "table", "blockquote", "h2", "h3", "h4", "h5", "h6", "pre", "dl"}
_BLOCK_TAGS = {"div", "p", "table", "ul", "ol", "section", "article", "h1", "h2", "h3", "h4", "blockquote"}
_CANDIDATE_TAGS = ("div", "section", "article", "main", "td", "body")
_LEAD_CLASS = re.compile(r"sapo|lead|summary|tomtat|tom-tat|chapeau|intro|excerpt|desc|abstract|teaser", re.I)


def _article_text(tree: Any, anchor: Any | None, date_el: Any | None) -> str:
    """The body text of the best container (with its lead), cleaned by trafilatura."""
    block = _best_block(tree, anchor)
    if block is None:
        return _trafilatura_text(tree)
    article = deepcopy(block)
    unwanted = [c for o, c in zip(block.iter(), article.iter()) if o is anchor or (date_el is not None and o is date_el)]
    for copy in unwanted:
        _drop(copy)
    leads = [_as_block(deepcopy(el)) for el in _leads(block, anchor)]
    from lxml import html as lxml_html

    # The wrapper is marked as the article body so that trafilatura, which looks for
    # the first element of known body markup (itemprop=articleBody, class article-body,
    # entry-content, ...), takes the wrapper itself: were it to find such a class
    # inside the container, it would read that element alone and drop the leads.
    doc = lxml_html.document_fromstring(
        '<html><head></head><body><article itemprop="articleBody"></article></body></html>'
    )
    container = doc.find(".//article")
    container.extend(leads)
    container.append(article)
    return _trafilatura_text(doc)


_LEAD_BOXES = ("div", "section", "td", "th", "tr", "h2", "h3", "h4")


def _as_block(el: Any) -> Any:
    """A lead copy as paragraphs trafilatura keeps: beside a body of ``<p>`` it drops a
    ``<div>`` or table cell of bare text, so every box of the lead holding text but no
    block of its own (a ``<div class="sapo">``, a row or cell of a table layout, an
    ``<h2>`` or ``<strong>`` lead) becomes a ``<p>``; other table parts become ``<div>``."""
    for node in list(el.iter()):
        if not isinstance(node.tag, str) or not (node is el or node.tag in _LEAD_BOXES):
            continue
        if node.tag in _LEAD_BOXES or node is el:
            if not any(d.tag in _BLOCK_TAGS or d.tag in ("tr", "td", "th", "li") for d in node.iterdescendants()):
                if _text(node):
                    node.tag = "p"
            elif node.tag in ("tr", "td", "th"):
                node.tag = "div"
    return el


def _paragraph_score(el: Any) -> int:
    """Text in ``el``'s own paragraphs (link text not counted)."""
    score = len((el.text or "").strip())
    for child in el:
        if not isinstance(child.tag, str):
            continue
        score += len((child.tail or "").strip())
        if child.tag in _PARA_TAGS and not (child.tag in ("table", "ul", "ol") and _has_layout(child)):
            score += max(0, len(_text(child)) - _link_text_len(child))
        elif child.tag in ("div", "font", "center", "span") and not any(
            d.tag in _BLOCK_TAGS for d in child.iterdescendants()
        ):
            score += max(0, len(_text(child)) - _link_text_len(child))
    return score


def _has_layout(el: Any) -> bool:
    return any(d.tag in ("div", "table", "section", "article") for d in el.iterdescendants())


def _best_block(tree: Any, anchor: Any | None = None) -> Any | None:
    scored = [(score, el) for el in tree.iter(*_CANDIDATE_TAGS) if (score := _paragraph_score(el)) > 0]
    best, best_score = None, 0
    for score, el in scored:
        if score > best_score:
            best, best_score = el, score
    if best is None or best_score < MIN_TEXT_CHARS // 2:
        return None
    if _LEAD_CLASS.search(f"{best.get('class', '')} {best.get('id', '')}"):
        # a lead longer than a short body (one paragraph, a list of short lines): the
        # body is the best other block whose lead this is; the lead is added back
        for _, el in sorted(scored, key=lambda pair: -pair[0]):
            if el is best or _contains(el, best) or _contains(best, el):
                continue
            if any(_contains(lead, best) for lead in _leads(el, anchor)):
                return el
    return best


def _leads(block: Any, anchor: Any | None) -> list[Any]:
    """The lead paragraph(s) (sapo) between the title and the body container.

    Looks at the container's preceding siblings, then its parent's, back to the
    title; a lead is marked by its class (``sapo``, ``lead``...) or, once the title
    is reached, is a long link-free paragraph between the title and the body.
    """
    found: list[Any] = []
    node = block
    for _ in range(3):
        for sib in node.itersiblings(preceding=True):
            if _contains(sib, anchor):
                following = set(anchor.xpath("following::*"))
                found.extend(e for e in sib.iterdescendants() if e in following and _is_lead(e, strict=True))
                return _in_order(found)
            if _is_lead(sib, strict=False):
                found.append(sib)
        node = node.getparent()
        if node is None or node.tag == "body" or _contains(node, anchor):
            break
    return _in_order([e for e in found if _is_lead(e, strict=True)])


def _is_lead(el: Any, strict: bool) -> bool:
    if not isinstance(el.tag, str):
        return False
    if _LEAD_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
        return bool(_text(el))
    if strict or el.tag not in ("p", "h2", "h3", "div", "strong", "tr", "td"):
        return False
    text = _text(el)
    return len(text) >= 80 and _link_text_len(el) < 0.3 * len(text) and len(_without_dates(text)) >= 80


def _without_dates(text: str) -> str:
    """``text`` with its dates taken out: a date line is short without them, while a
    lead may well name a day ("Sáng 15/12/2023, Đảng ủy phường ...")."""
    for pattern in _DATE_PATTERNS:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def _in_order(elements: list[Any]) -> list[Any]:
    if not elements:
        return []
    order = {el: i for i, el in enumerate(elements[0].getroottree().iter())}
    unique = {id(e): e for e in elements}.values()
    return sorted(unique, key=lambda e: order.get(e, 0))


def _trafilatura_text(tree: Any) -> str:
    import trafilatura

    doc = trafilatura.bare_extraction(
        tree,
        fast=True,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        with_metadata=False,
        deduplicate=False,
    )
    if doc is None or doc.body is None:
        return ""
    lines = [line for el in doc.body for line in _render(el)]
    return "\n".join(line for line in normalize("\n".join(lines)).split("\n") if line)


def _render(el: Any) -> list[str]:
    """Lines of one element of trafilatura's output tree: a table row per line
    (cells joined by " | "), a list item per line, ``<lb/>`` breaks kept."""
    if el.tag == "table":
        rows = []
        for row in el.iter("row"):
            cells = [_inline(c).replace("\n", " ").strip() for c in row if c.tag == "cell"]
            rows.append(" | ".join(c for c in cells if c))
        return rows
    if el.tag == "list":
        return [line for item in el if item.tag == "item" for line in _render_item(item)]
    return _inline(el).split("\n")


def _render_item(item: Any) -> list[str]:
    own = _inline(item, skip=("list",)).split("\n")
    nested = [line for sub in item.iter("list") if sub is not item for line in _render(sub)]
    return own + nested


def _inline(el: Any, skip: tuple[str, ...] = ()) -> str:
    parts = [el.text or ""]
    for child in el:
        if child.tag in skip:
            parts.append(child.tail or "")
            continue
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in ("table", "list"):
            parts.append("\n" + "\n".join(_render(child)) + "\n")
        else:
            parts.append(_inline(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)
