"""Inline mode: ``@bot câu hỏi`` typed in any chat.

Telegram sends an inline query while the user types; the bot answers with up to
``MAX_RESULTS`` articles to pick from: the answer first (when the engine has one
to state), then the passages. Picking one sends its text into the chat "via
@bot". Those messages carry no buttons: «Xem thêm» / «Nguồn» point to a row of
the question log and check the chat they were pressed in, which an inline
message does not have.

Inline queries are **not** written to the question log: Telegram sends one per
keystroke pause ("co", "co bao", "co bao nhieu", ...), so the log and ``/stats``
would fill with fragments. Only users allowed to use the bot get results (the
private chat with a user has the user's id, so ``ALLOWED_CHAT_IDS`` lists them;
admins always); the per-user question limit applies to real questions only (an
empty or too long query costs nothing).

The result builders (``answer_result``, ``passage_result``, ``build_results``)
are pure: an ``Answer`` in, ``InlineQueryResultArticle`` objects out.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import handlers, render
from bot.settings import Settings
from index.models import Answer, PassageHit

log = logging.getLogger(__name__)

MAX_RESULTS = 5
MAX_RESULT_TITLE = 120  # Telegram shows about one line of a result's title
MAX_RESULT_DESCRIPTION = 150
START_PARAMETER = "start"  # the button opens the private chat with "/start start"

NOT_ALLOWED = "Bot chỉ dành cho người dùng được cho phép"
EMPTY_HINT = "Hãy gõ câu hỏi, ví dụ: Có bao nhiêu chi bộ đảng?"
TOO_LONG = "Câu hỏi dài quá (tối đa {limit} ký tự)"
RATE_LIMITED = "Bạn hỏi nhanh quá, vui lòng đợi {seconds} giây"
NOT_FOUND = "Không tìm thấy thông tin phù hợp"


# --- pure: an Answer -> results ------------------------------------------------------------


def fit(body: str) -> str:
    """``body`` (our HTML) as one message of at most 4096 visible characters."""
    if render.visible_len(body) <= render.MAX_MESSAGE:
        return body
    # only with absurd titles or answers: plain text, cut (as render.answer_page does)
    return render.pack([render.Block(render.visible(body))])[0]


def _one_line(text: str, limit: int) -> str:
    return render.shorten(" ".join(text.split()), limit)


def answer_title(ans: Answer) -> str | None:
    """The title of the answer result by ``ans.status``; None when there is nothing to state."""
    if ans.status == "answered" and ans.answer:
        return _one_line(ans.answer, MAX_RESULT_TITLE)
    if ans.status == "uncertain" and ans.best:
        return _one_line(f"Có thể là: {ans.best}", MAX_RESULT_TITLE)
    if ans.status == "not_found" and ans.missing:
        return _one_line(f"Không tìm thấy số liệu về {ans.missing}", MAX_RESULT_TITLE)
    return None


def _query_words(ans: Answer) -> frozenset:
    """What ``render.highlight`` puts in bold: the question's words."""
    return render.query_words(ans.query_tokens)


def _passage_html(p: PassageHit, syllables: frozenset) -> str:
    return render.highlight(render.shorten(p.text, render.PAGE_PASSAGE_CHARS), syllables)


def answer_result(ans: Answer) -> InlineQueryResultArticle | None:
    """The answer lines (as in the bot's own reply), the first passage and its source."""
    title = answer_title(ans)
    lines = render.answer_lines(ans)
    passages = render.ordered_passages(ans)
    if title is None or not lines or not passages:
        return None
    p = passages[0]
    passage = _passage_html(p, _query_words(ans))
    body = "\n\n".join(["\n".join(lines), passage, "\n".join(render.source_lines(p))])
    description = render.UNCERTAIN if ans.status == "uncertain" else _one_line(p.text, MAX_RESULT_DESCRIPTION)
    return InlineQueryResultArticle(
        id="a",
        title=title,
        description=description,
        input_message_content=InputTextMessageContent(fit(body), parse_mode=ParseMode.HTML),
    )


def passage_result(p: PassageHit, n: int, syllables: frozenset) -> InlineQueryResultArticle:
    """Passage ``n``: titled by its article, described by its start; the passage, then its source."""
    body = "\n\n".join([_passage_html(p, syllables), "\n".join(render.source_lines(p))])
    return InlineQueryResultArticle(
        id=f"p{n}-{p.passage_id}"[:64],
        title=_one_line(p.title or p.article_id, MAX_RESULT_TITLE) or "Đoạn trích",
        description=_one_line(p.text, MAX_RESULT_DESCRIPTION),
        input_message_content=InputTextMessageContent(fit(body), parse_mode=ParseMode.HTML),
    )


def build_results(ans: Answer, limit: int = MAX_RESULTS) -> list[InlineQueryResultArticle]:
    """At most ``limit`` results: the answer (if any), then the passages in the engine's order.

    Empty when no passage was found. Ids are unique ("a", "p<n>-<passage id>").
    """
    syllables = _query_words(ans)
    results: list[InlineQueryResultArticle] = []
    first = answer_result(ans)
    if first is not None:
        results.append(first)
    for n, p in enumerate(render.ordered_passages(ans)):
        if len(results) >= limit:
            break
        results.append(passage_result(p, n, syllables))
    return results[:limit]


def user_allowed(settings: Settings, user_id: int | None) -> bool:
    """Everyone when ``ALLOWED_CHAT_IDS`` is empty; admins; users listed there
    (the private chat with a user has the user's id)."""
    return user_id is not None and settings.chat_allowed(user_id, user_id)


# --- the handler --------------------------------------------------------------------------


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    st = handlers.state(context)
    settings = st.settings
    uid = query.from_user.id
    cache = settings.inline_cache_seconds

    async def refuse(text: str, cache_time: int = cache) -> None:
        button = InlineQueryResultsButton(text=text, start_parameter=START_PARAMETER)
        await _answer(query, [], cache_time=cache_time, button=button)

    if not user_allowed(settings, uid):
        log.info("refused an inline query of user %s (not in ALLOWED_CHAT_IDS)", uid)
        await refuse(NOT_ALLOWED)
        return
    question = " ".join(query.query.split())
    if not question:
        await refuse(EMPTY_HINT)
        return
    if len(question) > settings.max_question_chars:
        await refuse(TOO_LONG.format(limit=settings.max_question_chars))
        return
    verdict = st.questions.check(uid)
    if not verdict.allowed:  # not cached: the same query works again once the window moves
        await refuse(RATE_LIMITED.format(seconds=max(1, round(verdict.retry_after))), cache_time=0)
        return
    ans = await asyncio.to_thread(handlers.ask, st, question)
    results = build_results(ans)
    if not results:
        await refuse(NOT_FOUND)
        return
    await _answer(query, results, cache_time=cache)


async def _answer(query, results, *, cache_time: int, button: InlineQueryResultsButton | None = None) -> None:
    """``answerInlineQuery``; a query the user typed past meanwhile is only logged."""
    try:
        await query.answer(results, cache_time=cache_time, is_personal=True, button=button)
    except BadRequest as exc:
        if "query is too old" not in str(exc).lower() and "query id is invalid" not in str(exc).lower():
            raise
        log.debug("inline query %s expired before it was answered", query.id)
