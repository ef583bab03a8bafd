"""A fake Telegram Bot API server for tests.

``FakeBotAPI`` runs a real HTTP server on ``127.0.0.1`` (random free port) in a
background thread, so it works both with a python-telegram-bot ``Application``
running on the test's own asyncio event loop and with a bot running in a
subprocess.  Point python-telegram-bot at it with::

    fake = FakeBotAPI().start()
    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(f"{fake.url}/bot")            # == fake.base_url
        .base_file_url(f"{fake.url}/file/bot")  # == fake.base_file_url
        .build()
    )

PTB appends the token to both base URLs (``Bot._parse_base_url``), then builds
``{base_url}{token}/{method}`` for API calls, and turns the ``file_path`` of a
``getFile`` result into ``{base_file_url}{token}/{file_path}`` for downloads.

The server enforces the Telegram rules a bot most often breaks (message
length, HTML markup, callback_data size, editing, ...).  A breach gets the
same HTTP status and description Telegram would send (so PTB raises
``BadRequest``/``InvalidToken``/...), and is also appended to
``fake.errors`` so a test can ``assert fake.errors == []`` even when the bot
swallowed the exception.

Deliberate deviations from the real server:

* With ``strict_html_entities=True`` (the default) a bare ``&`` or an unknown
  named entity such as ``&nbsp;`` is rejected.  Telegram itself keeps such an
  ``&`` literally, but text that contains one almost always means the bot
  forgot ``html.escape``, which *will* break on the next ``<``.
* Lengths are counted in UTF-16 code units (as Telegram counts entity
  offsets); this is never more lenient than counting code points.
* ``setWebhook`` accepts plain ``http://`` URLs on any port.
* Markdown / MarkdownV2 text is not validated (its raw length is checked).
* ``sendPhoto`` accepts PNG uploads only (the bot sends nothing else).
* ``answerInlineQuery`` validates ``article`` results with text content in
  depth; other result types only get the id checks.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
import json
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

T = TypeVar("T")

__all__ = [
    "ApiViolation",
    "FakeBotAPI",
    "HtmlParseError",
    "SentCall",
    "UploadedFile",
    "parse_telegram_html",
    "post_webhook",
    "utf16_len",
]

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile refuses bigger files
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_PHOTO_SIZE = 10 * 1024 * 1024  # sendPhoto's limit for an upload
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for offsets)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# --------------------------------------------------------------------------
# Telegram HTML parsing (modelled on tdlib's parse_html)
# --------------------------------------------------------------------------


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(exc)`` is tdlib's reason."""


_HTML_SPACE = " \t\r\n\f\v\0"
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z][a-zA-Z0-9]{0,31});")
_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(text: str, i: int, strict: bool) -> tuple[str | None, int]:
    """Decode the HTML entity at ``text[i] == '&'``; return (char, next index)."""
    m = _ENTITY_RE.match(text, i)
    if m:
        name = m.group(1)
        if name[0] == "#":
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), m.end()
        elif name in _NAMED_ENTITIES:
            return _NAMED_ENTITIES[name], m.end()
    if strict:
        raise HtmlParseError(
            f'Unsupported HTML entity or unescaped "&" at byte offset {_byte_offset(text, i)} '
            "(only &lt; &gt; &amp; &quot; and numeric entities are allowed)"
        )
    return None, i


def parse_telegram_html(text: str, *, strict_entities: bool = True) -> tuple[str, list[dict]]:
    """Parse Telegram-flavoured HTML into (visible text, message entities).

    Raises :class:`HtmlParseError` with a tdlib-like reason when Telegram would
    answer "Bad Request: can't parse entities: ...".  Entity offsets and
    lengths are in UTF-16 code units.  The returned text is not trimmed.
    """
    out: list[str] = []
    pos16 = 0  # utf-16 length of out
    stack: list[dict] = []
    entities: list[dict] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded, j = _decode_entity(text, i, strict_entities)
            if decoded is not None:
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i = j
                continue
        if ch != "<":
            out.append(ch)
            pos16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue

        begin = i
        boff = _byte_offset(text, begin)
        i += 1
        if i < n and text[i] == "/":
            # ---- end tag
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {boff}")
            i += 1
            while i < n and text[i] not in _HTML_SPACE and text[i] != ">":
                i += 1
            end_name = text[begin + 2 : i].lower()
            while i < n and text[i] in _HTML_SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {boff}")
            i += 1
            top = stack[-1]
            if end_name and end_name != top["tag"]:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {boff}, expected "</{top["tag"]}>", '
                    f'found "</{end_name}>"'
                )
            stack.pop()
            length = pos16 - top["offset"]
            if length > 0:
                entity = _make_entity(top, length, stack)
                if entity is not None:
                    entities.append(entity)
            continue

        # ---- start tag
        while i < n and text[i] not in _HTML_SPACE and text[i] != ">":
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {boff}")
        tag = text[begin + 1 : i].lower()
        if tag not in _SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {boff}')
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i] in _HTML_SPACE:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {boff}")
            if text[i] == ">":
                i += 1
                break
            attr_begin = i
            while i < n and text[i] not in _HTML_SPACE and text[i] not in "=>":
                i += 1
            attr = text[attr_begin:i].lower()
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {boff}'
                )
            while i < n and text[i] in _HTML_SPACE:
                i += 1
            if i < n and text[i] != "=" and tag == "blockquote" and attr == "expandable":
                attrs[attr] = ""
                continue
            if i >= n or text[i] != "=":
                raise HtmlParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {boff}'
                )
            i += 1
            while i < n and text[i] in _HTML_SPACE:
                i += 1
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {boff}')
            if text[i] not in "'\"":
                token_begin = i
                while i < n and (text[i].isalnum() or text[i] in ".-"):
                    i += 1
                value = text[token_begin:i].lower()
                if i >= n or (text[i] not in _HTML_SPACE and text[i] != ">"):
                    raise HtmlParseError(
                        "Unexpected end of name token at byte offset "
                        f"{_byte_offset(text, token_begin)}"
                    )
            else:
                quote = text[i]
                i += 1
                chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded, j = _decode_entity(text, i, strict_entities)
                        if decoded is not None:
                            chars.append(decoded)
                            i = j
                            continue
                    chars.append(text[i])
                    i += 1
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {boff}")
                i += 1
                value = "".join(chars)
            attrs[attr] = value

        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {boff}')
        stack.append({"tag": tag, "attrs": attrs, "offset": pos16, "language": None})

    if stack:
        raise HtmlParseError(f"Can't find end tag corresponding to start tag {stack[-1]['tag']}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _make_entity(item: dict, length: int, stack: list[dict]) -> dict | None:
    tag = item["tag"]
    attrs = item["attrs"]
    entity: dict[str, Any] = {
        "type": _TAG_ENTITY_TYPES[tag],
        "offset": item["offset"],
        "length": length,
    }
    if tag == "a":
        href = attrs.get("href", "")
        if not href:
            return None
        entity["url"] = href
    elif tag == "code":
        cls = attrs.get("class", "")
        if cls.startswith("language-") and stack and stack[-1]["tag"] == "pre":
            stack[-1]["language"] = cls[len("language-") :]
            return None
    elif tag == "pre":
        if item["language"]:
            entity["language"] = item["language"]
    elif tag == "blockquote":
        if "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    return entity


def _trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram strips leading/trailing whitespace from message texts."""
    stripped = text.strip(" \t\r\n\f\v")
    if stripped == text:
        return text, entities
    left = utf16_len(text[: len(text) - len(text.lstrip(" \t\r\n\f\v"))])
    total = utf16_len(stripped)
    fixed = []
    for ent in entities:
        start = max(ent["offset"] - left, 0)
        end = min(ent["offset"] + ent["length"] - left, total)
        if end > start:
            fixed.append({**ent, "offset": start, "length": end - start})
    return stripped, fixed


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclasses.dataclass
class UploadedFile:
    """A file part of a multipart/form-data request."""

    field: str
    filename: str | None
    content: bytes
    content_type: str | None = None


@dataclasses.dataclass
class SentCall:
    """One Bot API call made by the bot (getUpdates polls are not recorded)."""

    method: str
    params: dict[str, Any]
    ok: bool
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    files: dict[str, UploadedFile] = dataclasses.field(default_factory=dict)
    at: float = dataclasses.field(default_factory=time.monotonic)

    @property
    def message(self) -> dict | None:
        """The Message object returned by the call, if any."""
        if isinstance(self.result, dict) and "message_id" in self.result:
            return self.result
        return None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        return self.params.get("text")


@dataclasses.dataclass
class ApiViolation:
    """A request the real Telegram server would have refused."""

    method: str
    error_code: int
    description: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method}: {self.error_code} {self.description} (params={self.params!r})"


class _ApiError(Exception):
    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict | None = None,
        *,
        violation: bool = True,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters
        self.violation = violation


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclasses.dataclass
class _StoredMessage:
    message: dict
    from_bot: bool
    raw_text: str | None = None
    parse_mode: str | None = None
    deleted: bool = False
    history: list[dict] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_size: int
    file_name: str | None
    mime_type: str | None


# --------------------------------------------------------------------------
# Request parsing helpers
# --------------------------------------------------------------------------

# Parameters whose form-encoded value is a plain string, never JSON.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "next_offset",
        "url",
        "secret_token",
        "file_id",
        "inline_message_id",
        "action",
        "language_code",
        "ip_address",
        "description",
        "short_description",
        "name",
        "emoji",
        "title",
        "question",
        "business_connection_id",
        "message_effect_id",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "certificate",
    }
)


def _coerce(key: str, raw: str) -> Any:
    """PTB form-encodes strings as-is and everything else as JSON."""
    if key in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


_DISPOSITION_PARAM_RE = re.compile(r'(\w+)=(?:"([^"]*)"|([^;\s]*))')


def _parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise _bad("can't parse multipart/form-data: no boundary")
    delimiter = b"\r\n--" + m.group(1).encode("latin-1")
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    chunks = (b"\r\n" + body).split(delimiter)
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, _, content = chunk.partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = {
            m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _DISPOSITION_PARAM_RE.finditer(headers.get("content-disposition", ""))
        }
        name = disposition.get("name")
        if not name:
            continue
        name = name.replace("%22", '"')
        if "filename" in disposition:
            files[name] = UploadedFile(
                field=name,
                filename=disposition["filename"].replace("%22", '"'),
                content=content,
                content_type=headers.get("content-type"),
            )
        else:
            params[name] = _coerce(name, content.decode("utf-8", "replace"))
    return params, files


def _url_opener() -> urllib.request.OpenerDirector:
    # Never route 127.0.0.1 traffic through an HTTP proxy from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post_webhook(
    url: str,
    update: dict,
    secret: str | None = None,
    *,
    timeout: float = 5.0,
) -> int:
    """POST ``update`` as JSON to a bot's webhook URL like Telegram does.

    ``secret`` is sent in the ``X-Telegram-Bot-Api-Secret-Token`` header.
    Returns the HTTP status code (errors are returned, not raised).
    """
    request = urllib.request.Request(
        url,
        data=json.dumps(update).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if secret is not None:
        request.add_header(SECRET_HEADER, secret)
    try:
        with _url_opener().open(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code


# --------------------------------------------------------------------------
# HTTP layer
# --------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # PTB opens many connections at once when sending concurrently
    fake: FakeBotAPI


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two sends: without TCP_NODELAY each response waits
    # for the peer's delayed ACK (~40 ms on loopback)
    disable_nagle_algorithm = True
    server: _Server
    server_version = "FakeBotAPI/1.0"

    def setup(self) -> None:
        super().setup()
        self.server.fake._register_connection(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._unregister_connection(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            # The client went away (e.g. PTB cancelled a long poll); nothing to do.
            self.close_connection = True

    def _send_json(self, status: int, payload: dict) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        self._dispatch(self._read_body())

    def _dispatch(self, body: bytes) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        path = split.path
        if path.startswith("/file/bot"):
            status, content = fake._download(path[len("/file/bot") :])
            if status == 200:
                self._send(200, content, "application/octet-stream")
            else:
                self._send_json(status, json.loads(content))
            return
        if not path.startswith("/bot"):
            self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, _, method = unquote(path[len("/bot") :]).partition("/")
        try:
            params, files = self._parse_params(body, split.query)
        except _ApiError as exc:
            self._send_json(exc.error_code, fake._error_payload(exc))
            return
        status, payload = fake._handle_api(token, method, params, files)
        self._send_json(status, payload)

    def _parse_params(
        self, body: bytes, query: str
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = {
            k: _coerce(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
        }
        files: dict[str, UploadedFile] = {}
        content_type = self.headers.get("Content-Type", "")
        ctype = content_type.split(";")[0].strip().lower()
        if not body:
            return params, files
        if ctype == "application/json":
            try:
                data = json.loads(body.decode("utf-8"))
            except ValueError as exc:
                raise _bad(f"can't parse JSON request body: {exc}") from exc
            if not isinstance(data, dict):
                raise _bad("JSON request body must be an object")
            params.update(data)
        elif ctype == "multipart/form-data":
            form, files = _parse_multipart(body, content_type)
            params.update(form)
        else:  # application/x-www-form-urlencoded (PTB's default) or unspecified
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            params.update({k: _coerce(k, v) for k, v in pairs})
        return params, files


# --------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------


class FakeBotAPI:
    """A fake Telegram Bot API server on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        *,
        token: str = "123456789:TEST-hoidap-fake-token",
        username: str = "hoidap_test_bot",
        first_name: str = "Hỏi đáp (test)",
        strict_html_entities: bool = True,
        deliver_webhooks: bool = False,
    ) -> None:
        self.token = token
        bot_id_part = token.split(":", 1)[0]
        self.bot_id = int(bot_id_part) if bot_id_part.isdigit() else 123456789
        self.username = username
        self.first_name = first_name
        self.strict_html_entities = strict_html_entities
        self.deliver_webhooks = deliver_webhooks

        #: Every non-getUpdates call the bot made, in order (live list).
        self.sent: list[SentCall] = []
        #: Every request the real Telegram would have refused (live list).
        self.errors: list[ApiViolation] = []
        #: How many times each method was called (including getUpdates).
        self.call_counts: dict[str, int] = {}
        #: (update_id, HTTP status or exception text) of webhook deliveries.
        self.webhook_deliveries: list[tuple[int, int | str]] = []

        self.webhook_url: str = ""
        self.webhook_secret: str | None = None
        self.webhook_allowed_updates: list[str] | None = None
        self.commands: dict[str, list[dict]] = {}

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._pending: list[dict] = []
        self._update_ids = itertools.count(100_000_001)
        self._callback_ids = itertools.count(1)
        self._inline_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, dict] = {}
        self._store: dict[int, dict[int, _StoredMessage]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._open_callbacks: dict[str, dict] = {}
        self._open_inline_queries: dict[str, dict] = {}
        self._failures: dict[str, list[_ApiError]] = {}
        self._blocked: set[int] = set()
        self._poll_generation = 0
        self._stopping = False

        self._server: _Server | None = None
        self._serve_thread: threading.Thread | None = None
        self._delivery_thread: threading.Thread | None = None
        self._connections: dict[socket.socket, threading.Thread] = {}

        self._methods: dict[str, Callable[[dict, dict], Any]] = {
            "getme": self._m_get_me,
            "logout": self._m_true,
            "close": self._m_true,
            "getupdates": self._m_get_updates,
            "setwebhook": self._m_set_webhook,
            "deletewebhook": self._m_delete_webhook,
            "getwebhookinfo": self._m_get_webhook_info,
            "setmycommands": self._m_set_my_commands,
            "getmycommands": self._m_get_my_commands,
            "deletemycommands": self._m_delete_my_commands,
            "sendmessage": self._m_send_message,
            "editmessagetext": self._m_edit_message_text,
            "editmessagereplymarkup": self._m_edit_message_reply_markup,
            "deletemessage": self._m_delete_message,
            "answercallbackquery": self._m_answer_callback_query,
            "answerinlinequery": self._m_answer_inline_query,
            "sendchataction": self._m_send_chat_action,
            "senddocument": self._m_send_document,
            "sendphoto": self._m_send_photo,
            "getfile": self._m_get_file,
        }

    # ------------------------------------------------------------------ life cycle

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (only valid after :meth:`start`)."""
        if self._server is None:
            raise RuntimeError("FakeBotAPI is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping = False
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._serve_thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeBotAPI-server",
            daemon=True,
        )
        self._serve_thread.start()
        if self.deliver_webhooks:
            self._delivery_thread = threading.Thread(
                target=self._deliver_loop, name="FakeBotAPI-webhook", daemon=True
            )
            self._delivery_thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop serving, drop open connections and join every thread."""
        server = self._server
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        server.shutdown()
        deadline = time.monotonic() + timeout
        # Keep-alive connections park their handler thread in a blocking read:
        # shut the sockets down so those threads exit, then join them.
        while time.monotonic() < deadline:
            with self._lock:
                connections = list(self._connections.items())
            if not connections:
                break
            for conn, _thread in connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            for _conn, thread in connections:
                thread.join(max(0.0, min(0.5, deadline - time.monotonic())))
        for thread in (self._serve_thread, self._delivery_thread):
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        server.server_close()
        self._server = None
        self._serve_thread = None
        self._delivery_thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.stop)

    def threads(self) -> list[threading.Thread]:
        """Threads owned by this fake that are still alive (for leak checks)."""
        with self._lock:
            owned = list(self._connections.values())
        owned += [t for t in (self._serve_thread, self._delivery_thread) if t is not None]
        return [t for t in owned if t.is_alive()]

    def _register_connection(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections[conn] = threading.current_thread()

    def _unregister_connection(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.pop(conn, None)

    # ------------------------------------------------------------------ test-side API

    def bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,  # as after BotFather's /setinline
        }

    def fail_next(
        self,
        method: str,
        *,
        retry_after: int | None = None,
        error_code: int | None = None,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        With ``retry_after`` the answer is Telegram's flood error (429 with
        ``parameters.retry_after``); otherwise ``error_code`` (default 400) and
        ``description``.  Injected failures are not added to :attr:`errors`.
        """
        if retry_after is not None:
            error = _ApiError(
                error_code or 429,
                description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
                violation=False,
            )
        else:
            error = _ApiError(
                error_code or 400,
                description or "Bad Request: injected failure",
                violation=False,
            )
        with self._lock:
            self._failures.setdefault(method.lower(), []).extend([error] * times)

    def block_chat(self, chat_id: int) -> None:
        """Answer 403 "bot was blocked by the user" to sends into ``chat_id``."""
        with self._lock:
            self._blocked.add(chat_id)

    def user(
        self, user_id: int, username: str | None = None, first_name: str | None = None
    ) -> dict:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User{user_id}",
            "language_code": "vi",
        }
        if username:
            user["username"] = username
        return user

    def _chat(
        self,
        chat_id: int,
        chat_type: str | None = None,
        *,
        username: str | None = None,
        first_name: str | None = None,
        title: str | None = None,
    ) -> dict:
        with self._lock:
            known = self._chats.get(chat_id)
            if known is not None and (chat_type is None or known["type"] == chat_type):
                return known
            chat_type = chat_type or ("private" if chat_id > 0 else "group")
            chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = first_name or f"User{chat_id}"
                if username:
                    chat["username"] = username
            else:
                chat["title"] = title or f"Chat {chat_id}"
            self._chats[chat_id] = chat
            return chat

    def _new_message_id(self, chat_id: int) -> int:
        with self._lock:
            message_id = self._next_message_id.get(chat_id, 1)
            self._next_message_id[chat_id] = message_id + 1
            return message_id

    def _store_message(self, chat_id: int, stored: _StoredMessage) -> None:
        with self._cond:
            self._store.setdefault(chat_id, {})[stored.message["message_id"]] = stored
            self._cond.notify_all()

    def message_update(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        username: str | None = None,
        first_name: str | None = None,
        entities: list[dict] | None = None,
        extra: dict | None = None,
    ) -> dict:
        """Build (but do not queue) a ``message`` update sent by a user."""
        chat = self._chat(chat_id, chat_type, username=username, first_name=first_name)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id, username, first_name),
            "text": text,
        }
        if entities is None:
            m = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?", text)
            entities = (
                [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}] if m else []
            )
        if entities:
            message["entities"] = entities
        if extra:
            message.update(extra)
        self._store_message(chat_id, _StoredMessage(message=message, from_bot=False))
        return {"update_id": next(self._update_ids), "message": copy.deepcopy(message)}

    def callback_update(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        username: str | None = None,
    ) -> dict:
        """Build (but do not queue) a ``callback_query`` update.

        ``message`` is the current state of the bot message ``message_id``; an
        unknown message is sent as an inaccessible message (date 0), as Telegram
        does for old messages.
        """
        with self._lock:
            stored = self._store.get(chat_id, {}).get(message_id)
            if stored is not None and not stored.deleted:
                message = copy.deepcopy(stored.message)
            else:
                message = {"message_id": message_id, "date": 0, "chat": self._chat(chat_id)}
            query_id = f"{self.bot_id}{next(self._callback_ids):08d}"
            query = {
                "id": query_id,
                "from": self.user(user_id, username),
                "message": message,
                "chat_instance": str(abs(hash((self.bot_id, chat_id))) % 10**18),
                "data": data,
            }
            self._open_callbacks[query_id] = query
        return {"update_id": next(self._update_ids), "callback_query": copy.deepcopy(query)}

    def inline_query_update(
        self,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        chat_type: str | None = "sender",
        username: str | None = None,
    ) -> dict:
        """Build (but do not queue) an ``inline_query`` update (``@bot query`` typed
        in a chat of ``chat_type``: "sender" is the private chat with the bot itself).

        The query stays open until the bot answers it once (a second answer fails
        like on Telegram); its id is ``update["inline_query"]["id"]``.
        """
        with self._lock:
            query_id = f"{self.bot_id}{next(self._inline_ids):010d}"
            inline: dict[str, Any] = {
                "id": query_id,
                "from": self.user(user_id, username),
                "query": query,
                "offset": offset,
            }
            if chat_type is not None:
                inline["chat_type"] = chat_type
            self._open_inline_queries[query_id] = inline
        return {"update_id": next(self._update_ids), "inline_query": copy.deepcopy(inline)}

    def register_file(
        self,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
        kind: str = "documents",
    ) -> dict:
        """Store a file the bot may getFile/download; returns a Document dict.

        ``file_size`` overrides the reported size (e.g. to test the 20 MB
        getFile limit without allocating 20 MB).
        """
        with self._lock:
            number = next(self._file_ids)
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + re.sub(r"[^A-Za-z0-9]", "", file_name.rsplit(".", 1)[1])[:10]
        stored = _StoredFile(
            file_id=f"BQACAgFAKE{number:06d}{self.bot_id}",
            file_unique_id=f"AgADFAKE{number:06d}",
            file_path=f"{kind}/file_{number}{suffix}",
            content=bytes(content),
            file_size=len(content) if file_size is None else file_size,
            file_name=file_name,
            mime_type=mime_type,
        )
        with self._lock:
            self._files[stored.file_id] = stored
            self._files_by_path[stored.file_path] = stored
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        return document

    def document_update(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str,
        *,
        caption: str | None = None,
        chat_type: str = "private",
        username: str | None = None,
        file_size: int | None = None,
    ) -> dict:
        """Build (but do not queue) a ``message`` update carrying a document."""
        document = self.register_file(
            content, file_name=file_name, mime_type=mime_type, file_size=file_size
        )
        chat = self._chat(chat_id, chat_type, username=username)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id, username),
            "document": document,
        }
        if caption is not None:
            message["caption"] = caption
        self._store_message(chat_id, _StoredMessage(message=message, from_bot=False))
        return {"update_id": next(self._update_ids), "message": copy.deepcopy(message)}

    def observe(self, update: dict) -> None:
        """Remember the user message of a hand-made update (so the bot may reply to it)."""
        message = update.get("message") or update.get("edited_message")
        if not isinstance(message, dict):
            return
        chat_id = (message.get("chat") or {}).get("id")
        message_id = message.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            return
        with self._cond:
            self._chats.setdefault(chat_id, copy.deepcopy(message["chat"]))
            chat_store = self._store.setdefault(chat_id, {})
            if message_id not in chat_store:
                chat_store[message_id] = _StoredMessage(
                    message=copy.deepcopy(message), from_bot=False
                )
            if self._next_message_id.get(chat_id, 1) <= message_id:
                self._next_message_id[chat_id] = message_id + 1
            self._cond.notify_all()

    def push_update(self, update: dict) -> int:
        """Queue a raw update (it gets an ``update_id`` if missing)."""
        update = copy.deepcopy(update)
        update.setdefault("update_id", next(self._update_ids))
        self.observe(update)
        with self._cond:
            self._pending.append(update)
            self._pending.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()
        return update["update_id"]

    def push_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        username: str | None = None,
        entities: list[dict] | None = None,
        first_name: str | None = None,
        extra: dict | None = None,
    ) -> int:
        """Queue a text message from a user; returns its ``update_id``.

        A text starting with ``/command`` gets a ``bot_command`` entity at
        offset 0 unless ``entities`` is given.
        """
        return self.push_update(
            self.message_update(
                chat_id,
                user_id,
                text,
                chat_type=chat_type,
                username=username,
                first_name=first_name,
                entities=entities,
                extra=extra,
            )
        )

    def push_callback(
        self, chat_id: int, user_id: int, message_id: int, data: str, *, username: str | None = None
    ) -> int:
        """Queue an inline-button press on bot message ``message_id``."""
        return self.push_update(
            self.callback_update(chat_id, user_id, message_id, data, username=username)
        )

    def push_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        chat_type: str | None = "sender",
        username: str | None = None,
    ) -> str:
        """Queue an inline query; returns the query's id (see :meth:`inline_answer`)."""
        update = self.inline_query_update(
            user_id, query, offset=offset, chat_type=chat_type, username=username
        )
        self.push_update(update)
        return update["inline_query"]["id"]

    def push_document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str,
        *,
        caption: str | None = None,
        chat_type: str = "private",
        username: str | None = None,
        file_size: int | None = None,
    ) -> int:
        """Queue a document message; the bot can getFile + download it."""
        return self.push_update(
            self.document_update(
                chat_id,
                user_id,
                file_name,
                content,
                mime_type,
                caption=caption,
                chat_type=chat_type,
                username=username,
                file_size=file_size,
            )
        )

    def post_webhook(
        self, url: str, update: dict, secret: str | None = None, *, timeout: float = 5.0
    ) -> int:
        """See the module-level :func:`post_webhook`; also :meth:`observe` s the update."""
        self.observe(update)
        return post_webhook(url, update, secret, timeout=timeout)

    @property
    def pending_updates(self) -> list[dict]:
        """Updates queued and not yet confirmed by the bot."""
        with self._lock:
            return copy.deepcopy(self._pending)

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[dict]:
        """Current state (after edits) of every bot message in ``chat_id``."""
        with self._lock:
            stored = self._store.get(chat_id, {})
            return [
                copy.deepcopy(s.message)
                for _, s in sorted(stored.items())
                if s.from_bot and (include_deleted or not s.deleted)
            ]

    def texts(self, chat_id: int) -> list[str]:
        """Text (or caption) of every current bot message in ``chat_id``."""
        return [m.get("text", m.get("caption", "")) for m in self.messages(chat_id)]

    def message(self, chat_id: int, message_id: int) -> dict | None:
        """Current state of any message (bot or user) in the chat."""
        with self._lock:
            stored = self._store.get(chat_id, {}).get(message_id)
            return None if stored is None else copy.deepcopy(stored.message)

    def edit_history(self, chat_id: int, message_id: int) -> list[dict]:
        """Previous versions of a message, oldest first."""
        with self._lock:
            stored = self._store.get(chat_id, {}).get(message_id)
            return [] if stored is None else copy.deepcopy(stored.history)

    def calls(self, method: str | None = None, **match: Any) -> list[SentCall]:
        """Recorded calls, optionally filtered by method and param values."""
        with self._lock:
            calls = list(self.sent)
        out = []
        for call in calls:
            if method is not None and call.method.lower() != method.lower():
                continue
            if any(call.params.get(k) != v for k, v in match.items()):
                continue
            out.append(call)
        return out

    def inline_answer(self, query_id: str) -> dict | None:
        """The parameters of the accepted ``answerInlineQuery`` for ``query_id``
        (``results``, ``cache_time``, ``is_personal``, ``button``, ...), or None."""
        for call in self.calls("answerInlineQuery", inline_query_id=query_id):
            if call.ok:
                return copy.deepcopy(call.params)
        return None

    async def wait_for_inline_answer(self, query_id: str, timeout: float = 5.0) -> dict:
        """Await the accepted answer to inline query ``query_id``."""
        return await self.wait_for(lambda: self.inline_answer(query_id), timeout)

    def uploaded(self, file_id: str) -> bytes:
        """Content of a file (one the bot uploaded, or one registered by the test)."""
        with self._lock:
            return self._files[file_id].content

    def reset(self) -> None:
        """Forget recorded calls and errors (state of chats is kept)."""
        with self._cond:
            self.sent.clear()
            self.errors.clear()
            self.call_counts.clear()
            self._cond.notify_all()

    def assert_no_errors(self) -> None:
        if self.errors:
            lines = "\n".join(f"  - {e}" for e in self.errors)
            raise AssertionError(
                f"the bot made {len(self.errors)} invalid Bot API call(s):\n{lines}"
            )

    def wait_for_sync(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Block until ``predicate()`` is truthy and return its value.

        Do not call this from a coroutine that shares its event loop with the
        bot: it blocks the loop.  Use :meth:`wait_for` there.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(timeout))
                self._cond.wait(min(remaining, 0.05))

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Await until ``predicate()`` is truthy and return its value.

        The predicate is re-evaluated every 10 ms, without blocking the loop.
        """
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(timeout))
            await asyncio.sleep(0.01)

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[dict]:
        """Await until the bot has at least ``count`` messages in ``chat_id``."""
        return await self.wait_for(
            lambda: (msgs := self.messages(chat_id)) and len(msgs) >= count and msgs,
            timeout,
        )

    async def wait_for_call(self, method: str, timeout: float = 5.0, **match: Any) -> SentCall:
        """Await the first recorded call of ``method`` whose params match."""
        calls = await self.wait_for(lambda: self.calls(method, **match), timeout)
        return calls[0]

    def _timeout_message(self, timeout: float) -> str:
        with self._lock:
            recent = self.sent[-10:]
            errors = list(self.errors)
        lines = [f"condition not met within {timeout}s; last calls:"]
        lines += [
            f"  {c.method} ok={c.ok} params={c.params!r}" + ("" if c.ok else f" -> {c.description}")
            for c in recent
        ] or ["  (none)"]
        if errors:
            lines.append("violations:")
            lines += [f"  {e}" for e in errors]
        return "\n".join(lines)

    # ------------------------------------------------------------------ HTTP entry points

    @staticmethod
    def _error_payload(exc: _ApiError) -> dict:
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": exc.error_code,
            "description": exc.description,
        }
        if exc.parameters:
            payload["parameters"] = exc.parameters
        return payload

    def _record_violation(self, method: str, exc: _ApiError, params: dict) -> None:
        with self._cond:
            self.errors.append(ApiViolation(method, exc.error_code, exc.description, params))
            self._cond.notify_all()

    def _handle_api(
        self, token: str, method: str, params: dict, files: dict[str, UploadedFile]
    ) -> tuple[int, dict]:
        key = method.lower()
        with self._lock:
            self.call_counts[method] = self.call_counts.get(method, 0) + 1
        if token != self.token:
            exc = _ApiError(401, "Unauthorized")
            self._record_violation(method or "<none>", exc, params)
            return 401, self._error_payload(exc)
        handler = self._methods.get(key)
        if handler is None:
            exc = _ApiError(404, "Not Found")
            self._record_violation(method or "<none>", exc, params)
            return 404, self._error_payload(exc)

        with self._lock:
            queued = self._failures.get(key)
            injected = queued.pop(0) if queued else None
        try:
            if injected is not None:
                raise injected
            result = handler(params, files)
        except _ApiError as exc:
            if exc.violation:
                self._record_violation(method, exc, params)
            if key != "getupdates":
                self._record_call(
                    SentCall(
                        method,
                        params,
                        ok=False,
                        error_code=exc.error_code,
                        description=exc.description,
                        files=files,
                    )
                )
            return exc.error_code, self._error_payload(exc)
        if key != "getupdates":
            self._record_call(
                SentCall(method, params, ok=True, result=copy.deepcopy(result), files=files)
            )
        return 200, {"ok": True, "result": result}

    def _record_call(self, call: SentCall) -> None:
        with self._cond:
            self.sent.append(call)
            self._cond.notify_all()

    def _download(self, rest: str) -> tuple[int, bytes]:
        # PTB percent-encodes the whole path (the ":" of the token included).
        token, _, file_path = unquote(rest).partition("/")
        if token != self.token:
            exc = _ApiError(401, "Unauthorized")
            self._record_violation("<file download>", exc, {"file_path": file_path})
            return 401, json.dumps(self._error_payload(exc)).encode()
        with self._lock:
            stored = self._files_by_path.get(file_path)
        if stored is None:
            exc = _ApiError(404, "Not Found")
            self._record_violation("<file download>", exc, {"file_path": file_path})
            return 404, json.dumps(self._error_payload(exc)).encode()
        return 200, stored.content

    # ------------------------------------------------------------------ validation helpers

    @staticmethod
    def _int_param(value: Any) -> int | None:
        """An integer parameter; Telegram also accepts integers sent as strings."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,20}", value.strip()):
            return int(value)
        return None

    def _chat_id(self, params: dict) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat_id = self._int_param(raw)
        if chat_id is None:
            raise _bad("chat not found")
        with self._lock:
            blocked = chat_id in self._blocked
        if blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _message_id(self, params: dict) -> int:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        raw = params.get("message_id")
        if raw is None:
            raise _bad("message identifier is not specified")
        message_id = self._int_param(raw)
        if message_id is None:
            raise _bad("MESSAGE_ID_INVALID")
        return message_id

    def _replied(self, chat_id: int, params: dict) -> dict | None:
        """The message a send replies to (reply_parameters / reply_to_message_id)."""
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target_chat = self._int_param(reply.get("chat_id", chat_id))
            message_id = self._int_param(reply.get("message_id"))
            allow_missing = bool(reply.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id") is not None:
            target_chat = chat_id
            message_id = self._int_param(params.get("reply_to_message_id"))
            allow_missing = bool(params.get("allow_sending_without_reply"))
        else:
            return None
        with self._lock:
            stored = self._store.get(target_chat, {}).get(message_id) if message_id else None
            if stored is None or stored.deleted:
                if allow_missing:
                    return None
                raise _bad("message to be replied not found")
            replied = copy.deepcopy(stored.message)
        replied.pop("reply_to_message", None)
        return replied

    def _formatted(
        self, params: dict, key: str, limit: int, too_long: str, empty: str | None
    ) -> tuple[str, list[dict]]:
        raw = params.get(key)
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raw = str(raw)
        parse_mode = params.get("parse_mode")
        if parse_mode is not None and not isinstance(parse_mode, str):
            raise _bad("unsupported parse_mode")
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                text, entities = parse_telegram_html(raw, strict_entities=self.strict_html_entities)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from exc
        elif mode in ("", "markdown", "markdownv2"):
            text = raw
            entities = params.get("entities") or params.get("caption_entities") or []
            if not isinstance(entities, list):
                raise _bad("can't parse entities JSON object")
        else:
            raise _bad(f"unsupported parse_mode {parse_mode!r}")
        text, entities = _trim(text, entities)
        if empty is not None and not text:
            raise _bad(empty)
        if utf16_len(text) > limit:
            raise _bad(too_long)
        return text, entities

    def _reply_markup(self, params: dict) -> dict | None:
        """Validate reply_markup; return it if it is an inline keyboard."""
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            if sum(len(r) for r in rows) > MAX_INLINE_BUTTONS:
                raise _bad("reply markup is too long")
            for row in rows:
                for button in row:
                    self._check_inline_button(button)
            return markup
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text:
                        raise _bad("can't parse keyboard button: text must be non-empty")
            return None
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return None
        raise _bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        actions = [a for a in INLINE_BUTTON_ACTIONS if a in button]
        if not actions:
            raise _bad(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if (
                not isinstance(data, str)
                or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not url or any(c.isspace() for c in url):
                raise _bad("BUTTON_URL_INVALID")
            host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").lower()
            if not url.lower().startswith("tg://") and (
                not host or host in ("localhost", "127.0.0.1")
            ):
                raise _bad("BUTTON_URL_INVALID")

    def _check_sent_markup_and_store(
        self,
        chat_id: int,
        content: dict,
        params: dict,
        raw_text: str | None,
    ) -> dict:
        inline = self._reply_markup(params)
        replied = self._replied(chat_id, params)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": self.bot_user(),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            **content,
        }
        if replied is not None:
            message["reply_to_message"] = replied
        if inline is not None:
            message["reply_markup"] = inline
        self._store_message(
            chat_id,
            _StoredMessage(
                message=message,
                from_bot=True,
                raw_text=raw_text,
                parse_mode=params.get("parse_mode"),
            ),
        )
        return copy.deepcopy(message)

    def _editable(self, params: dict) -> tuple[int, _StoredMessage]:
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        with self._lock:
            stored = self._store.get(chat_id, {}).get(message_id)
        if stored is None or stored.deleted:
            raise _bad("message to edit not found")
        if not stored.from_bot:
            raise _bad("message can't be edited")
        return chat_id, stored

    # ------------------------------------------------------------------ methods

    def _m_true(self, params: dict, files: dict) -> bool:
        return True

    def _m_get_me(self, params: dict, files: dict) -> dict:
        return self.bot_user()

    def _m_get_updates(self, params: dict, files: dict) -> list[dict]:
        offset = params.get("offset") or 0
        limit = params.get("limit") or 100
        timeout = params.get("timeout") or 0
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in (offset, limit, timeout)
        ):
            raise _bad("wrong parameter type in getUpdates")
        limit = min(max(int(limit), 1), 100)
        timeout = max(float(timeout), 0.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.webhook_url:
                raise _ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if offset > 0:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            elif offset < 0:
                self._pending = self._pending[offset:]
            self._cond.notify_all()
            # A newer getUpdates supersedes a waiting one (which then returns []).
            self._poll_generation += 1
            generation = self._poll_generation
            while True:
                if self._pending:
                    return copy.deepcopy(self._pending[:limit])
                remaining = deadline - time.monotonic()
                if self._stopping or generation != self._poll_generation or remaining <= 0:
                    return []
                self._cond.wait(remaining)

    def _m_set_webhook(self, params: dict, files: dict) -> bool:
        url = params.get("url") or ""
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("secret token contains unallowed characters")
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        with self._cond:
            self.webhook_url = url
            self.webhook_secret = None if secret is None else str(secret) if url else None
            self.webhook_allowed_updates = params.get("allowed_updates")
            if params.get("drop_pending_updates"):
                self._pending.clear()
            self._poll_generation += 1
            self._cond.notify_all()
        return True

    def _m_delete_webhook(self, params: dict, files: dict) -> bool:
        with self._cond:
            self.webhook_url = ""
            self.webhook_secret = None
            if params.get("drop_pending_updates"):
                self._pending.clear()
            self._cond.notify_all()
        return True

    def _m_get_webhook_info(self, params: dict, files: dict) -> dict:
        with self._lock:
            info: dict[str, Any] = {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._pending),
                "max_connections": 40,
            }
            if self.webhook_url and self.webhook_allowed_updates:
                info["allowed_updates"] = list(self.webhook_allowed_updates)
        return info

    @staticmethod
    def _commands_key(params: dict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def _m_set_my_commands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        with self._cond:
            self.commands[self._commands_key(params)] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
            self._cond.notify_all()
        return True

    def _m_get_my_commands(self, params: dict, files: dict) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    def _m_delete_my_commands(self, params: dict, files: dict) -> bool:
        with self._cond:
            self.commands.pop(self._commands_key(params), None)
        return True

    def _m_send_message(self, params: dict, files: dict) -> dict:
        chat_id = self._chat_id(params)
        text, entities = self._formatted(
            params, "text", MAX_MESSAGE_LENGTH, "message is too long", "message text is empty"
        )
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._check_sent_markup_and_store(chat_id, content, params, params.get("text"))

    def _m_edit_message_text(self, params: dict, files: dict) -> dict:
        _, stored = self._editable(params)
        text, entities = self._formatted(
            params, "text", MAX_MESSAGE_LENGTH, "message is too long", "message text is empty"
        )
        inline = self._reply_markup(params)
        with self._cond:
            old = stored.message
            if "text" not in old:
                raise _bad("there is no text in the message to edit")
            if (
                old.get("text") == text
                and old.get("entities", []) == entities
                and old.get("reply_markup") == inline
            ):
                raise _bad(NOT_MODIFIED)
            new = {k: v for k, v in old.items() if k not in ("text", "entities", "reply_markup")}
            new["text"] = text
            if entities:
                new["entities"] = entities
            if inline is not None:
                new["reply_markup"] = inline
            new["edit_date"] = int(time.time())
            stored.history.append(old)
            stored.message = new
            stored.raw_text = params.get("text")
            stored.parse_mode = params.get("parse_mode")
            self._cond.notify_all()
            return copy.deepcopy(new)

    def _m_edit_message_reply_markup(self, params: dict, files: dict) -> dict:
        _, stored = self._editable(params)
        inline = self._reply_markup(params)
        with self._cond:
            old = stored.message
            if old.get("reply_markup") == inline:
                raise _bad(NOT_MODIFIED)
            new = {k: v for k, v in old.items() if k != "reply_markup"}
            if inline is not None:
                new["reply_markup"] = inline
            new["edit_date"] = int(time.time())
            stored.history.append(old)
            stored.message = new
            self._cond.notify_all()
            return copy.deepcopy(new)

    def _m_delete_message(self, params: dict, files: dict) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        with self._cond:
            stored = self._store.get(chat_id, {}).get(message_id)
            if stored is None or stored.deleted:
                raise _bad("message to delete not found")
            stored.deleted = True
            self._cond.notify_all()
        return True

    def _m_answer_callback_query(self, params: dict, files: dict) -> bool:
        query_id = params.get("callback_query_id")
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        with self._cond:
            if not isinstance(query_id, str) or query_id not in self._open_callbacks:
                raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
            del self._open_callbacks[query_id]
            self._cond.notify_all()
        return True

    def _m_answer_inline_query(self, params: dict, files: dict) -> bool:
        query_id = params.get("inline_query_id")
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        button = params.get("button")
        if button is not None:
            self._check_inline_results_button(button)
        cache_time = params.get("cache_time")
        if cache_time is not None and (self._int_param(cache_time) is None or int(cache_time) < 0):
            raise _bad("wrong parameter cache_time")
        next_offset = params.get("next_offset")
        if next_offset is not None and len(str(next_offset).encode("utf-8")) > 64:
            raise _bad("NEXT_OFFSET_INVALID")
        with self._cond:
            if not isinstance(query_id, str) or query_id not in self._open_inline_queries:
                raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
            del self._open_inline_queries[query_id]
            self._cond.notify_all()
        return True

    def _check_inline_result(self, result: Any, seen: set[str]) -> None:
        """One InlineQueryResult: its id, and an article's title and message text."""
        if not isinstance(result, dict) or not isinstance(result.get("type"), str):
            raise _bad("can't parse InlineQueryResult: field \"type\" must be of type String")
        result_id = result.get("id")
        if (
            not isinstance(result_id, str)
            or not 1 <= len(result_id.encode("utf-8")) <= MAX_RESULT_ID_BYTES
        ):
            raise _bad("RESULT_ID_INVALID")
        if result_id in seen:
            raise _bad("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result.get("reply_markup") is not None:
            if self._reply_markup({"reply_markup": result["reply_markup"]}) is None:
                raise _bad("REPLY_MARKUP_INVALID")  # only an inline keyboard is allowed
        if result["type"] != "article":
            return
        title = result.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _bad("ARTICLE_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict):
            raise _bad("can't parse InputMessageContent")
        if "message_text" in content:
            self._formatted(
                content, "message_text", MAX_MESSAGE_LENGTH, "MESSAGE_TOO_LONG", "MESSAGE_EMPTY"
            )

    @staticmethod
    def _check_inline_results_button(button: Any) -> None:
        text = button.get("text") if isinstance(button, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise _bad(
                "can't parse InlineQueryResultsButton: field \"text\" must be a non-empty String"
            )
        has_start = "start_parameter" in button
        if has_start == ("web_app" in button):
            raise _bad(
                "can't parse InlineQueryResultsButton: exactly one of web_app, start_parameter"
            )
        if has_start and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", str(button["start_parameter"])):
            raise _bad("START_PARAM_INVALID")

    def _m_send_chat_action(self, params: dict, files: dict) -> bool:
        self._chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _m_send_document(self, params: dict, files: dict) -> dict:
        chat_id = self._chat_id(params)
        document = params.get("document")
        upload = files.get("document")
        if upload is None and isinstance(document, str) and document.startswith("attach://"):
            upload = files.get(document.removeprefix("attach://"))
        if upload is not None:
            if not upload.content:
                raise _bad("file must be non-empty")
            doc = self.register_file(
                upload.content, file_name=upload.filename, mime_type=upload.content_type
            )
        elif isinstance(document, str) and document:
            with self._lock:
                known = self._files.get(document)
            if known is not None:
                doc = {
                    "file_id": known.file_id,
                    "file_unique_id": known.file_unique_id,
                    "file_size": known.file_size,
                }
                if known.file_name:
                    doc["file_name"] = known.file_name
                if known.mime_type:
                    doc["mime_type"] = known.mime_type
            elif document.startswith(("http://", "https://")):
                raise _bad("failed to get HTTP URL content")
            else:
                raise _bad("wrong file identifier/HTTP URL specified")
        else:
            raise _bad("there is no document in the request")
        content: dict[str, Any] = {"document": doc}
        if params.get("caption") is not None:
            caption, entities = self._formatted(
                params, "caption", MAX_CAPTION_LENGTH, "message caption is too long", None
            )
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self._check_sent_markup_and_store(chat_id, content, params, None)

    def _m_send_photo(self, params: dict, files: dict) -> dict:
        """A PNG upload (multipart) or the file_id of a photo stored here; the
        message gets ``photo`` (one PhotoSize) and the optional caption."""
        chat_id = self._chat_id(params)
        photo = params.get("photo")
        upload = files.get("photo")
        if upload is None and isinstance(photo, str) and photo.startswith("attach://"):
            upload = files.get(photo.removeprefix("attach://"))
        if upload is not None:
            data = upload.content
            if not data:
                raise _bad("file must be non-empty")
            if len(data) > MAX_PHOTO_SIZE:
                raise _bad("file is too big")
            width, height = self._png_size(data)
            size = self.register_file(
                data, file_name=upload.filename, mime_type="image/png", kind="photos"
            )
        elif isinstance(photo, str) and photo:
            with self._lock:
                known = self._files.get(photo)
            if known is None:
                if photo.startswith(("http://", "https://")):
                    raise _bad("failed to get HTTP URL content")
                raise _bad("wrong file identifier/HTTP URL specified")
            width, height = self._png_size(known.content)
            size = {
                "file_id": known.file_id,
                "file_unique_id": known.file_unique_id,
                "file_size": known.file_size,
            }
        else:
            raise _bad("there is no photo in the request")
        photo_size = {
            "file_id": size["file_id"],
            "file_unique_id": size["file_unique_id"],
            "file_size": size["file_size"],
            "width": width,
            "height": height,
        }
        content: dict[str, Any] = {"photo": [photo_size]}
        if params.get("caption") is not None:
            caption, entities = self._formatted(
                params, "caption", MAX_CAPTION_LENGTH, "message caption is too long", None
            )
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self._check_sent_markup_and_store(chat_id, content, params, None)

    @staticmethod
    def _png_size(data: bytes) -> tuple[int, int]:
        """(width, height) from a PNG's IHDR chunk; anything else is refused."""
        if not data.startswith(PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = struct.unpack(">II", data[16:24])
        if (
            not width
            or not height
            or width + height > 10000
            or max(width, height) > 20 * min(width, height)
        ):
            raise _bad("PHOTO_INVALID_DIMENSIONS")
        return width, height

    def _m_get_file(self, params: dict, files: dict) -> dict:
        file_id = params.get("file_id")
        with self._lock:
            stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise _bad("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_SIZE:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    # ------------------------------------------------------------------ webhook delivery

    def _deliver_loop(self) -> None:
        """Push queued updates to the webhook like Telegram does (opt-in)."""
        while True:
            with self._cond:
                while not self._stopping and not (self.webhook_url and self._pending):
                    self._cond.wait(0.1)
                if self._stopping:
                    return
                url, secret = self.webhook_url, self.webhook_secret
                update = copy.deepcopy(self._pending[0])
            try:
                status: int | str = post_webhook(url, update, secret, timeout=5.0)
            except (OSError, urllib.error.URLError) as exc:
                status = repr(exc)
            with self._cond:
                self.webhook_deliveries.append((update["update_id"], status))
                delivered = isinstance(status, int) and 200 <= status < 300
                if delivered:
                    self._pending = [
                        u for u in self._pending if u["update_id"] != update["update_id"]
                    ]
                self._cond.notify_all()
                if not delivered and not self._stopping:
                    self._cond.wait(0.2)
