"""Reading uploaded documents as articles: Word .docx, PDF with a text layer, saved .html.

``read_document(data, name)`` gives one ``Article`` (id = the file's stem) or raises
ValueError with a reason shown to admins, Vietnamese first with the English in
parentheses. Nothing here touches the network or the file system.

* ``.docx`` - paragraphs and table rows (cells joined by " | ") in document order;
  title = the document's Title property, else its first non-empty paragraph.
* ``.pdf`` - the text layer (pypdf); wrapped lines are joined back into paragraphs.
  A scanned PDF (no text layer) or a password-protected one is refused.
* ``.html`` / ``.htm`` - the article in the page (``index.webpage``).
* ``.doc`` - refused with the advice to save it as ``.docx``.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.models import Article
from index.text import normalize

DOCUMENT_SUFFIXES = {".docx", ".pdf", ".html", ".htm"}
OLD_WORD_SUFFIXES = {".doc"}
MAX_TEXT_CHARS = 2_000_000  # as index.corpus.MAX_ARTICLE_CHARS: longer documents are refused
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a .docx inflating to more than this is refused
MAX_TITLE_CHARS = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and password-protected .docx
SAVE_AS_DOCX = "hãy mở bằng Word và lưu lại dưới dạng .docx"


def read_document(data: bytes, name: str, *, origin: str | None = None) -> Article:
    """The article in document ``data`` named ``name`` (its suffix picks the reader)."""
    suffix = Path(name).suffix.lower()
    stem = Path(name).stem
    if suffix in OLD_WORD_SUFFIXES:
        raise ValueError(
            f"tệp Word cũ (.doc) không đọc được: {SAVE_AS_DOCX} (old Word .doc: open it in Word and save as .docx)"
        )
    if suffix == ".docx":
        paragraphs, meta_title = _docx_paragraphs(data)
    elif suffix == ".pdf":
        paragraphs, meta_title = _pdf_paragraphs(data)
    elif suffix in (".html", ".htm"):
        return _html_article(data, stem, origin)
    else:
        raise ValueError(f"định dạng không hỗ trợ (unsupported document type: {suffix or name})")
    title, body = _title_and_body(paragraphs, meta_title)
    return Article(id=stem, title=title, text=body, origin=origin)


def _html_article(data: bytes, stem: str, origin: str | None) -> Article:
    from index.webpage import decode_html, parse_page

    page = parse_page(decode_html(data))
    return Article(id=stem, title=page.title, text=page.text, date=page.date, url=page.canonical, origin=origin)


# --- title and body ----------------------------------------------------------------

_JUNK_TITLE = re.compile(r"^(?:untitled|document|tài liệu|microsoft word|slide \d+)$|\.(?:docx?|pdf|odt|rtf|txt)$", re.I)


def _usable_title(value: str | None) -> str | None:
    """A document's Title property, unless it is a word processor's placeholder."""
    title = normalize(value or "").replace("\n", " ").strip()
    title = re.sub(r"^Microsoft Word\s*-\s*", "", title)
    if len(title) < 3 or _JUNK_TITLE.search(title):
        return None
    return title


def _title_and_body(paragraphs: list[str], meta_title: str | None) -> tuple[str, str]:
    """Title (the Title property, else the first paragraph) and the body after it."""
    lines = [line for p in paragraphs for line in normalize(p).split("\n") if line]
    if not lines:
        raise ValueError("tài liệu không có chữ (empty document)")
    title = _usable_title(meta_title)
    if title is not None:
        body = lines[1:] if lines[0].casefold() == title.casefold() else lines
    elif len(lines[0]) <= MAX_TITLE_CHARS:
        title, body = lines[0], lines[1:]
    else:
        title, body = lines[0][:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…", lines
    text = "\n".join(body) or title
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"tài liệu quá dài ({len(text)} ký tự > {MAX_TEXT_CHARS})")
    return title, text


# --- .docx ---------------------------------------------------------------------------


def _docx_paragraphs(data: bytes) -> tuple[list[str], str | None]:
    """Paragraph texts and table rows in document order, and the Title property."""
    _check_docx_container(data)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[str] = []
        for block in document.iter_inner_content():
            paragraphs.extend(_table_rows(block) if isinstance(block, Table) else [block.text])
        title = document.core_properties.title
    except Exception as exc:  # python-docx raises many kinds on damaged files
        raise ValueError(f"tệp .docx bị hỏng (broken .docx: {type(exc).__name__}: {exc})") from None
    return paragraphs, title


def _check_docx_container(data: bytes) -> None:
    if data.startswith(OLE_MAGIC):
        raise ValueError(
            f"tệp Word cũ (.doc) hoặc có mật khẩu: {SAVE_AS_DOCX}, không đặt mật khẩu "
            "(old .doc or password-protected Word file: save it as .docx without a password)"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValueError("tệp .docx bị hỏng hoặc không phải .docx (broken .docx: not a zip archive)") from None
    if "word/document.xml" not in names:
        raise ValueError("không phải tệp Word .docx (not a .docx: no word/document.xml)")
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ValueError(f"tệp .docx quá lớn khi giải nén (too large uncompressed: {unzipped} bytes)")


def _table_rows(table: Any) -> list[str]:
    """One line per row, merged cells once, cells joined by " | "; nested tables after."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        nested: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
            for inner in cell.tables:
                nested.extend(_table_rows(inner))
        rows.append(" | ".join(c for c in cells if c))
        rows.extend(nested)
    return rows


# --- .pdf ----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_LIST_START = re.compile(
    r"^(?:[-–—•+*▪●○]\s|\(?\d{1,3}[.)]\s|\(?[a-zđ][.)]\s|[IVXLC]+[.)]\s|"
    r"(?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+\b)",
)
_PAGE_NUMBER = re.compile(r"^(?:[-–]\s*)?\d{1,4}(?:\s*[-–])?$|^Trang\s+\d+(?:\s*/\s*\d+)?$", re.I)
SCANNED_PDF = (
    "tệp PDF không có lớp chữ (scanned PDF without a text layer): hãy nhận dạng chữ (OCR) "
    "rồi gửi lại, hoặc gửi bản .docx (run OCR on it or send the .docx)"
)


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's warnings about damaged files (we report our own reason)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _pdf_paragraphs(data: bytes) -> tuple[list[str], str | None]:
    """Paragraphs of a PDF's text layer, and its Title metadata."""
    page_texts, title = _pdf_text(data)
    lines = [line for text in page_texts for line in normalize(text).split("\n")]
    lines = [line for line in lines if not _PAGE_NUMBER.match(line)]  # a page's number alone
    letters = sum(ch.isalpha() for line in lines for ch in line)
    if letters < max(50, 10 * len(page_texts)):
        raise ValueError(SCANNED_PDF)
    return join_lines(lines), title


def _pdf_text(data: bytes) -> tuple[list[str], str | None]:
    import pypdf

    if b"%PDF" not in data[:1024]:
        raise ValueError("không phải tệp PDF (not a PDF: no %PDF header)")
    with _quiet("pypdf"):
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            _unlock(reader)
            texts: list[str] = []
            total = 0
            for page in reader.pages:
                texts.append(page.extract_text() or "")
                total += len(texts[-1])
                if total > MAX_TEXT_CHARS:
                    raise ValueError(f"tài liệu quá dài (> {MAX_TEXT_CHARS} ký tự)")
            title = (reader.metadata or {}).get("/Title")
        except ValueError:
            raise
        except Exception as exc:  # pypdf raises many kinds on damaged files
            raise ValueError(f"tệp PDF bị hỏng (broken PDF: {type(exc).__name__}: {exc})") from None
    if not texts:
        raise ValueError("tệp PDF không có trang nào (PDF without pages)")
    return texts, str(title) if title else None


def _unlock(reader: Any) -> None:
    """Open a PDF that is encrypted with an empty user password (owner restrictions
    only); refuse one that needs a password to read."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES without the cryptography package
        raise ValueError(
            f"tệp PDF được mã hóa, không mở được: hãy gỡ mật khẩu rồi gửi lại "
            f"(encrypted PDF, cannot decrypt: {type(exc).__name__})"
        ) from None
    if not opened:
        raise ValueError(
            "tệp PDF có mật khẩu: hãy gỡ mật khẩu rồi gửi lại "
            "(password-protected PDF: remove the password and resend)"
        )


def join_lines(lines: list[str]) -> list[str]:
    """Paragraphs from line-wrapped text: a line that does not end a sentence is joined
    to the next with a space, unless the next starts a list item or either is a
    heading (all capitals) or the line is short (ends a paragraph early). An empty
    line always ends a paragraph; "Mác-" + "Lênin" joins without the space."""
    longest = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            _flush(current, paragraphs)
            continue
        if current and not _continues(current[-1], line, longest):
            _flush(current, paragraphs)
        current.append(line)
    _flush(current, paragraphs)
    return paragraphs


def _continues(previous: str, line: str, longest: int) -> bool:
    if _LIST_START.match(line):
        return False
    if len(previous) > 1 and previous.endswith("-") and previous[-2].isalpha():
        return True  # a word cut at its hyphen: "Mác-" / "Lênin"
    if _SENTENCE_END.search(previous):
        return False
    if _is_heading(previous) or _is_heading(line):
        return False
    return len(previous) >= 0.6 * longest


def _is_heading(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _flush(current: list[str], paragraphs: list[str]) -> None:
    if not current:
        return
    text = current[0]
    for line in current[1:]:
        joined_word = len(text) > 1 and text.endswith("-") and text[-2].isalpha()
        text = text + line if joined_word else f"{text} {line}"
    paragraphs.append(text)
    current.clear()
