"""Shared fixtures of the bot tests (registered with ``pytest_plugins = ["conftest_bot"]``).

``bot_engine`` is an engine on a temporary data dir with the shipped corpus
ingested, built once per test module. ``fake`` is a fresh fake Bot API server.
"""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

try:
    from tests.fakes import FakeBotAPI
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakes import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED_QUESTION = "Có bao nhiêu chi bộ đảng được thành lập?"
SEED_FOLDED = "co bao nhieu chi bo dang duoc thanh lap"
ADMIN = 1001
USER = 2002
OTHER = 3003


@pytest.fixture(scope="module")
def bot_engine(tmp_path_factory):
    from index.engine import Engine

    engine = Engine(tmp_path_factory.mktemp("bot-data"))
    report = engine.ingest([CORPUS], workers=1)
    assert report.failed == 0 and report.added == 1
    return engine


@pytest.fixture
def fake():
    with FakeBotAPI() as server:
        yield server
    assert server.threads() == [], "the fake left threads running"


def make_settings(fake: FakeBotAPI, engine, **overrides):
    from bot.settings import Settings

    values = dict(
        telegram_bot_token=fake.token,
        telegram_base_url=fake.url,
        admin_ids=[ADMIN],
        data_dir=engine.data_dir,
        corpus_paths=[CORPUS],
        ingest_workers=1,
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


def make_app(fake: FakeBotAPI, engine, **overrides) -> Application:
    from bot.app import build_application

    return build_application(make_settings(fake, engine, **overrides), engine)


async def feed(app: Application, update: dict) -> None:
    """Process one raw update (a dict from the fake's ``*_update`` builders)."""
    await app.process_update(Update.de_json(update, app.bot))


@contextlib.asynccontextmanager
async def polling(app: Application):
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=["message", "callback_query", "inline_query"])
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generated_articles(folder: Path, n: int, *, word: str = "hợp tác xã") -> Path:
    """``n`` small plain-text articles (title line + body) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"gen-{i:04d}.txt").write_text(
            f"Bản tin số {i} về {word}\n\n"
            f"Năm 2023, xã Thử Nghiệm {i} đã thành lập {i + 3} {word} kiểu mới trong nông nghiệp. "
            f"Các chi hội nông dân số {i} tham gia tích cực vào phong trào thi đua yêu nước của huyện.\n"
            f"Đảng ủy xã số {i} đề ra nhiều giải pháp phát triển kinh tế tập thể giai đoạn 2021-2025.",
            encoding="utf-8",
        )
    return folder
