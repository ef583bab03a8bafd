"""Bringing articles in through the bot: /reload (files and news sites), uploads,
/sources, and the scheduled fetch (``FETCH_INTERVAL_MINUTES``, PTB's JobQueue).

Every ingest runs in a worker thread, so questions are answered meanwhile; the
engine's ingest lock (one at a time across processes on one database) makes a
/reload, an upload or a scheduled fetch wait for none and refuse politely instead.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import unicodedata
from pathlib import Path

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot import render, render_sources
from bot.handlers import BotState, _refuse_non_admin, _uid, refresh_examples, state
from index.corpus import read_bytes
from index.crawl import FetchReport, fetch_sources
from index.engine import BusyError
from index.fetch import FetchPolicy
from index.sources import list_sources, seed_sources
from index.store import utcnow

log = logging.getLogger(__name__)

HTML = ParseMode.HTML
UPLOAD_SUFFIXES = frozenset({".txt", ".md", ".jsonl", ".docx", ".pdf", ".html", ".htm"})
OLD_WORD = ".doc"
FETCH_JOB = "hoidap-fetch"


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
        self.show_from_thread(render.reload_progress(done, total, time.monotonic() - self.t0))

    def show_from_thread(self, text: str) -> None:
        """Show ``text`` (throttled; from any thread)."""
        now = time.monotonic()
        if now - self._last_scheduled < self.interval:
            return
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
        """The summary replaces the progress; if Telegram refuses it, a short line does."""
        async with self._lock:
            self._finished = True
            if render.visible(html_text).strip() == self.last_text:
                return
            try:
                await self.bot.edit_message_text(
                    html_text, chat_id=self.chat_id, message_id=self.message_id, parse_mode=HTML
                )
            except TelegramError as exc:
                log.error("summary edit refused (%s); sending a short one", exc)
                html_text = render.reload_summary_short()
                await self.bot.edit_message_text(html_text, chat_id=self.chat_id, message_id=self.message_id, parse_mode=HTML)
            self.last_text = render.visible(html_text).strip()


def fetch_policy(st: BotState) -> FetchPolicy:
    return FetchPolicy(timeout_s=st.settings.fetch_timeout_s, host_delay_s=st.settings.fetch_host_delay_s)


async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read CORPUS_PATHS (+ the legacy uploads folder) and fetch every source, in
    one incremental ingest; questions go on meanwhile."""
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
        has_sources = bool(await asyncio.to_thread(list_sources, st.engine.db))
        log.info("reload by %s: %s%s", _uid(update), ", ".join(map(str, paths)), " + sources" if has_sources else "")
        try:
            if has_sources:
                fetched = await asyncio.to_thread(_fetch, st, progress, paths)
                report = fetched.ingest
                summary = render_sources.fetch_summary(fetched)
                log.info("reload done: %s", fetched.to_json())
            else:
                report = await asyncio.to_thread(
                    st.engine.ingest,
                    paths,
                    progress=progress.from_thread,
                    remove_missing=True,
                    workers=st.settings.ingest_workers,
                )
                summary = render.reload_summary(report)
                log.info("reload done: %s", report.to_json())
        except BusyError:
            await progress.finish(render.RELOAD_BUSY)
            return
        except Exception:
            log.exception("reload failed")
            await progress.finish(render.reload_failed())
            return
        st.last_reload = f"{render.when(time.time())}: +{report.added} ~{report.updated} -{report.removed}, lỗi {report.failed}"
        await progress.finish(summary)
        context.application.create_task(refresh_examples(st), name="hoidap-examples")
    finally:
        st.busy = None


def _fetch(st: BotState, progress: ProgressMessage, paths: list[Path]) -> FetchReport:
    """The files of ``paths`` and every source in one ingest (a worker thread)."""
    articles_done = 0

    def on_articles(done: int, total: int) -> None:
        nonlocal articles_done
        articles_done = done

    def on_fetch(rep: FetchReport) -> None:
        progress.show_from_thread(render_sources.fetch_progress(rep, articles_done, time.monotonic() - progress.t0))

    return fetch_sources(
        st.engine,
        paths=paths,
        remove_missing=True,
        max_pages=st.settings.fetch_max_pages,
        policy=fetch_policy(st),
        progress=on_fetch,
        ingest_progress=on_articles,
        workers=st.settings.ingest_workers,
    )


async def cmd_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: the news sites fetched, each with its last fetch, status, articles, errors."""
    if await _refuse_non_admin(update, context):
        return
    st = state(context)
    items = await asyncio.to_thread(list_sources, st.engine.db)
    await update.effective_message.reply_html(
        render_sources.sources_text(items, st.settings.fetch_interval_minutes)
    )


async def scheduled_fetch(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue's fetch of every source; skipped while an ingest runs here or in
    another worker (the database-wide ingest lock), and never raises."""
    st = state(context)
    if st.busy or st.engine.ingesting:
        log.info("scheduled fetch skipped: an ingest is running")
        return
    st.busy = "fetch"
    try:
        items = await asyncio.to_thread(list_sources, st.engine.db)
        if not items or _fetched_lately(items, st.settings.fetch_interval_minutes):
            return
        report = await asyncio.to_thread(
            fetch_sources,
            st.engine,
            max_pages=st.settings.fetch_max_pages,
            policy=fetch_policy(st),
            workers=st.settings.ingest_workers,
        )
    except BusyError:
        log.info("scheduled fetch skipped: another worker is ingesting")
        return
    except Exception:
        log.exception("scheduled fetch failed")
        return
    finally:
        st.busy = None
    st.last_fetch = f"{render.when(time.time())}: {render_sources.scheduled_line(report)}"
    log.info("scheduled fetch done: %s", report.to_json())
    if report.ingest is not None and report.ingest.changed:
        context.application.create_task(refresh_examples(st), name="hoidap-examples")


def _fetched_lately(items, minutes: float) -> bool:
    """Another worker fetched within most of the interval: this one skips its turn, so
    several workers fetch about once per interval between them."""
    last = max((s.last_fetch_at for s in items if s.last_fetch_at), default=None)
    return last is not None and (utcnow() - last).total_seconds() < 0.8 * minutes * 60


def start_fetch_schedule(app: Application) -> None:
    """Every ``FETCH_INTERVAL_MINUTES`` (0: never), fetch the sources (PTB's JobQueue)."""
    st: BotState = app.bot_data["hoidap"]
    minutes = st.settings.fetch_interval_minutes
    if minutes <= 0 or app.job_queue is None or app.job_queue.get_jobs_by_name(FETCH_JOB):
        return
    app.job_queue.run_repeating(scheduled_fetch, interval=minutes * 60, first=minutes * 60, name=FETCH_JOB)
    log.info("fetching the sources every %g minutes", minutes)


async def seed_from_settings(st: BotState) -> None:
    """``SOURCES`` in the settings: the entries not in the list yet are added."""
    if not st.settings.sources.strip():
        return
    try:
        added, problems = await asyncio.to_thread(seed_sources, st.engine.db, st.settings.sources)
    except Exception:  # noqa: BLE001 - e.g. two workers seeding at once: the other one won
        log.exception("SOURCES: could not seed the source list")
        return
    for problem in problems:
        log.error("%s", problem)
    for src in added:
        log.info("source added from SOURCES: %s %s", src.name, src.url)


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
    """An admin's document (.txt/.md/.jsonl/.docx/.pdf/.html): read in memory and
    ingested into the database at once, so every worker serves it after its next poll."""
    st = state(context)
    message = update.effective_message
    if not st.settings.is_admin(_uid(update)):
        if message.chat.type == ChatType.PRIVATE:
            await _refuse_non_admin(update, context, render.NOT_ADMIN_UPLOAD)
        return
    doc = message.document
    name = sanitize_filename(doc.file_name or "")
    suffix = Path(name).suffix.lower()
    if suffix == OLD_WORD:
        await message.reply_html(render.upload_old_word(doc.file_name or name))
        return
    if suffix not in UPLOAD_SUFFIXES:
        await message.reply_html(render.upload_bad_type(doc.file_name or name, UPLOAD_SUFFIXES))
        return
    limit = st.settings.upload_max_bytes
    if doc.file_size and doc.file_size > limit:
        await message.reply_text(render.upload_too_big(doc.file_size, limit))
        return
    if st.busy or st.engine.ingesting:
        await message.reply_text(render.upload_busy(name))
        return
    st.busy = "upload"
    try:
        data = bytes(await (await doc.get_file()).download_as_bytearray())
        if len(data) > limit:
            await message.reply_text(render.upload_too_big(len(data), limit))
            return
        log.info("upload by %s: %s (%d bytes)", _uid(update), name, len(data))
        items = await asyncio.to_thread(lambda: list(read_bytes(data, name, origin=None)))
        try:
            report = await asyncio.to_thread(
                st.engine.ingest, [], articles=items, workers=st.settings.ingest_workers, label=f"upload: {name}"
            )
        except BusyError:
            await message.reply_text(render.upload_busy(name))
            return
        await message.reply_html(render.upload_summary(name, report))
        if report.changed:
            context.application.create_task(refresh_examples(st), name="hoidap-examples")
    finally:
        st.busy = None
