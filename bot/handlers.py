"""Telegram handlers: small async functions over ``BotState`` (in ``bot_data``).

Blocking work (``Engine.ask`` + the question log write, ``/stats``, ingests)
runs in worker threads through ``asyncio.to_thread``: ``ask`` itself takes ~2 ms,
but the log write may wait for SQLite's writer lock while an ingest commits a
batch, and the first question after a start may load the index from disk. The
event loop must keep serving other chats meanwhile; the thread hop costs ~0.1 ms.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import render
from bot.ratelimit import UserRateLimit
from bot.settings import Settings
from index.engine import BusyError, Engine
from index.models import Answer
from index.querylog import get_question, log_question, question_stats

log = logging.getLogger(__name__)

STATE = "hoidap"
UPLOAD_SUFFIXES = frozenset({".txt", ".md", ".jsonl"})
HTML = ParseMode.HTML


@dataclass
class BotState:
    settings: Settings
    engine: Engine
    questions: UserRateLimit
    buttons: UserRateLimit  # «Xem thêm» / «Nguồn» presses: a looser limit
    busy: str | None = None  # "reload" or "upload" while this bot runs an ingest
    last_reload: str | None = None
    edit_interval_s: float = 2.0  # at most one progress edit this often

    @classmethod
    def create(cls, settings: Settings, engine: Engine) -> BotState:
        return cls(
            settings=settings,
            engine=engine,
            questions=UserRateLimit(settings.rate_limit_questions, settings.rate_limit_window_s),
            buttons=UserRateLimit(settings.rate_limit_questions * 3, settings.rate_limit_window_s),
        )


def state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data[STATE]


def _uid(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


# --- access -----------------------------------------------------------------------------


def _mentions_bot(message: Message, username: str | None, bot_id: int) -> bool:
    for ent in message.entities or ():
        if ent.type == MessageEntity.MENTION and username:
            if message.parse_entity(ent).lower() == "@" + username.lower():
                return True
        if ent.type == MessageEntity.TEXT_MENTION and ent.user and ent.user.id == bot_id:
            return True
    return bool(username and re.search(rf"@{re.escape(username)}\b", message.text or "", re.IGNORECASE))


def _without_mention(message: Message, username: str | None) -> str:
    text = message.text or ""
    for ent in message.entities or ():
        if ent.type == MessageEntity.TEXT_MENTION:
            text = text.replace(message.parse_entity(ent), " ", 1)
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first: updates from chats outside ``ALLOWED_CHAT_IDS`` go no further."""
    st = state(context)
    chat = update.effective_chat
    if chat is None or st.settings.chat_allowed(chat.id, _uid(update)):
        return
    if update.callback_query:
        await update.callback_query.answer(render.NOT_ALLOWED_CHAT, show_alert=True)
    elif update.message:
        m = update.message
        addressed = chat.type == ChatType.PRIVATE or (m.text or "").startswith("/") or (
            m.text is not None and _mentions_bot(m, context.bot.username, context.bot.id)
        )
        if addressed:
            await m.reply_text(render.NOT_ALLOWED_CHAT)
    log.info("refused an update from chat %s (not in ALLOWED_CHAT_IDS)", chat.id)
    raise ApplicationHandlerStop


# --- cadres: greeting and questions -----------------------------------------------------


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    admin = state(context).settings.is_admin(_uid(update))
    await update.effective_message.reply_html(render.welcome(user.first_name if user else None, admin=admin))


async def cmd_hoi(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=1)
    await answer_question(update, context, parts[1] if len(parts) > 1 else "")


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_question(update, context, update.effective_message.text or "")


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group only a message that mentions the bot is a question."""
    message = update.effective_message
    if not _mentions_bot(message, context.bot.username, context.bot.id):
        return
    await answer_question(update, context, _without_mention(message, context.bot.username))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Lệnh không rõ. Gõ /help để xem hướng dẫn, hoặc gửi câu hỏi trực tiếp.")


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_html(render.non_text_hint())


def ask(st: BotState, question: str) -> Answer:
    """``Engine.ask``: the passage holding the best candidate comes first, even past ``k``."""
    return st.engine.ask(question, k=st.settings.answer_passages)


def _ask_and_log(st: BotState, question: str, chat_id: int | None, user_id: int | None, t0: float) -> tuple[Answer, int]:
    ans = ask(st, question)
    answered = ans.status == "answered"
    log_id = log_question(
        st.engine.db,
        question=question,
        answer_type=ans.type,
        answered=answered,
        latency_ms=(time.perf_counter() - t0) * 1000,
        chat_id=chat_id,
        user_id=user_id,
    )
    return ans, log_id


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    t0 = time.perf_counter()
    st = state(context)
    message = update.effective_message
    user_id = _uid(update)
    verdict = st.questions.check(user_id or 0)
    if not verdict.allowed:
        if verdict.notify:
            await message.reply_text(render.rate_limited(verdict.retry_after))
        return
    question = question.strip()
    if not question:
        await message.reply_html(render.ask_usage())
        return
    if len(question) > st.settings.max_question_chars:
        await message.reply_text(render.too_long(len(question), st.settings.max_question_chars))
        return
    ans, log_id = await asyncio.to_thread(_ask_and_log, st, question, message.chat_id, user_id, t0)
    text, keyboard = render.answer_page(ans, log_id, 0)
    await message.reply_html(text, reply_markup=keyboard)


# --- buttons ------------------------------------------------------------------------------


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``m:<log_id>:<page>`` pages through passages (edits the message);
    ``s:<log_id>:<n>`` sends the full source of passage ``n``. The logged
    question is asked again, so a button works after a restart or a reload."""
    st = state(context)
    query = update.callback_query
    parsed = render.parse_callback(query.data)
    if parsed is None:
        await query.answer(render.CALLBACK_INVALID)
        return
    kind, log_id, n = parsed
    if query.message is None:  # a button of an inline message: this bot sends none
        await query.answer(render.CALLBACK_INVALID)
        return
    verdict = st.buttons.check(query.from_user.id)
    if not verdict.allowed:
        await query.answer(render.rate_limited(verdict.retry_after))
        return
    row = await asyncio.to_thread(get_question, st.engine.db, log_id)
    chat_id = query.message.chat.id
    if row is None:
        await query.answer(render.CALLBACK_GONE, show_alert=True)
        return
    if row.user_id != query.from_user.id or (row.chat_id is not None and row.chat_id != chat_id):
        log.warning("refused button %r of user %s: the question belongs to someone else", query.data, query.from_user.id)
        await query.answer(render.CALLBACK_FORBIDDEN, show_alert=True)
        return
    ans = await asyncio.to_thread(ask, st, row.question)
    passages = render.ordered_passages(ans)
    if kind == "m":
        await _show_page(query, context, ans, log_id, n, len(passages))
        return
    if n >= len(passages):
        await query.answer(render.NO_MORE)
        return
    p = passages[n]
    paragraph = await asyncio.to_thread(st.engine.source_of, p)
    await query.answer()
    for text in render.source_messages(p, paragraph, render.query_syllables(ans.query_tokens)):
        await context.bot.send_message(chat_id, text, parse_mode=HTML)


async def _show_page(query, context, ans: Answer, log_id: int, page: int, pages: int) -> None:
    if pages and page >= pages:
        await query.answer(render.NO_MORE)
        page = pages - 1
    else:
        await query.answer()
    text, keyboard = render.answer_page(ans, log_id, page)
    current = query.message
    if (
        isinstance(current, Message)
        and (current.text or "") == render.visible(text).strip()
        and current.reply_markup == keyboard
    ):
        return  # the same page again: Telegram refuses an edit that changes nothing
    try:
        await context.bot.edit_message_text(
            text, chat_id=current.chat.id, message_id=current.message_id, parse_mode=HTML, reply_markup=keyboard
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


# --- admins ---------------------------------------------------------------------------------


async def _refuse_non_admin(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str = render.NOT_ADMIN) -> bool:
    if state(context).settings.is_admin(_uid(update)):
        return False
    log.warning("refused %s from non-admin user %s", (update.effective_message.text or "a document")[:40], _uid(update))
    await update.effective_message.reply_text(text)
    return True


class ProgressMessage:
    """One message edited while an ingest runs in a worker thread.

    ``from_thread`` is the engine's progress callback: it throttles (one edit per
    ``interval`` seconds, never the same text twice) and hands the edit to the
    event loop with ``run_coroutine_threadsafe``. ``finish`` writes the summary;
    a progress edit still queued after it is dropped.
    """

    def __init__(self, bot, message: Message, interval: float, loop: asyncio.AbstractEventLoop):
        self.bot = bot
        self.chat_id = message.chat_id
        self.message_id = message.message_id
        self.interval = interval
        self.loop = loop
        self.t0 = time.monotonic()
        self.last_text = message.text or ""
        self._last_scheduled = self.t0
        self._scheduled_text = self.last_text
        self._lock = asyncio.Lock()
        self._finished = False

    def from_thread(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_scheduled < self.interval:
            return
        text = render.reload_progress(done, total, now - self.t0)
        if text == self._scheduled_text:
            return
        self._last_scheduled, self._scheduled_text = now, text
        asyncio.run_coroutine_threadsafe(self._edit(text), self.loop)

    async def _edit(self, text: str) -> None:
        async with self._lock:
            if self._finished or text == self.last_text:
                return
            try:
                await self.bot.edit_message_text(text, chat_id=self.chat_id, message_id=self.message_id)
            except TelegramError as exc:  # a lost progress edit is harmless
                log.warning("progress edit failed: %s", exc)
            else:
                self.last_text = text

    async def finish(self, html_text: str) -> None:
        async with self._lock:
            self._finished = True
            if render.visible(html_text).strip() != self.last_text:
                await self.bot.edit_message_text(
                    html_text, chat_id=self.chat_id, message_id=self.message_id, parse_mode=HTML
                )
                self.last_text = render.visible(html_text).strip()


async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read CORPUS_PATHS (+ uploads) incrementally; questions go on meanwhile."""
    if await _refuse_non_admin(update, context):
        return
    st = state(context)
    if st.busy or st.engine.ingesting:
        await update.effective_message.reply_text(render.RELOAD_BUSY)
        return
    st.busy = "reload"
    try:
        sent = await update.effective_message.reply_text(render.reload_started())
        progress = ProgressMessage(context.bot, sent, st.edit_interval_s, asyncio.get_running_loop())
        paths = st.settings.reload_paths()
        log.info("reload by %s: %s", _uid(update), ", ".join(map(str, paths)))
        try:
            report = await asyncio.to_thread(
                st.engine.ingest,
                paths,
                progress=progress.from_thread,
                remove_missing=True,
                workers=st.settings.ingest_workers,
            )
        except BusyError:
            await progress.finish(render.RELOAD_BUSY)
            return
        except Exception:
            log.exception("reload failed")
            await progress.finish(render.reload_failed())
            return
        log.info("reload done: %s", report.to_json())
        st.last_reload = f"{render.when(time.time())}: +{report.added} ~{report.updated} -{report.removed}, lỗi {report.failed}"
        await progress.finish(render.reload_summary(report))
    finally:
        st.busy = None


def sanitize_filename(name: str) -> str:
    """A safe file name: no folders, no leading dots, letters/digits/``._-`` only."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE)
    name = re.sub(r"\.{2,}", ".", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem.strip("._-")[:100].rstrip("._-") or "tai-lieu"
    return f"{stem}.{suffix[:10]}" if suffix else stem


def upload_target(folder: Path, name: str) -> Path:
    """``folder/name``, refusing anything that would land outside ``folder``."""
    base = folder.resolve()
    target = (base / name).resolve()
    if target.parent != base:
        raise ValueError(f"unsafe upload name {name!r}")
    return target


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin's .txt/.md/.jsonl document: saved to <data_dir>/uploads and ingested."""
    st = state(context)
    message = update.effective_message
    if not st.settings.is_admin(_uid(update)):
        if message.chat.type == ChatType.PRIVATE:
            await _refuse_non_admin(update, context, render.NOT_ADMIN_UPLOAD)
        return
    doc = message.document
    name = sanitize_filename(doc.file_name or "")
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        await message.reply_html(render.upload_bad_type(doc.file_name or name, UPLOAD_SUFFIXES))
        return
    limit = st.settings.upload_max_bytes
    if doc.file_size and doc.file_size > limit:
        await message.reply_text(render.upload_too_big(doc.file_size, limit))
        return
    if st.busy or st.engine.ingesting:
        await message.reply_text(render.RELOAD_BUSY)
        return
    st.busy = "upload"
    try:
        folder = st.settings.uploads_dir
        folder.mkdir(parents=True, exist_ok=True)
        target = upload_target(folder, name)
        data = bytes(await (await doc.get_file()).download_as_bytearray())
        if len(data) > limit:
            await message.reply_text(render.upload_too_big(len(data), limit))
            return
        part = target.with_name(f".{target.name}.part")  # hidden: a reload never reads it
        await asyncio.to_thread(_write_file, part, target, data)
        log.info("upload by %s: %s (%d bytes)", _uid(update), target, len(data))
        try:
            report = await asyncio.to_thread(st.engine.ingest, [target], workers=st.settings.ingest_workers)
        except BusyError:
            await message.reply_html(render.upload_busy_saved(target.name))
            return
        if report.failed and not (report.added or report.updated or report.unchanged or report.duplicate):
            target.unlink(missing_ok=True)  # nothing readable in it: do not keep failing on every /reload
        await message.reply_html(render.upload_summary(target.name, report))
    finally:
        st.busy = None


def _write_file(part: Path, target: Path, data: bytes) -> None:
    part.write_bytes(data)
    os.replace(part, target)


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await _refuse_non_admin(update, context):
        return
    st = state(context)
    stats, qs = await asyncio.to_thread(lambda: (st.engine.stats(), question_stats(st.engine.db)))
    await update.effective_message.reply_html(render.stats_text(stats, qs, st.last_reload))


# --- errors -------------------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception (the token is redacted by ``bot.redact``) and tell the user."""
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" (update {update.update_id}, chat {chat.id if chat else '-'})"
    log.error("error while handling an update%s", where, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    try:
        if update.callback_query:
            try:
                await update.callback_query.answer(render.ERROR, show_alert=True)
                return
            except BadRequest:  # already answered: fall through to a message
                pass
        if update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, render.ERROR)
    except Exception as exc:  # never let the error handler itself fail loudly
        log.warning("could not tell the user about the error: %s", exc)


# --- wiring ---------------------------------------------------------------------------------


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    app.add_handler(TypeHandler(Update, guard), group=-1)
    app.add_handler(CommandHandler(["start", "help"], cmd_start))
    app.add_handler(CommandHandler("hoi", cmd_hoi))
    app.add_handler(CommandHandler("reload", cmd_reload))
    app.add_handler(CommandHandler("stats", cmd_stats))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_private_text))
    app.add_handler(MessageHandler(groups & filters.TEXT & ~filters.COMMAND, on_group_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text))
    app.add_error_handler(on_error)
