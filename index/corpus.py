"""Reading articles from corpus files: portal text, JSONL, plain .txt/.md, documents.

``read_corpus(paths)`` yields ``Article`` values and ``ReadError`` values in file
order; a bad file or line becomes one ``ReadError`` naming it and the reason, and
reading goes on with the rest. ``read_bytes`` reads one file's bytes already in
memory (a bot upload) the same way. Documents (.docx, .pdf, .html) are one article
each (``index.documents``); an old Word .doc gives a ``ReadError`` with advice.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from index.documents import DOCUMENT_SUFFIXES, OLD_WORD_SUFFIXES, read_document
from index.models import Article
from index.text import normalize

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | DOCUMENT_SUFFIXES | OLD_WORD_SUFFIXES
MAX_FILE_BYTES = 200 * 1024 * 1024  # a corpus file bigger than this is refused
MAX_ARTICLE_CHARS = 2_000_000  # one article longer than this is refused

_PORTAL_META = re.compile(
    r"^Ngày đăng\s+(\d{1,2})/(\d{1,2})/(\d{4})\s*(?:\|\s*(\d{1,2}):(\d{2}))?\s*"
    r"(?:\|\s*Lượt xem:\s*([\d.,]+))?\s*$"
)


@dataclass(frozen=True)
class ReadError:
    """A file or line that could not be read as an article."""

    where: str  # "path" or "path:line"
    reason: str


def iter_files(paths: Iterable[Path]) -> Iterator[Path | ReadError]:
    """Corpus files under ``paths`` (folders recursively, sorted), or errors for bad paths."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path, onerror=None):
                dirs.sort()
                if not os.access(root, os.R_OK | os.X_OK):
                    yield ReadError(root, "thư mục không đọc được (permission denied)")
                    continue
                for name in sorted(files):
                    p = Path(root) / name
                    if p.suffix.lower() in SUFFIXES and not _skipped_name(name):
                        found.append(p)
            yield from found
        elif path.is_file():
            yield path
        else:
            yield ReadError(str(path), "không tìm thấy tệp hoặc thư mục (not found)")


def _skipped_name(name: str) -> bool:
    """Hidden files and a folder's README (its documentation) are not articles."""
    return name.startswith(".") or name.lower().startswith("readme.")


def decode(data: bytes, where: str) -> str:
    """Decode corpus bytes as UTF-8 (BOM allowed) or UTF-16 with BOM; else raise ValueError."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(f"UTF-16 không hợp lệ (invalid UTF-16): {exc.reason}") from None
    if b"\x00" in data[:4096]:
        raise ValueError("tệp nhị phân, không phải văn bản (binary file)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"không phải UTF-8 (not UTF-8 at byte {exc.start}); "
            "hãy chuyển sang UTF-8 (legacy encodings such as Windows-1258/TCVN3 are not read)"
        ) from None


def read_file(path: Path) -> Iterator[Article | ReadError]:
    """Articles in one corpus file; errors name the file (and line for JSONL)."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield ReadError(where, f"tệp quá lớn ({size} bytes > {MAX_FILE_BYTES})")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ReadError(where, f"không đọc được tệp: {exc.strerror or exc}")
        return
    yield from read_bytes(data, path.name, origin=where)


def read_bytes(data: bytes, name: str, *, origin: str | None) -> Iterator[Article | ReadError]:
    """Articles in one file's bytes; ``name``'s suffix picks the format, its stem is the
    id of a single-article file. Articles get ``origin`` (None for uploads stored
    straight in the database); errors name ``origin`` or else ``name``."""
    where = origin or name
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        yield ReadError(where, f"tệp quá lớn ({len(data)} bytes > {MAX_FILE_BYTES})")
        return
    if suffix in DOCUMENT_SUFFIXES or suffix in OLD_WORD_SUFFIXES:
        yield _read_document(data, name, origin, where)
        return
    try:
        raw = decode(data, where)
    except ValueError as exc:
        yield ReadError(where, str(exc))
        return
    if suffix in JSONL_SUFFIXES:
        if not raw.strip():
            yield ReadError(where, "tệp rỗng (empty file)")
            return
        yield from _parse_jsonl(raw, where, origin)
        return
    try:
        yield parse_text(raw, article_id=Path(name).stem, origin=origin)
    except ValueError as exc:
        yield ReadError(where, str(exc))


def _read_document(data: bytes, name: str, origin: str | None, where: str) -> Article | ReadError:
    try:
        article = read_document(data, name, origin=origin)
    except ValueError as exc:
        return ReadError(where, str(exc))
    if len(article.text) > MAX_ARTICLE_CHARS:
        return ReadError(where, f"bài quá dài ({len(article.text)} ký tự > {MAX_ARTICLE_CHARS})")
    return article


def read_corpus(paths: Iterable[Path]) -> Iterator[Article | ReadError]:
    for item in iter_files(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_file(item)


def count_articles(paths: Iterable[Path]) -> int:
    """About how many articles ``read_corpus`` will yield (lines of JSONL, 1 a text file
    or document)."""
    total = 0
    for item in iter_files(paths):
        if isinstance(item, ReadError):
            continue
        if item.suffix.lower() not in JSONL_SUFFIXES:
            total += 1
            continue
        try:
            with open(item, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    total += chunk.count(b"\n")
        except OSError:
            pass
    return total


def parse_text(raw: str, *, article_id: str, origin: str | None = None) -> Article:
    """A .txt/.md article: the portal format of the seed, or title line + body."""
    text = normalize(raw)
    lines = [line for line in text.split("\n")]
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        raise ValueError("tệp rỗng (empty file)")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(f"bài quá dài ({len(text)} ký tự > {MAX_ARTICLE_CHARS})")
    portal = _parse_portal(lines, nonblank)
    if portal is not None:
        category, title, date, views, body_from = portal
    else:
        category, date, views = None, None, None
        title = lines[nonblank[0]].lstrip("# ").strip()
        body_from = nonblank[0] + 1
    body = _join_paragraphs(lines[body_from:])
    if not body:
        body = title
    return Article(
        id=article_id,
        title=title,
        text=body,
        date=date,
        category=category,
        views=views,
        origin=origin,
    )


def _parse_portal(
    lines: list[str], nonblank: list[int]
) -> tuple[str, str, datetime | None, int | None, int] | None:
    """Category, title, ``Ngày đăng DD/MM/YYYY | HH:MM | Lượt xem: N``, then body."""
    if len(nonblank) < 3:
        return None
    m = _PORTAL_META.match(lines[nonblank[2]])
    if not m:
        return None
    day, month, year, hour, minute, views = m.groups()
    try:
        date = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        date = None
    n_views = int(re.sub(r"[.,]", "", views)) if views else None
    return lines[nonblank[0]], lines[nonblank[1]], date, n_views, nonblank[2] + 1


def _join_paragraphs(lines: list[str]) -> str:
    return "\n".join(line for line in lines if line)


def parse_jsonl(raw: str, where: str) -> Iterator[Article | ReadError]:
    """Articles of JSONL text read from file ``where`` (their origin)."""
    return _parse_jsonl(raw, where, where)


def _parse_jsonl(raw: str, where: str, origin: str | None) -> Iterator[Article | ReadError]:
    for lineno, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        loc = f"{where}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(loc, f"dòng không phải JSON (invalid JSON: {exc.msg})")
            continue
        try:
            yield article_from_json(obj, origin=origin)
        except ValueError as exc:
            yield ReadError(loc, str(exc))


def article_from_json(obj: object, *, origin: str | None = None) -> Article:
    if not isinstance(obj, dict):
        raise ValueError("dòng JSON không phải object")
    art_id = obj.get("id")
    text = obj.get("text")
    if art_id is None or (isinstance(art_id, str) and not art_id.strip()):
        raise ValueError("thiếu trường 'id' (missing id)")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("thiếu trường 'text' hoặc text rỗng (missing text)")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(f"bài quá dài ({len(text)} ký tự > {MAX_ARTICLE_CHARS})")
    body = _join_paragraphs(normalize(text).split("\n"))
    title = obj.get("title") or ""
    return Article(
        id=str(art_id).strip(),
        title=normalize(str(title)).replace("\n", " ").strip(),
        text=body,
        date=_parse_date(obj.get("date")),
        url=_str_or_none(obj.get("url")),
        category=_str_or_none(obj.get("category")),
        source=_str_or_none(obj.get("source")),
        origin=origin,
    )


def _str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _parse_date(value: object) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(value[:19] if "T" in value else value, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
