"""Build and run the Telegram ``Application``: long polling, or a webhook when
``WEBHOOK_URL`` is set. PTB's ``run_polling``/``run_webhook`` stop cleanly on
SIGINT/SIGTERM.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot import handlers, redact
from bot.settings import Settings
from index.engine import Engine

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]

COMMANDS = [
    BotCommand("start", "Bắt đầu và xem ví dụ câu hỏi"),
    BotCommand("help", "Hướng dẫn sử dụng"),
    BotCommand("hoi", "Đặt câu hỏi (dùng trong nhóm)"),
]
ADMIN_COMMANDS = COMMANDS + [
    BotCommand("reload", "Nạp lại kho bài viết"),
    BotCommand("stats", "Thống kê dữ liệu và câu hỏi"),
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
    log.info("bot @%s ready", app.bot.username)


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
    """The engine, with its index loaded; an empty database gets CORPUS_PATHS first."""
    engine = Engine(settings.data_dir, settings.database_url)
    if engine.is_empty():
        paths = settings.reload_paths()
        log.info("empty database: ingesting %s", ", ".join(map(str, paths)))
        report = engine.ingest(paths, workers=settings.ingest_workers)
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
