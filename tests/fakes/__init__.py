"""Test doubles for external services (a fake Telegram Bot API server, ...)."""

from .bot_api import (
    ApiViolation,
    FakeBotAPI,
    HtmlParseError,
    SentCall,
    UploadedFile,
    parse_telegram_html,
    post_webhook,
    utf16_len,
)

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
