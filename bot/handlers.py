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
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import ForceReply, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import render
from bot.ratelimit import UserRateLimit
from bot.settings import Settings
from index.engine import Engine
from index.models import Answer
from index import feedback
from index.querylog import get_question, log_answer, period_stats, previous_question, question_stats, unanswered, used_question

log = logging.getLogger(__name__)

STATE = "hoidap"
HTML = ParseMode.HTML


@dataclass
class BotState:
    settings: Settings
    engine: Engine
    questions: UserRateLimit
    buttons: UserRateLimit  # «Xem thêm» / «Nguồn» presses: a looser limit
    busy: str | None = None  # "reload", "upload" or "fetch" while this bot runs an ingest
    last_reload: str | None = None
    last_fetch: str | None = None  # the last scheduled fetch (FETCH_INTERVAL_MINUTES)
    examples: list[str] = field(default_factory=list)  # /help: questions the loaded articles answer
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
    st = state(context)
    admin = st.settings.is_admin(_uid(update))
    await update.effective_message.reply_html(render.welcome(user.first_name if user else None, admin=admin, examples=st.examples))


async def refresh_examples(st: BotState) -> None:
    """Example questions drawn from the articles loaded, each one the engine answers
    (``index.examples``); on a failure the fixed examples stay."""
    from index.examples import example_questions

    try:
        st.examples = await asyncio.to_thread(example_questions, st.engine)
    except Exception as exc:  # noqa: BLE001 - examples are a nicety, never a reason to fail
        log.warning("could not draw example questions from the articles: %s", exc)


async def cmd_hoi(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=1)
    await answer_question(update, context, parts[1] if len(parts) > 1 else "")


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await take_correction(update, context):
        return
    await answer_question(update, context, update.effective_message.text or "")


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group only a message that mentions the bot is a question (or a reply to the
    bot's "Đáp án đúng là …?" prompt, a correction)."""
    message = update.effective_message
    if await take_correction(update, context):
        return
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
    """Ask, completing a follow-up from this user's last question in this chat (read from
    the question log: it survives restarts and is shared by every worker), and log it."""
    within = timedelta(minutes=st.settings.followup_minutes)
    prev = previous_question(st.engine.db, chat_id=chat_id, user_id=user_id, within=within) if user_id else None
    ans = st.engine.ask(question, k=st.settings.answer_passages, previous=used_question(prev) if prev else None)
    log_id = log_answer(
        st.engine.db,
        ans,
        latency_ms=(time.perf_counter() - t0) * 1000,
        chat_id=chat_id,
        user_id=user_id,
        followup_of=int(prev.id) if prev is not None and ans.followup_of else None,
    )
    return ans, log_id


def ask_logged(st: BotState, row) -> Answer:
    """A logged question asked again (buttons): as it was answered, completed if it was a
    follow-up, so the pages show what the first answer showed."""
    ans = st.engine.ask(used_question(row), k=st.settings.answer_passages)
    if row.question_used:
        ans.question, ans.question_used, ans.followup_of = row.question, row.question_used, row.question
    return ans


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
    await _typing(context, message.chat_id)
    ans, log_id = await asyncio.to_thread(_ask_and_log, st, question, message.chat_id, user_id, t0)
    text, keyboard = render.answer_page(ans, log_id, 0)
    await message.reply_html(text, reply_markup=keyboard)


async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """"đang gõ…" while the answer is looked up; a failure here must not cost the answer."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:
        log.debug("chat action failed: %s", exc)


# --- feedback: 👍 / 👎 and corrections --------------------------------------------------------


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE, log_id: int, code: int) -> None:
    """👍 / 👎 under an answer: one vote per user (pressing the other one changes it);
    anyone in the chat may vote. After a 👎 the bot asks for the right answer."""
    st = state(context)
    query = update.callback_query
    row = await asyncio.to_thread(get_question, st.engine.db, log_id)
    chat_id = query.message.chat.id
    if row is None or (row.chat_id is not None and row.chat_id != chat_id):
        await query.answer(render.CALLBACK_GONE, show_alert=True)
        return
    value = feedback.UP if code == render.VOTE_UP else feedback.DOWN
    result = await asyncio.to_thread(
        feedback.vote, st.engine.db, log_id=log_id, user_id=query.from_user.id, chat_id=chat_id, value=value
    )
    await query.answer(render.vote_thanks(value > 0, result.changed))
    current = query.message
    markup = render.with_votes(getattr(current, "reply_markup", None), log_id, (result.votes.up, result.votes.down))
    if isinstance(current, Message) and current.reply_markup != markup:
        try:
            await context.bot.edit_message_reply_markup(chat_id=chat_id, message_id=current.message_id, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
    if value < 0 and result.changed:
        prompt = await context.bot.send_message(
            chat_id,
            render.correction_prompt(query.from_user.first_name),
            parse_mode=HTML,
            reply_to_message_id=current.message_id if isinstance(current, Message) else None,
            reply_markup=ForceReply(selective=True, input_field_placeholder="Đáp án đúng là …"),
        )
        await asyncio.to_thread(feedback.ask_correction, st.engine.db, result.feedback_id, prompt.message_id)


async def take_correction(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A reply to the bot's "Đáp án đúng là …?" prompt, or a message that says "Đáp án
    đúng là …" soon after this user's 👎: stored beside the vote. True if it was one."""
    message = update.effective_message
    user_id = _uid(update)
    text = (message.text or "").strip()
    if not user_id or not text:
        return False
    reply = message.reply_to_message
    reply_to = reply.message_id if reply is not None and reply.from_user and reply.from_user.id == context.bot.id else None
    said = feedback.correction_text(text)
    if reply_to is None and said is None:
        return False
    st = state(context)
    row = await asyncio.to_thread(
        feedback.pending_correction, st.engine.db, user_id=user_id, chat_id=message.chat_id, reply_to=reply_to, said_correction=said is not None
    )
    if row is None:
        return False
    if len(text) > feedback.MAX_CORRECTION_CHARS * 2:
        await message.reply_text(render.correction_too_long(feedback.MAX_CORRECTION_CHARS))
        return True
    saved = await asyncio.to_thread(feedback.save_correction, st.engine.db, int(row.id or 0), said or text)
    log.info("correction by %s for question %s", user_id, row.log_id)
    await message.reply_html(render.correction_saved(saved))
    return True


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
    if kind == "v":
        await on_vote(update, context, log_id, n)
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
    ans = await asyncio.to_thread(ask_logged, st, row)
    passages = render.ordered_passages(ans)
    if kind == "m":
        votes = await asyncio.to_thread(feedback.votes_of, st.engine.db, log_id)
        await _show_page(query, context, ans, log_id, n, len(passages), (votes.up, votes.down))
        return
    if n >= len(passages):
        await query.answer(render.NO_MORE)
        return
    p = passages[n]
    paragraph = await asyncio.to_thread(st.engine.source_of, p)
    await query.answer()
    for text in render.source_messages(p, paragraph, render.query_words(ans.query_tokens)):
        await context.bot.send_message(chat_id, text, parse_mode=HTML)


async def _show_page(query, context, ans: Answer, log_id: int, page: int, pages: int, votes: tuple[int, int]) -> None:
    if pages and page >= pages:
        await query.answer(render.NO_MORE)
        page = pages - 1
    else:
        await query.answer()
    text, keyboard = render.answer_page(ans, log_id, page, votes)
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


def _days_arg(context: ContextTypes.DEFAULT_TYPE, default: int) -> int | None:
    """``/stats 30``: a number of days (1-365); None when the argument is not one."""
    args = context.args or []
    if not args:
        return default
    try:
        days = int(args[0])
    except ValueError:
        return None
    return days if 1 <= days <= 365 else None


async def _admin_days(update: Update, context: ContextTypes.DEFAULT_TYPE, default: int, command: str) -> int | None:
    """The days of an admin command (``/stats 30``); None after refusing a non-admin or
    showing the usage for a bad argument."""
    if await _refuse_non_admin(update, context):
        return None
    days = _days_arg(context, default)
    if days is None:
        await update.effective_message.reply_text(render.DAYS_USAGE.format(command=command))
    return days


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Corpus and index, today's questions, and over ``/stats N`` days (7 by default) the
    shares answered / uncertain / not found, 👍 / 👎; a chart of questions per day by
    status when there is more than a week of questions."""
    days = await _admin_days(update, context, 7, "stats")
    if days is None:
        return
    st = state(context)
    stats, qs, period = await asyncio.to_thread(
        lambda: (st.engine.stats(), question_stats(st.engine.db), period_stats(st.engine.db, days=max(days, CHART_DAYS)))
    )
    shown = period if days >= CHART_DAYS else await asyncio.to_thread(period_stats, st.engine.db, days=days)
    await update.effective_message.reply_html(render.stats_text(stats, qs, st.last_reload, shown, st.last_fetch))
    if period.span_days > 7:
        from index.plots import questions_per_day_png

        png = await asyncio.to_thread(questions_per_day_png, period.per_day, render.chart_title(period.days))
        await context.bot.send_photo(update.effective_message.chat_id, png, caption=render.chart_title(period.days))


CHART_DAYS = 30  # the chart covers at least this many days


async def cmd_unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/unanswered [N]``: questions of the last N days (30) not found, uncertain or voted
    👎, grouped by similar wording, most asked first."""
    days = await _admin_days(update, context, 30, "unanswered")
    if days is None:
        return
    groups = await asyncio.to_thread(unanswered, state(context).engine.db, days=days)
    for text in render.unanswered_messages(groups, days):
        await update.effective_message.reply_html(text)


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
    from bot import loading  # bot.loading imports this module
    from bot.inline import on_inline_query  # bot.inline imports this module

    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    app.add_handler(TypeHandler(Update, guard), group=-1)
    app.add_handler(CommandHandler(["start", "help"], cmd_start))
    app.add_handler(CommandHandler("hoi", cmd_hoi))
    app.add_handler(CommandHandler("reload", loading.cmd_reload))
    app.add_handler(CommandHandler("sources", loading.cmd_sources))
    app.add_handler(CommandHandler("stats", cmd_stats))
    app.add_handler(CommandHandler("unanswered", cmd_unanswered))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(InlineQueryHandler(on_inline_query))
    app.add_handler(MessageHandler(filters.Document.ALL, loading.on_document))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_private_text))
    app.add_handler(MessageHandler(groups & filters.TEXT & ~filters.COMMAND, on_group_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text))
    app.add_error_handler(on_error)
