"""Keep the bot token out of every log line.

``install(token)`` registers the token (and its URL-encoded forms: PTB
percent-encodes file download paths) and

* adds a ``RedactFilter`` to every handler of the root logger, and
* wraps the log record factory, so handlers added later (pytest's caplog, a
  journald handler, ...) also only ever see redacted records;
* raises httpx/httpcore to WARNING: their INFO lines carry the request URL,
  which holds the token.

A record's message and its formatted traceback are redacted; the raw
``exc_info`` is dropped once ``exc_text`` holds the redacted traceback.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote

MASK = "***"

_secrets: set[str] = set()
_lock = threading.Lock()
_factory_installed = False
_exc_formatter = logging.Formatter()


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if not _secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it to the handler's error path
        return record
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = _exc_formatter.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
        record.exc_info = None  # formatters print exc_text; the raw exception must not be reformatted
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def install(*secrets: str) -> None:
    global _factory_installed
    with _lock:
        for s in secrets:
            if s:
                _secrets.update({s, quote(s, safe=""), quote(s)})
        root = logging.getLogger()
        for handler in root.handlers:
            if not any(isinstance(f, RedactFilter) for f in handler.filters):
                handler.addFilter(RedactFilter())
        if not _factory_installed:
            previous = logging.getLogRecordFactory()

            def factory(*args, **kwargs) -> logging.LogRecord:
                return _redact_record(previous(*args, **kwargs))

            logging.setLogRecordFactory(factory)
            _factory_installed = True
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
