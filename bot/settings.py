"""Bot settings: environment variables and ``.env`` (real environment variables win).

Every setting is listed, with a comment, in ``.env.example``. Lists
(``ADMIN_IDS``, ``ALLOWED_CHAT_IDS``, ``CORPUS_PATHS``) are comma-separated.
The token is a ``SecretStr``: it prints as ``**********``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _split(value: object) -> object:
    """``"1, 2,3"`` -> ``["1", "2", "3"]``; an empty string is an empty list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        case_sensitive=False,
    )

    # --- Telegram ---------------------------------------------------------------
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None  # root of a self-hosted Bot API server
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    allowed_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    # --- engine -----------------------------------------------------------------
    data_dir: Path = Field(Path("data"), validation_alias=AliasChoices("HOIDAP_DATA_DIR", "DATA_DIR", "data_dir"))
    database_url: str | None = None
    corpus_paths: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    ingest_workers: int | None = None  # processes for tokenizing; empty = every core
    upload_max_bytes: int = 5_000_000
    answer_passages: int = Field(5, ge=1, le=20)
    # confidence at or above which an answer is stated in bold; empty = the fitted scorer's own
    min_confidence: float | None = Field(
        None,
        ge=0,
        le=1,
        validation_alias=AliasChoices("HOIDAP_MIN_CONFIDENCE", "MIN_CONFIDENCE", "min_confidence"),
    )
    # seconds between checks of the index version in the database (several workers); 0 = off
    index_poll_seconds: float = Field(
        5.0,
        ge=0,
        validation_alias=AliasChoices("HOIDAP_INDEX_POLL_SECONDS", "INDEX_POLL_SECONDS", "index_poll_seconds"),
    )

    # a message this soon after the user's last question in the chat may be a follow-up
    # ("còn chi hội phụ nữ?"); 0 = every message stands alone
    followup_minutes: float = Field(10.0, ge=0)

    # --- news sites (index/crawl.py) ----------------------------------------------
    # seeds the source list (table ``source``): "[name=]url[ kind]", comma separated
    sources: str = ""
    # minutes between scheduled fetches of every source (one at a time across workers); 0 = off
    fetch_interval_minutes: float = Field(0.0, ge=0)
    fetch_timeout_s: float = Field(10.0, gt=0)
    fetch_host_delay_s: float = Field(1.0, ge=0)
    fetch_max_pages: int | None = Field(None, ge=1)  # article pages per source and run; empty = all

    # --- webhook (off unless WEBHOOK_URL is set) --------------------------------
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_path: str | None = None  # default: the path of WEBHOOK_URL
    webhook_secret: SecretStr | None = None  # default: a random one per start

    # --- protection -------------------------------------------------------------
    rate_limit_questions: int = Field(10, ge=1)
    rate_limit_window_s: float = Field(60.0, gt=0)
    max_question_chars: int = Field(500, ge=1)
    flood_max_retries: int = Field(3, ge=0)
    # seconds Telegram may cache the results of an inline query (per user); 0 = none
    inline_cache_seconds: int = Field(10, ge=0)

    log_level: str = "INFO"

    @field_validator("admin_ids", "allowed_chat_ids", "corpus_paths", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split(value)

    @field_validator("telegram_bot_token", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("telegram_base_url", "webhook_url", "database_url", "webhook_path", mode="before")
    @classmethod
    def _blank_str_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("ingest_workers", "min_confidence", "fetch_max_pages", mode="before")
    @classmethod
    def _blank_workers(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("must be an https:// URL")
        return value

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        if self.webhook_secret is not None and not _SECRET_TOKEN.fullmatch(self.webhook_secret.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET: 1-256 characters A-Z, a-z, 0-9, _ and - only")
        return self

    # --- derived ----------------------------------------------------------------

    @property
    def token(self) -> str:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else ""

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    def reload_paths(self) -> list[Path]:
        """What ``/reload`` reads: ``CORPUS_PATHS`` (or the shipped corpus) and the uploads."""
        from index.cli import shipped_corpus

        paths = list(self.corpus_paths) or [shipped_corpus()]
        if self.uploads_dir.is_dir():
            paths.append(self.uploads_dir)
        return paths

    def api_urls(self) -> tuple[str, str] | None:
        """(base_url, base_file_url) for PTB, or None for Telegram's own servers.

        ``TELEGRAM_BASE_URL`` is the server's root (``http://127.0.0.1:8081``);
        ``/bot`` and ``/file/bot`` are appended (a trailing ``/bot`` is accepted).
        """
        if not self.telegram_base_url:
            return None
        root = self.telegram_base_url.rstrip("/")
        root = root.removesuffix("/bot")
        return f"{root}/bot", f"{root}/file/bot"

    @property
    def webhook_url_path(self) -> str:
        if self.webhook_path is not None:
            return self.webhook_path.strip("/")
        return urlsplit(self.webhook_url or "").path.strip("/")

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def chat_allowed(self, chat_id: int | None, user_id: int | None) -> bool:
        """Empty ``ALLOWED_CHAT_IDS`` allows every chat; admins are always allowed."""
        if not self.allowed_chat_ids or self.is_admin(user_id):
            return True
        return chat_id in self.allowed_chat_ids
