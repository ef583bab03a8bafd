"""Build and run the Telegram ``Application``: long polling, or a webhook when
``WEBHOOK_URL`` is set. PTB's ``run_polling``/``run_webhook`` stop cleanly on
SIGINT/SIGTERM.

Several workers (webhook mode behind one address, one database): every
``HOIDAP_INDEX_POLL_SECONDS`` a task started at ``post_init`` runs
``Engine.sync_index`` in a thread, so a ``/reload`` finished by any worker is
served by all of them within seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot import handlers, loading, redact
from bot.settings import Settings
from index.engine import BusyError, Engine

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]

COMMANDS = [
    BotCommand("start", "Bắt đầu và xem ví dụ câu hỏi"),
    BotCommand("help", "Hướng dẫn sử dụng"),
    BotCommand("hoi", "Đặt câu hỏi (dùng trong nhóm)"),
]
ADMIN_COMMANDS = COMMANDS + [
    BotCommand("reload", "Nạp lại kho bài viết"),
    BotCommand("stats", "Thống kê dữ liệu và câu hỏi"),
    BotCommand("unanswered", "Câu hỏi chưa trả lời được"),
    BotCommand("sources", "Nguồn tin và lần lấy tin gần nhất"),
]


def build_application(settings: Settings, engine: Engine) -> Application:
    """The bot with its handlers, Telegram's flood limits and the token redacted from logs."""
    redact.install(settings.token)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        # 30 messages/s overall, 20/min per group; a RetryAfter is waited out and retried
        .rate_limiter(AIORateLimiter(max_retries=settings.flood_max_retries))
        .concurrent_updates(True)  # a slow /reload must not hold up questions
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .post_stop(stop_index_poller)
    )
    urls = settings.api_urls()
    if urls:
        builder = builder.base_url(urls[0]).base_file_url(urls[1])
    app = builder.build()
    app.bot_data[handlers.STATE] = handlers.BotState.create(settings, engine)
    handlers.register(app)
    return app


async def _post_init(app: Application) -> None:
    settings: Settings = app.bot_data[handlers.STATE].settings
    try:
        await app.bot.set_my_commands(COMMANDS)
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)
    for admin in settings.admin_ids:
        try:  # fails for an admin who never opened a chat with the bot: harmless
            await app.bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except TelegramError as exc:
            log.info("admin command menu not set for %s: %s", admin, exc)
    start_index_poller(app)
    await loading.seed_from_settings(app.bot_data[handlers.STATE])
    loading.start_fetch_schedule(app)
    await handlers.refresh_examples(app.bot_data[handlers.STATE])
    log.info("bot @%s ready", app.bot.username)


INDEX_POLLER = "hoidap.index_poller"


def start_index_poller(app: Application) -> asyncio.Task | None:
    """Start ``poll_index`` on the running loop (none if ``HOIDAP_INDEX_POLL_SECONDS`` is 0)."""
    st: handlers.BotState = app.bot_data[handlers.STATE]
    interval = st.settings.index_poll_seconds
    if interval <= 0 or app.bot_data.get(INDEX_POLLER) is not None:
        return app.bot_data.get(INDEX_POLLER)
    task = asyncio.get_running_loop().create_task(poll_index(st.engine, interval), name="hoidap-index-poller")
    app.bot_data[INDEX_POLLER] = task
    return task


async def stop_index_poller(app: Application) -> None:
    task = app.bot_data.pop(INDEX_POLLER, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def poll_index(engine: Engine, interval: float) -> None:
    """Every ``interval`` seconds, serve the index version published in the database.

    ``sync_index`` runs in a thread (a build of a large corpus goes on in a
    subprocess), so questions are answered meanwhile, from the old index. A failure
    is logged (once while it repeats) and retried at the next tick; it never stops
    the bot.
    """
    failing: str | None = None
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(engine.sync_index)
        except Exception as exc:  # noqa: BLE001 - keep polling whatever happened
            reason = f"{type(exc).__name__}: {exc}"
            if reason != failing:
                log.error("could not bring the index to the published version (retrying every %g s): %s", interval, reason, exc_info=exc)
            else:
                log.debug("index sync still failing: %s", reason)
            failing = reason
        else:
            if failing is not None:
                log.info("index sync works again")
                failing = None


def polling_kwargs() -> dict[str, Any]:
    return {"allowed_updates": ALLOWED_UPDATES, "drop_pending_updates": False}


def webhook_kwargs(settings: Settings, secret: str) -> dict[str, Any]:
    """Arguments of ``run_webhook`` / ``Updater.start_webhook``; a request without
    Telegram's ``secret`` in ``X-Telegram-Bot-Api-Secret-Token`` gets 403."""
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_url_path,
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": False,
    }


def webhook_secret(settings: Settings) -> str:
    return settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)


def open_engine(settings: Settings) -> Engine:
    """The engine, with its index loaded; an empty database gets CORPUS_PATHS first
    (if another worker is already filling it, after that worker is done)."""
    engine = Engine(settings.data_dir, settings.database_url, min_confidence=settings.min_confidence)
    if engine.is_empty():
        paths = settings.reload_paths()
        log.info("empty database: ingesting %s", ", ".join(map(str, paths)))
        while True:
            try:
                report = engine.ingest(paths, workers=settings.ingest_workers)
                break
            except BusyError:  # another worker started at the same moment: let it finish
                log.info("another process is ingesting into this database; waiting for it")
                time.sleep(1.0)
        log.info("ingested %d articles (%d failed)", report.added, report.failed)
    else:
        _ = engine.index  # load now rather than on the first question
    return engine


def run(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM."""
    configure_logging(settings.log_level)
    secret = webhook_secret(settings) if settings.webhook_url else ""
    redact.install(settings.token, secret)
    engine = open_engine(settings)
    app = build_application(settings, engine)
    if settings.webhook_url:
        log.info(
            "webhook mode: listening on %s:%d/%s for %s",
            settings.webhook_listen,
            settings.webhook_port,
            settings.webhook_url_path,
            settings.webhook_url,
        )
        app.run_webhook(**webhook_kwargs(settings, secret))
    else:
        log.info("polling mode")
        app.run_polling(**polling_kwargs())
    log.info("bot stopped")
