"""Pure rendering: answers, sources, stats and reload reports -> Telegram HTML.

Nothing here talks to Telegram or the engine. Every piece of article text goes
through ``html.escape``; markup is only ever added around already-escaped text,
so a message is valid HTML by construction. Long texts are split into messages
of at most 4096 visible characters (Telegram counts UTF-16 code units after
parsing the HTML) on paragraph boundaries, then sentences, then words; a text is
cut *before* it is rendered, so a cut can never fall inside a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from index.models import Answer, FigureHit, PassageHit
from index.text import fold

MAX_MESSAGE = 4096  # Telegram's limit for a message text, in UTF-16 code units
PAGE_PASSAGE_CHARS = 2800  # a passage shown on an answer page is cut beyond this
MAX_SOURCE_MESSAGES = 4  # "Nguồn" sends at most this many messages
MAX_TITLE_CHARS = 300
VN_TZ = timezone(timedelta(hours=7), "ICT")  # Vietnam has no daylight saving time

EXAMPLES = (
    "Có bao nhiêu chi bộ đảng được thành lập?",
    "Quận Long Biên tổng kết Nghị quyết 09-NQ/TU khi nào?",
    "co bao nhieu to chuc cong doan duoc thanh lap",
)

esc = html.escape


# --- lengths and plain pieces ----------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def visible(html_text: str) -> str:
    """The text Telegram shows for our HTML (we never put a raw ``<`` in text)."""
    return html.unescape(_TAG.sub("", html_text))


def visible_len(html_text: str) -> int:
    return utf16_len(visible(html_text))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit - 1)
    return text[: cut if cut > 0 else limit - 1].rstrip() + "…"


# --- highlighting ----------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def query_syllables(tokens: Iterable[str]) -> frozenset[str]:
    """Folded syllables of the question's index tokens (``chi_bo`` -> chi, bo)."""
    return frozenset(s for t in tokens for s in t.lower().split("_") if s)


def query_words(tokens: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """The question's index tokens as folded word sequences (``chi_bo`` -> (chi, bo)):
    a token is highlighted only where all its syllables stand together."""
    return frozenset(tuple(x for x in t.lower().split("_") if x) for t in tokens if t.strip("_"))


def highlight(text: str, words: frozenset) -> str:
    """``text`` escaped, with the question's words in bold.

    ``words`` holds folded word sequences (``query_words``): "chi bộ" is bold where both
    syllables stand together, never the "chi" of "37 chi hội" or the "thành" of "thành
    niên" for a question about "thành lập". Plain strings count as one-syllable words.
    Neighbouring highlighted words on one line share one ``<b>`` ("chi bộ đảng").
    """
    if not words:
        return esc(text)
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for w in words:
        seq = w if isinstance(w, tuple) else (w,)
        if seq:
            phrases.setdefault(seq[0], []).append(seq)
    found = list(_WORD.finditer(text))
    keys = [fold(m.group(0)).lower() for m in found]
    marked = [False] * len(found)
    for i, key in enumerate(keys):
        for seq in phrases.get(key, ()):
            n = len(seq)
            if tuple(keys[i : i + n]) == seq and all(
                not text[found[j].end() : found[j + 1].start()].strip() for j in range(i, i + n - 1)
            ):
                for j in range(i, i + n):
                    marked[j] = True
    out: list[str] = []
    pos = 0
    run_start: int | None = None  # start of the current bold run in ``text``
    run_end = 0
    for m, hit in zip(found, marked):
        gap = text[run_end : m.start()] if run_start is not None else ""
        if run_start is not None and (not hit or gap.strip() or "\n" in gap):
            out.append(f"<b>{esc(text[run_start:run_end])}</b>")
            pos = run_end
            run_start = None
        if hit:
            if run_start is None:
                out.append(esc(text[pos : m.start()]))
                run_start = m.start()
            run_end = m.end()
    if run_start is not None:
        out.append(f"<b>{esc(text[run_start:run_end])}</b>")
        pos = run_end
    out.append(esc(text[pos:]))
    return "".join(out)


# --- splitting into messages -----------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph of a message: plain ``text`` and how to render a piece of it.

    ``style`` must only add markup (tags, escaping), never visible characters,
    so the visible length of a rendered piece is the length of its plain text.
    """

    text: str
    style: Callable[[str], str] = esc


def _cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` so the first part has at most ``limit`` UTF-16 units."""
    hard = limit
    while utf16_len(text[:hard]) > limit:  # astral characters count twice
        hard -= 1
    window = text[: hard + 1]
    for pattern in ("\n", ". ", "? ", "! ", "; ", ", ", " "):
        at = window.rfind(pattern, hard // 3)
        if at > 0:
            return at + len(pattern) if pattern != "\n" else at + 1
    return hard


def split_text(text: str, limit: int) -> list[str]:
    """Plain ``text`` cut into pieces of at most ``limit`` UTF-16 units, at line,
    sentence, clause, then word boundaries (a word longer than ``limit`` is cut)."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        at = _cut_point(rest, limit)
        piece, rest = rest[:at].rstrip(), rest[at:].lstrip()
        if piece:
            pieces.append(piece)
    if rest.strip():
        pieces.append(rest)
    return pieces


def pack(blocks: Sequence[Block], limit: int = MAX_MESSAGE, sep: str = "\n\n") -> list[str]:
    """Render ``blocks`` into as few messages as possible, each at most ``limit``
    visible characters; messages break between blocks (paragraphs), and a block
    too long for one message is first split at sentence/word boundaries."""
    pieces: list[tuple[str, Callable[[str], str]]] = []
    for block in blocks:
        if not block.text.strip():
            continue
        for piece in split_text(block.text, limit):
            pieces.append((piece, block.style))
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for text, style in pieces:
        n = utf16_len(text)
        if current and size + utf16_len(sep) + n > limit:
            messages.append(sep.join(current))
            current, size = [], 0
        if current:
            size += utf16_len(sep)
        current.append(style(text))
        size += n
    if current:
        messages.append(sep.join(current))
    return messages


# --- answers ---------------------------------------------------------------------------


def figure_line(f: FigureHit) -> str:
    """``<b>61 chi bộ đảng</b> — quận Long Biên, giai đoạn 2012-2020``."""
    main = f.text.strip()
    if f.unit and f.unit.lower() not in main.lower():
        main = f"{main} {f.unit}"
    if f.qualifier and f.qualifier.lower() not in main.lower():
        main = f"{f.qualifier} {main}"
    line = f"<b>{esc(main)}</b>"
    if f.context:
        line += f" — {esc(f.context)}"
    return line


UNCERTAIN = "chưa chắc chắn, xin xem đoạn trích bên dưới"


def answer_lines(ans: Answer) -> list[str]:
    """The first lines of every answer page, in the answer's three forms:

    * answered: the figure in bold with its context (or the name, the place);
    * uncertain: "Có thể là: …", not in bold, and that it is not certain (and why, when
      a confident answer is held back: "bài nguồn không nhắc đến Bảo Lộc");
    * not found: what the articles do not speak of ("quận Hoàn Kiếm").
    """
    if ans.status == "answered" and ans.answer:
        if ans.figures:
            first = figure_line(ans.figures[0])
            lines = [first]
            if not _same(ans.answer, visible(first)):
                lines.append(esc(ans.answer))
            return lines
        return [f"<b>{esc(ans.answer)}</b>"]
    if ans.status == "uncertain" and ans.best:
        why = f"; {ans.caveat}" if ans.caveat else ""  # a confident answer held back: why
        return [f"Có thể là: {esc(ans.best)}", f"<i>({UNCERTAIN}{esc(why)})</i>"]
    if ans.status == "not_found" and ans.missing:
        return [f"Không tìm thấy số liệu về {esc(ans.missing)} trong các bài đã nạp. Các đoạn gần nhất:"]
    return []


def _same(a: str, b: str) -> bool:
    """Equal up to case, spaces, dashes and final punctuation."""
    key = lambda s: re.sub(r"[\s\-–—.,:;!]+", " ", s).strip().lower()  # noqa: E731
    return key(a) == key(b)


def ordered_passages(ans: Answer) -> list[PassageHit]:
    """Passages to page through, as the engine ordered them (its evidence first)."""
    return list(ans.passages)


def _safe_url(url: str | None) -> str | None:
    if url and re.match(r"https?://[^\s<>\"]+$", url.strip()):
        return url.strip()
    return None


def source_lines(p: PassageHit) -> list[str]:
    """Title (bold), then date and link, when known."""
    lines = [f"📰 <b>{esc(shorten(p.title or p.article_id, MAX_TITLE_CHARS))}</b>"]
    meta = []
    if p.date:
        meta.append(f"🗓 {esc(p.date)}")
    url = _safe_url(p.url)
    if url:
        meta.append(f'<a href="{esc(url, quote=True)}">Xem bài gốc</a>')
    if meta:
        lines.append(" · ".join(meta))
    return lines


def understood_line(ans: Answer) -> str | None:
    """"Hiểu là: …": the completed question of a follow-up, so a wrong merge is visible."""
    if not ans.followup_of:
        return None
    return f"<i>🔁 Hiểu là: {esc(shorten(ans.question_used or ans.question, 300))}</i>"


def answer_page(
    ans: Answer, log_id: int, page: int, votes: tuple[int, int] = (0, 0)
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One message: answer lines, passage ``page`` highlighted, its source; buttons
    (pages, source, 👍 / 👎 with their counts).

    Always a single message within 4096 characters (it may replace another by an edit).
    """
    passages = ordered_passages(ans)
    understood = understood_line(ans)
    if not passages:
        text = no_match(ans.question)
        return (f"{understood}\n\n{text}" if understood else text), vote_keyboard(log_id, votes)
    page = max(0, min(page, len(passages) - 1))
    p = passages[page]
    syl = query_words(ans.query_tokens)
    first = answer_lines(ans)
    parts = [understood] if understood else []
    if first:
        parts.append("\n".join(first))
    intro = "Đoạn liên quan nhất:" if page == 0 else f"Đoạn liên quan thứ {page + 1}:"
    if not first:
        parts.append(f"🔎 {intro}")
    text = shorten(p.text, PAGE_PASSAGE_CHARS)
    parts.append(highlight(text, syl))
    parts.append("\n".join(source_lines(p)))
    footer = f"Đoạn {page + 1}/{len(passages)}"
    if len(text) < len(p.text):
        footer += " · bấm «Nguồn» để đọc trọn đoạn"
    parts.append(f"<i>{footer}</i>")
    body = "\n\n".join(parts)
    if visible_len(body) > MAX_MESSAGE:  # only with absurd titles/answers: keep it one message
        body = pack([Block(visible(body))])[0]
    return body, answer_keyboard(log_id, page, len(passages), votes)


VOTE_UP, VOTE_DOWN = 1, 2  # callback codes: ``v:<log_id>:1`` is 👍, ``v:<log_id>:2`` is 👎


def _vote_row(log_id: int, votes: tuple[int, int]) -> list[InlineKeyboardButton]:
    up, down = votes
    return [
        InlineKeyboardButton(f"👍 {up}" if up else "👍", callback_data=f"v:{log_id}:{VOTE_UP}"),
        InlineKeyboardButton(f"👎 {down}" if down else "👎", callback_data=f"v:{log_id}:{VOTE_DOWN}"),
    ]


def vote_keyboard(log_id: int, votes: tuple[int, int] = (0, 0)) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([_vote_row(log_id, votes)])


def answer_keyboard(log_id: int, page: int, pages: int, votes: tuple[int, int] = (0, 0)) -> InlineKeyboardMarkup:
    """«Xem thêm» -> ``m:<log_id>:<page>``, «Nguồn» -> ``s:<log_id>:<page>``; then 👍 / 👎
    -> ``v:<log_id>:1`` / ``v:<log_id>:2`` with their counts (all < 64 bytes)."""
    row = []
    if page + 1 < pages:
        row.append(InlineKeyboardButton(f"Xem thêm ({page + 2}/{pages})", callback_data=f"m:{log_id}:{page + 1}"))
    elif pages > 1:
        row.append(InlineKeyboardButton("↩ Về đoạn đầu", callback_data=f"m:{log_id}:0"))
    row.append(InlineKeyboardButton("Nguồn", callback_data=f"s:{log_id}:{page}"))
    return InlineKeyboardMarkup([row, _vote_row(log_id, votes)])


def with_votes(markup: InlineKeyboardMarkup | None, log_id: int, votes: tuple[int, int]) -> InlineKeyboardMarkup:
    """``markup`` with its 👍 / 👎 row showing ``votes`` (the other rows as they are)."""
    rows = [list(r) for r in (markup.inline_keyboard if markup else ())]
    rows = [r for r in rows if not any((b.callback_data or "").startswith("v:") for b in r)]
    return InlineKeyboardMarkup([*rows, _vote_row(log_id, votes)])


_CALLBACK = re.compile(r"([msv]):(\d{1,15}):(\d{1,3})")


def parse_callback(data: str | None) -> tuple[str, int, int] | None:
    """``"m:12:1"`` -> ``("m", 12, 1)``; ``v`` votes take 1 (👍) or 2 (👎); anything
    else -> None."""
    m = _CALLBACK.fullmatch(data or "")
    if not m or (m.group(1) == "v" and int(m.group(3)) not in (VOTE_UP, VOTE_DOWN)):
        return None
    return (m.group(1), int(m.group(2)), int(m.group(3)))


def source_messages(p: PassageHit, paragraph: str, syllables: frozenset[str], *, limit: int = MAX_MESSAGE) -> list[str]:
    """«Nguồn»: the title, date and link, then the whole source paragraph(s).

    Split into messages on paragraph boundaries; at most ``MAX_SOURCE_MESSAGES``
    (the last then says the text goes on in the article).
    """
    header = "\n".join(source_lines(p))  # short: the title is bounded
    blocks = [Block(visible(header), lambda _t: header)]
    blocks += [Block(para, lambda t: highlight(t, syllables)) for para in paragraph.split("\n") if para.strip()]
    tail = "\n\n<i>… (đoạn văn còn dài; xem tiếp trong bài gốc)</i>"
    messages = pack(blocks, limit - visible_len(tail))
    if len(messages) > MAX_SOURCE_MESSAGES:
        messages = messages[:MAX_SOURCE_MESSAGES]
        messages[-1] += tail
    return messages


def no_match(question: str) -> str:
    return "\n".join(
        [
            "😔 Mình chưa tìm thấy thông tin phù hợp với câu hỏi này.",
            "",
            "Bạn có thể thử:",
            "• diễn đạt lại câu hỏi, dùng từ ngữ có trong bài viết;",
            "• viết đầy đủ thay vì viết tắt (ví dụ «Ủy ban nhân dân» thay cho «UBND»);",
            "• nêu rõ địa phương, đơn vị hoặc thời gian.",
            "",
            "Ví dụ:",
            *[f"• {esc(q)}" for q in EXAMPLES],
        ]
    )


# --- fixed texts -------------------------------------------------------------------------


def welcome(first_name: str | None, *, admin: bool, examples: Sequence[str] = ()) -> str:
    """``/start`` and ``/help``; ``examples``: questions the loaded articles answer
    (``index.examples``), else the fixed ``EXAMPLES``."""
    hello = f"Xin chào {esc(first_name)}!" if first_name else "Xin chào!"
    lines = [
        f"👋 {hello} Mình là trợ lý <b>hỏi đáp</b> về tin tức công tác Đảng.",
        "",
        "Hãy gửi câu hỏi bằng tiếng Việt (có dấu hoặc không dấu), mình sẽ tìm câu trả lời "
        "và đoạn văn gốc trong các bài viết đã được nạp.",
        "",
        "Ví dụ:",
        *[f"• {esc(q)}" for q in (examples or EXAMPLES)],
        "",
        "Câu hỏi tiếp theo có thể ngắn gọn, mình sẽ hiểu theo câu trước: «còn chi hội phụ nữ?», "
        "«năm 2019 thì sao?», «ai chủ trì?».",
        "Bấm 👍 / 👎 dưới mỗi câu trả lời để góp ý.",
        "",
        "Trong nhóm: gõ <code>/hoi câu hỏi</code> hoặc nhắc tên bot kèm câu hỏi.",
        "Bấm «Xem thêm» để xem các đoạn khác, «Nguồn» để đọc trọn đoạn văn gốc.",
    ]
    if admin:
        lines += [
            "",
            "<b>Quản trị viên:</b>",
            "/reload — nạp lại kho bài viết (chỉ bài mới hoặc đã sửa)",
            "/stats [số ngày] — thống kê dữ liệu, câu hỏi và đánh giá",
            "/unanswered [số ngày] — câu hỏi chưa trả lời được, chưa chắc chắn hoặc bị 👎",
            "Gửi tệp .txt, .md hoặc .jsonl để bổ sung bài viết.",
        ]
    return "\n".join(lines)


def ask_usage() -> str:
    return "Hãy viết câu hỏi sau lệnh, ví dụ:\n<code>/hoi " + esc(EXAMPLES[0]) + "</code>"


def non_text_hint() -> str:
    return (
        "Mình chỉ hiểu câu hỏi bằng chữ. Hãy gõ câu hỏi của bạn, ví dụ:\n• "
        + esc(EXAMPLES[0])
    )


def too_long(n: int, limit: int) -> str:
    return f"Câu hỏi dài quá ({n} ký tự). Vui lòng hỏi ngắn gọn, tối đa {limit} ký tự."


def rate_limited(wait_s: float) -> str:
    return f"Bạn hỏi nhanh quá 🙂 Vui lòng đợi khoảng {max(1, round(wait_s))} giây rồi hỏi tiếp nhé."


NOT_ALLOWED_CHAT = "Xin lỗi, bot này chỉ phục vụ các nhóm và người dùng được cho phép."
NOT_ADMIN = "⛔ Chỉ quản trị viên mới dùng được lệnh này."
NOT_ADMIN_UPLOAD = "⛔ Chỉ quản trị viên mới được gửi tệp để bổ sung bài viết."
ERROR = "Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."
RELOAD_BUSY = "⏳ Đang có một lượt nạp dữ liệu chạy. Vui lòng đợi lượt này xong rồi thử lại."
CALLBACK_INVALID = "Nút này không hợp lệ."
CALLBACK_GONE = "Câu hỏi này không còn trong nhật ký. Vui lòng gửi lại câu hỏi."
CALLBACK_FORBIDDEN = "Nút này thuộc câu hỏi của người khác. Bạn hãy tự đặt câu hỏi nhé."
NO_MORE = "Không còn đoạn nào khác."


# --- numbers and times -------------------------------------------------------------------


def num(n: float, decimals: int = 0) -> str:
    """Vietnamese number formatting: ``1.234.567`` and ``3,5``."""
    s = f"{n:,.{decimals}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def size_text(n_bytes: int) -> str:
    if n_bytes >= 1e6:
        return f"{num(n_bytes / 1e6, 1)} MB"
    return f"{num(n_bytes / 1e3, 1)} kB"


def when(dt: datetime | float | None) -> str:
    """A UTC time (naive datetime, aware datetime or epoch seconds) in Vietnam time."""
    if dt is None:
        return "—"
    if isinstance(dt, (int, float)):
        dt = datetime.fromtimestamp(dt, UTC)
    elif dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def seconds(s: float) -> str:
    if s < 60:
        return f"{num(s, 1)} giây"
    m, s = divmod(int(round(s)), 60)
    return f"{m} phút {s} giây"


# --- reload, upload, stats ------------------------------------------------------------------

MAX_ERRORS_SHOWN = 10


def reload_started() -> str:
    return "⏳ Đang nạp lại dữ liệu…"


def reload_progress(done: int, total: int, elapsed_s: float) -> str:
    pct = f" ({100 * done // total}%)" if total else ""
    return f"⏳ Đang nạp lại dữ liệu… {num(done)}/{num(total)} bài{pct}, {seconds(elapsed_s)}"


def report_lines(report) -> list[str]:
    """Counts of an ``IngestReport`` and its failed files (escaped, bounded)."""
    lines = [
        f"Thêm mới: <b>{num(report.added)}</b> · Cập nhật: <b>{num(report.updated)}</b> · "
        f"Xoá: <b>{num(report.removed)}</b> · Lỗi: <b>{num(report.failed)}</b>",
        f"Không đổi: {num(report.unchanged)} · Trùng lặp: {num(report.duplicate)} · "
        f"Thời gian: {seconds(report.elapsed_s)}",
    ]
    if report.errors:
        lines.append("")
        lines.append("Tệp lỗi:")
        for e in report.errors[:MAX_ERRORS_SHOWN]:
            lines.append(f"• <code>{esc(_tail(str(e.where), 120))}</code>: {esc(shorten(str(e.reason), 160))}")
        if len(report.errors) > MAX_ERRORS_SHOWN:
            lines.append(f"… và {num(len(report.errors) - MAX_ERRORS_SHOWN)} lỗi khác (xem nhật ký của bot).")
    return lines


def _tail(text: str, limit: int) -> str:
    """The end of a long path (its file name matters most)."""
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def reload_summary(report) -> str:
    head = "✅ Đã nạp lại dữ liệu xong." if not report.failed else "⚠️ Đã nạp lại dữ liệu, có tệp bị lỗi."
    return "\n".join([head, *report_lines(report)])


def reload_summary_short() -> str:
    return "✅ Đã nạp lại dữ liệu xong. Chi tiết: /stats và /sources."


def reload_failed() -> str:
    return "❌ Nạp lại dữ liệu thất bại; chỉ mục cũ vẫn được dùng. Xem nhật ký của bot để biết chi tiết."


def upload_summary(name: str, report) -> str:
    head = f"✅ Đã nạp tệp <code>{esc(name)}</code>." if not report.failed else f"⚠️ Đã nạp tệp <code>{esc(name)}</code>, có lỗi."
    return "\n".join([head, *report_lines(report)])


def upload_bad_type(name: str, allowed: Iterable[str]) -> str:
    return (
        f"Không nhận tệp <code>{esc(name)}</code>: chỉ nhận tệp "
        + ", ".join(sorted(allowed))
        + " (tệp văn bản ở dạng UTF-8)."
    )


def upload_too_big(size: int, limit: int) -> str:
    return f"Tệp quá lớn ({size_text(size)}); giới hạn là {size_text(limit)}."


def upload_busy(name: str) -> str:
    return (
        f"⏳ Đang có một lượt nạp dữ liệu chạy, tệp {name} chưa được nạp. "
        "Vui lòng gửi lại tệp sau khi lượt đó xong."
    )


def upload_old_word(name: str) -> str:
    return (
        f"Không đọc được tệp Word cũ <code>{esc(name)}</code> (.doc). Hãy mở tệp bằng Word và chọn "
        "«Lưu thành» (Save As) định dạng .docx, rồi gửi lại."
    )


def stats_text(st, qs, last_reload: str | None = None, period=None, last_fetch: str | None = None) -> str:
    """``/stats``: engine ``Stats``, ``QuestionStats`` and ``PeriodStats`` (index.querylog)."""
    lines = [
        "📊 <b>Thống kê</b>",
        f"Bài viết: <b>{num(st.articles)}</b>",
        f"Đoạn văn: <b>{num(st.passages)}</b>",
        f"Số liệu trích xuất: <b>{num(st.figures)}</b>",
    ]
    build = f", dựng trong {seconds(st.index_build_seconds)}" if st.index_build_seconds is not None else ""
    lines.append(f"Chỉ mục: {size_text(st.index_bytes)}{build}, lúc {when(st.index_built_at)}")
    version = getattr(st, "index_version", "")
    if version:
        published = getattr(st, "published_version", None)
        pending = f" (CSDL đã có phiên bản {esc(published)}, đang cập nhật)" if published and published != version else ""
        lines.append(f"Phiên bản chỉ mục đang dùng: <b>{esc(version)}</b>{pending}")
    if st.last_ingest:
        li = st.last_ingest
        finished = datetime.fromisoformat(li["finished_at"].removesuffix("Z"))
        lines.append(
            f"Lần nạp gần nhất: {when(finished)} — thêm {num(li['added'])}, cập nhật {num(li['updated'])}, "
            f"xoá {num(li['removed'])}, lỗi {num(li['failed'])}"
        )
    else:
        lines.append("Lần nạp gần nhất: —")
    if last_reload:
        lines.append(f"/reload gần nhất (từ khi bot chạy): {esc(last_reload)}")
    if last_fetch:
        lines.append(f"Lấy tin tự động gần nhất: {esc(last_fetch)} (xem /sources)")
    lines.append("")
    share = f", trả lời được {num(100 * qs.answered_share, 0)}%" if qs.today else ""
    lines.append(f"Câu hỏi hôm nay (giờ Việt Nam): <b>{num(qs.today)}</b>{share}")
    if period is not None:
        lines.append("")
        lines += period_lines(period)
    if qs.top_unanswered:
        lines.append("")
        lines.append("Câu hỏi chưa tìm được câu trả lời (30 ngày):")
        for q, n in qs.top_unanswered:
            lines.append(f"• {esc(shorten(q, 150))} — {num(n)} lần")
        lines.append("Xem đủ, kể cả câu chưa chắc chắn và bị 👎: /unanswered")
    return "\n".join(lines)


def pct(part: int, whole: int) -> str:
    return f"{num(100 * part / whole, 0)}%" if whole else "—"


def period_lines(p) -> list[str]:
    """Shares answered / uncertain / not found and the votes over ``p.days`` days."""
    lines = [f"<b>{num(p.days)} ngày qua</b>: {num(p.total)} câu hỏi"]
    if p.total:
        lines.append(
            f"✅ Trả lời được: {num(p.by_status.get('answered', 0))} ({pct(p.by_status.get('answered', 0), p.total)}) · "
            f"❔ Chưa chắc chắn: {num(p.by_status.get('uncertain', 0))} ({pct(p.by_status.get('uncertain', 0), p.total)}) · "
            f"🚫 Không tìm thấy: {num(p.by_status.get('not_found', 0))} ({pct(p.by_status.get('not_found', 0), p.total)})"
        )
    votes = p.up + p.down
    lines.append(
        f"Đánh giá: 👍 {num(p.up)} · 👎 {num(p.down)}"
        + (f" ({pct(p.up, votes)} hài lòng)" if votes else "")
        + (f" · {num(p.corrections)} đáp án được góp ý" if p.corrections else "")
    )
    return lines


def chart_title(days: int) -> str:
    return f"Câu hỏi mỗi ngày theo kết quả ({num(days)} ngày qua)"


DAYS_USAGE = "Cú pháp: /{command} [số ngày], ví dụ /{command} 30 (từ 1 đến 365 ngày)."

STATUS_NAMES = {"answered": "trả lời được", "uncertain": "chưa chắc chắn", "not_found": "không tìm thấy"}


def unanswered_messages(groups, days: int) -> list[str]:
    """``/unanswered``: groups of similar questions (``querylog.UnansweredGroup``), each
    with how often, how it ended, its 👎 and the latest corrections."""
    if not groups:
        return [f"🎉 Không có câu hỏi nào bị bỏ ngỏ, chưa chắc chắn hay bị 👎 trong {num(days)} ngày qua."]
    head = f"📋 <b>Câu hỏi chưa được trả lời tốt</b> ({num(days)} ngày qua; nhóm theo cách hỏi giống nhau):"
    blocks = [Block(visible(head), lambda _t, h=head: h)]
    for i, g in enumerate(groups, 1):
        how = ", ".join(f"{STATUS_NAMES.get(k, k)} {num(v)}" for k, v in sorted(g.statuses.items(), key=lambda kv: -kv[1]))
        line = f"{i}. «{shorten(g.question, 200)}» — {num(g.count)} lần"
        if g.wordings > 1:
            line += f" ({num(g.wordings)} cách hỏi)"
        line += f"; {how}"
        if g.down_votes:
            line += f"; 👎 {num(g.down_votes)}"
        line += f"; gần nhất {when(g.last_asked)}"
        if g.corrections:
            line += "\n   Góp ý: " + "; ".join(f"«{shorten(c, 120)}»" for c in g.corrections[:3])
        blocks.append(Block(line))
    return pack(blocks, sep="\n")


def vote_thanks(up: bool, changed: bool) -> str:
    if not changed:
        return "Bạn đã đánh giá như vậy rồi."
    return "Cảm ơn bạn! 👍 đã được ghi nhận." if up else "Cảm ơn bạn đã góp ý. 👎 đã được ghi nhận."


def correction_prompt(first_name: str | None) -> str:
    who = f"{esc(first_name)} ơi, n" if first_name else "N"
    return (
        f"{who}ếu bạn biết đáp án đúng, hãy <b>trả lời tin nhắn này</b> bằng một câu, ví dụ: "
        "«Đáp án đúng là 61 chi bộ đảng». Góp ý sẽ được lưu để cải thiện câu trả lời."
    )


def correction_saved(text: str) -> str:
    return f"✅ Đã ghi nhận đáp án đúng: «{esc(shorten(text, 300))}». Cảm ơn bạn!"


def correction_too_long(limit: int) -> str:
    return f"Góp ý dài quá. Vui lòng viết ngắn gọn đáp án đúng, tối đa {limit} ký tự."
