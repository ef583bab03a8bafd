"""Pure parts of the bot: rendering, splitting, settings, rate limit, redaction."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot import render
from bot.loading import sanitize_filename, upload_target
from bot.ratelimit import UserRateLimit
from bot.settings import Settings
from index.corpus import ReadError
from index.ingest import IngestReport
from index.models import Answer, FigureHit, PassageHit

try:
    from tests.fakes import parse_telegram_html, utf16_len
except ImportError:
    from fakes import parse_telegram_html, utf16_len

SEED_TEXT = (
    "Giai đoạn 2012-2020, quận Long Biên đã thành lập được 61 chi bộ đảng, 173 tổ chức công đoàn, "
    "104 tổ chức đoàn."
)


def passage(text=SEED_TEXT, **kw) -> PassageHit:
    base = dict(
        article_id="a1", passage_id=7, title="Tổng kết Nghị quyết 09", date="27/02/2020", url="https://x.vn/a?b=1&c=2", text=text, score=6.0
    )
    base.update(kw)
    return PassageHit(**base)


def visible_ok(html_text: str) -> str:
    """Telegram's view of ``html_text``; fails if Telegram would refuse it."""
    text, _ = parse_telegram_html(html_text)
    assert utf16_len(text.strip()) <= 4096
    return text


def test_highlight_bolds_question_words_with_and_without_diacritics():
    syl = render.query_syllables(["chi_bo", "dang", "thanh_lap"])
    out = render.highlight(SEED_TEXT, syl)
    assert "<b>thành lập</b>" in out
    assert "<b>chi bộ đảng</b>" in out  # neighbours share one tag
    assert "61" in out and "<b>61" not in out
    assert visible_ok(out) == SEED_TEXT


def test_highlight_escapes_markup_in_article_text():
    out = render.highlight("Tỷ lệ <50% & tăng > 3 lần <b>x</b>", frozenset({"ty"}))
    assert visible_ok(out) == "Tỷ lệ <50% & tăng > 3 lần <b>x</b>"
    assert out.startswith("<b>Tỷ</b> lệ &lt;50% &amp;")


def test_answer_page_with_figure_first_line():
    fig = FigureHit(
        value=61, text="61", unit="chi bộ đảng", kind="count", qualifier=None,
        context="quận Long Biên, giai đoạn 2012-2020", article_id="a1", passage_id=9,
    )
    other = passage(passage_id=3, text="Đoạn khác về công đoàn.", score=9.0)
    ans = Answer(
        question="q", answer="61 chi bộ đảng — quận Long Biên, giai đoạn 2012-2020", status="answered", confidence=0.95,
        figures=[fig], passages=[passage(passage_id=9), other], query_tokens=["chi_bo"],
    )  # the engine puts the evidence first
    html_text, kb = render.answer_page(ans, 42, 0)
    assert html_text.splitlines()[0] == "<b>61 chi bộ đảng</b> — quận Long Biên, giai đoạn 2012-2020"
    shown = visible_ok(html_text)
    assert "61 chi bộ đảng" in shown and "Đoạn khác" not in shown
    assert "Tổng kết Nghị quyết 09" in shown and "27/02/2020" in shown
    assert '<a href="https://x.vn/a?b=1&amp;c=2">' in html_text
    buttons = [b for row in kb.inline_keyboard for b in row]
    assert [b.callback_data for b in buttons] == ["m:42:1", "s:42:0", "v:42:1", "v:42:2"]
    last, kb2 = render.answer_page(ans, 42, 1)
    assert "Đoạn khác" in visible_ok(last)
    assert [b.callback_data for row in kb2.inline_keyboard for b in row] == ["m:42:0", "s:42:1", "v:42:1", "v:42:2"]


def test_answer_sentence_shown_once():
    fig = FigureHit(value=61, text="61", unit="chi bộ đảng", kind="count", qualifier="hơn",
                    context="quận Long Biên", article_id="a1", passage_id=7)
    same = Answer(question="q", answer="hơn 61 chi bộ đảng - quận Long Biên.", status="answered", figures=[fig], passages=[passage()])
    lines = render.answer_page(same, 1, 0)[0].splitlines()
    assert lines[0] == "<b>hơn 61 chi bộ đảng</b> — quận Long Biên" and lines[1] == ""
    other = Answer(question="q", answer="Quận đã lập 61 chi bộ.", status="answered", figures=[fig], passages=[passage()])
    assert render.answer_page(other, 1, 0)[0].splitlines()[1] == "Quận đã lập 61 chi bộ."
    only = Answer(question="q", answer="Ngày 27/02/2020.", status="answered", passages=[passage()])
    assert render.answer_page(only, 1, 0)[0].splitlines()[0] == "<b>Ngày 27/02/2020.</b>"


def test_an_uncertain_answer_is_offered_not_stated():
    fig = FigureHit(value=173, text="173", unit="tổ chức công đoàn", kind="count", qualifier=None,
                    context="quận Long Biên", article_id="a1", passage_id=7)
    ans = Answer(question="q", best="173 tổ chức công đoàn — quận Long Biên", status="uncertain", confidence=0.4,
                 figures=[fig], passages=[passage()])
    first, second = render.answer_page(ans, 1, 0)[0].splitlines()[:2]
    assert first == "Có thể là: 173 tổ chức công đoàn — quận Long Biên"
    assert "<b>" not in first and "chưa chắc chắn" in second
    assert "Tổng kết Nghị quyết 09" in visible_ok(render.answer_page(ans, 1, 0)[0])  # the passage follows
    # a confident answer held back says why, escaped like any text
    held = Answer(question="q", best="13 căn biệt thự", status="uncertain", confidence=0.95, passages=[passage()],
                  caveat="bài nguồn không nhắc đến Bảo <Lộc>")
    second = render.answer_page(held, 1, 0)[0].splitlines()[1]
    assert "chưa chắc chắn" in second and "bài nguồn không nhắc đến Bảo &lt;Lộc&gt;" in second
    assert "không nhắc đến" in visible_ok(render.answer_page(held, 1, 0)[0])


def test_not_found_says_what_is_missing_then_the_closest_passages():
    ans = Answer(question="q", status="not_found", missing="quận Hoàn Kiếm", passages=[passage()])
    html_text = render.answer_page(ans, 1, 0)[0]
    assert html_text.splitlines()[0].startswith("Không tìm thấy số liệu về quận Hoàn Kiếm")
    assert "<b>" not in html_text.splitlines()[0]
    assert "Tổng kết Nghị quyết 09" in visible_ok(html_text)


def test_answer_page_is_one_message_even_for_huge_passages_and_titles():
    long_text = ("Câu rất dài về chi bộ & <đảng> " * 400).strip()
    ans = Answer(question="q", passages=[passage(text=long_text, title="T" * 5000)], query_tokens=["chi_bo"])
    html_text, _ = render.answer_page(ans, 10**14, 0)
    shown = visible_ok(html_text)
    assert "Nguồn" in shown  # tells the reader where the rest is


def test_callback_data_fits_64_bytes_and_parses_strictly():
    kb = render.answer_keyboard(10**15 - 1, 998, 999)
    for row in kb.inline_keyboard:
        for b in row:
            assert len(b.callback_data.encode()) <= 64
            assert render.parse_callback(b.callback_data) is not None
    assert render.parse_callback("m:12:3") == ("m", 12, 3)
    for bad in (None, "", "x:1:2", "m:1", "m:-1:2", "m:1:2:3", "m:a:1", "s:1:1000"):
        assert render.parse_callback(bad) is None


def test_source_of_a_very_long_paragraph_is_split_into_valid_messages():
    sentence = "Đảng bộ xã A & B đã kết nạp 12 đảng viên <mới> trong năm 2023 theo chỉ tiêu đề ra"
    paragraph = ". ".join(f"{sentence} số {i}" for i in range(120)) + "."
    assert len(paragraph) > 9000
    parts = render.source_messages(passage(text=paragraph[:500]), paragraph, render.query_syllables(["dang_vien"]))
    assert 3 <= len(parts) <= render.MAX_SOURCE_MESSAGES
    shown = [visible_ok(p) for p in parts]
    assert "Tổng kết Nghị quyết 09" in shown[0]
    joined = " ".join(shown)
    assert "ra số 0. " in joined and "ra số 119." in joined
    assert all("<b>đảng viên</b>" in p for p in parts)
    for s in shown[:-1]:  # cut at sentence ends, not mid-word
        assert s.rstrip().endswith(".")


def test_source_is_capped():
    paragraph = "Chi bộ họp. " * 5000
    parts = render.source_messages(passage(), paragraph, frozenset())
    assert len(parts) == render.MAX_SOURCE_MESSAGES
    assert "xem tiếp trong bài gốc" in visible_ok(parts[-1])


@hsettings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("abc đảng<>&\"' \n.😀chi bộ")), min_size=0, max_size=3000),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=40, max_value=4096),
)
def test_pack_property_valid_bounded_and_lossless(paragraphs, limit):
    syl = frozenset({"dang", "chi", "bo"})
    blocks = [render.Block(p, lambda t: render.highlight(t, syl)) for p in paragraphs]
    messages = render.pack(blocks, limit)
    words_in = "".join(" ".join(paragraphs).split())
    seen = []
    for m in messages:
        text, _ = parse_telegram_html(m)
        assert utf16_len(text) <= limit
        seen.append(text)
    assert "".join("".join(seen).split()) == words_in


def test_no_match_and_welcome_have_examples():
    for text in (render.no_match("x"), render.welcome("An <b>", admin=True)):
        shown = visible_ok(text)
        assert render.EXAMPLES[0] in shown
    assert "/reload" in render.welcome(None, admin=True) and "/reload" not in render.welcome(None, admin=False)
    assert "viết tắt" in render.no_match("x")


def test_reload_summary_lists_failed_files_within_limits():
    report = IngestReport(added=3, updated=1, removed=2, failed=30, elapsed_s=75.5)
    report.errors = [ReadError(f"corpus/bad-{i}<x>&.jsonl:{i}", "không phải JSON " * 30) for i in range(30)]
    text = render.reload_summary(report)
    shown = visible_ok(text)
    assert "Thêm mới: 3" in shown and "Cập nhật: 1" in shown and "Xoá: 2" in shown and "Lỗi: 30" in shown
    assert "corpus/bad-0<x>&.jsonl:0" in shown and "và 20 lỗi khác" in shown
    assert "1 phút 16 giây" in shown


def test_stats_text():
    stats = SimpleNamespace(
        articles=12345, passages=67890, figures=12, index_bytes=2_500_000, index_build_seconds=1.25,
        index_built_at=1_700_000_000.0,
        last_ingest={"finished_at": "2026-11-28T03:28:41Z", "added": 1, "updated": 0, "removed": 0, "failed": 0},
    )
    qs = SimpleNamespace(today=8, answered_share=0.75, top_unanswered=[("câu <lạ> & khó", 3)])
    shown = visible_ok(render.stats_text(stats, qs))
    for part in ("12.345", "67.890", "2,5 MB", "1,2 giây", "10:28 28/11/2026", "Câu hỏi hôm nay (giờ Việt Nam): 8", "75%", "câu <lạ> & khó — 3 lần"):
        assert part in shown


def test_sanitize_filename_and_upload_target(tmp_path):
    assert sanitize_filename("../../etc/passwd.txt") == "passwd.txt"
    assert sanitize_filename("..\\..\\win.md") == "win.md"
    assert sanitize_filename("Nghị quyết số 09 (bản sửa).jsonl") == "Nghị_quyết_số_09_bản_sửa.jsonl"
    assert sanitize_filename(".hidden.txt") == "hidden.txt"
    assert sanitize_filename("") == "tai-lieu"
    assert sanitize_filename("....txt") == "tai-lieu.txt"
    assert upload_target(tmp_path, "a.txt") == (tmp_path / "a.txt").resolve()
    with pytest.raises(ValueError):
        upload_target(tmp_path, "../a.txt")


def test_rate_limit_sliding_window_notifies_once():
    now = [0.0]
    rl = UserRateLimit(3, 60, clock=lambda: now[0])
    assert [rl.check(1).allowed for _ in range(3)] == [True] * 3
    first, second = rl.check(1), rl.check(1)
    assert not first.allowed and first.notify and first.retry_after == pytest.approx(60)
    assert not second.allowed and not second.notify
    assert rl.check(2).allowed  # per user
    now[0] = 60.5
    assert rl.check(1).allowed


def test_settings_from_env_and_dotenv(tmp_path, monkeypatch):
    for name in ("TELEGRAM_BOT_TOKEN", "ADMIN_IDS", "ALLOWED_CHAT_IDS", "CORPUS_PATHS", "WEBHOOK_URL", "HOIDAP_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text(
        "TELEGRAM_BOT_TOKEN=111:from-dotenv\nADMIN_IDS=1, 2,3\nALLOWED_CHAT_IDS=\nCORPUS_PATHS=corpus,extra/news.jsonl\n"
        "HOIDAP_DATA_DIR=/srv/hoidap\nWEBHOOK_URL=https://bot.example.vn/tg/hook\nTELEGRAM_BASE_URL=http://127.0.0.1:8081/\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ADMIN_IDS", "7")  # the environment wins over .env
    s = Settings(_env_file=env)
    assert s.token == "111:from-dotenv" and "from-dotenv" not in repr(s)
    assert s.admin_ids == [7] and s.allowed_chat_ids == []
    assert [str(p) for p in s.corpus_paths] == ["corpus", "extra/news.jsonl"]
    assert str(s.data_dir) == "/srv/hoidap" and str(s.uploads_dir) == "/srv/hoidap/uploads"
    assert s.webhook_url_path == "tg/hook"
    assert s.api_urls() == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")
    assert s.rate_limit_questions == 10 and s.max_question_chars == 500
    assert s.chat_allowed(-100, 5)  # empty list: everyone
    s2 = Settings(_env_file=None, allowed_chat_ids="-100,5", admin_ids="9")
    assert s2.chat_allowed(-100, 1) and not s2.chat_allowed(-200, 1) and s2.chat_allowed(-200, 9)


def test_redaction_of_messages_and_tracebacks(caplog):
    from bot import redact

    token = "987654:SECRET-token-for-redaction"
    redact.install(token)
    log = logging.getLogger("hoidap.test")
    with caplog.at_level(logging.INFO):
        log.info("calling https://api.telegram.org/bot%s/getMe", token)
        log.info("download /file/bot987654%3ASECRET-token-for-redaction/documents/x")
        try:
            raise RuntimeError(f"bad url https://api.telegram.org/bot{token}/x")
        except RuntimeError:
            log.exception("failed")
    assert "SECRET" not in caplog.text
    assert caplog.text.count("***") >= 3
    assert logging.getLogger("httpx").level == logging.WARNING


def test_every_setting_is_in_env_example():
    from pathlib import Path

    example = (Path(__file__).resolve().parent.parent / ".env.example").read_text(encoding="utf-8")
    names = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")}

    def env_name(field: str, info) -> str:  # a field with aliases is documented under its first
        alias = info.validation_alias
        return alias.choices[0] if alias is not None else field.upper()

    expected = {env_name(f, info) for f, info in Settings.model_fields.items()}
    assert {"HOIDAP_DATA_DIR", "TELEGRAM_BOT_TOKEN"} <= expected
    assert expected <= names, expected - names




def test_highlight_marks_whole_question_words_not_their_syllables():
    text = "đã thành lập được 61 chi bộ đảng, 104 tổ chức đoàn, Hội Liên hiệp thành niên, 37 chi hội phụ nữ"
    out = render.highlight(text, render.query_words(["chi_bo", "dang", "thanh_lap"]))
    assert "<b>thành lập</b>" in out and "<b>chi bộ đảng</b>" in out
    assert "<b>thành</b> niên" not in out and "thành niên" in out  # "thành" alone is no question word
    assert "<b>chi</b> hội" not in out and "37 chi hội" in out
    assert visible_ok(out) == text
    # a word split by punctuation is not the question's word either
    assert "<b>" not in render.highlight("chi, bộ", render.query_words(["chi_bo"]))


def test_a_followup_shows_what_it_understood_and_every_answer_has_votes():
    ans = Answer(
        question="còn tổ chức công đoàn?", type="count", passages=[passage()], query_tokens=["to_chuc"],
        question_used="Có bao nhiêu tổ chức công đoàn <được> thành lập?", followup_of="Có bao nhiêu chi bộ đảng được thành lập?",
    )
    html_text, kb = render.answer_page(ans, 7, 0, votes=(2, 1))
    first = visible_ok(html_text).splitlines()[0]
    assert first == "🔁 Hiểu là: Có bao nhiêu tổ chức công đoàn <được> thành lập?"
    assert "&lt;được&gt;" in html_text
    assert [(b.text, b.callback_data) for b in kb.inline_keyboard[-1]] == [("👍 2", "v:7:1"), ("👎 1", "v:7:2")]
    plain, _ = render.answer_page(Answer(question="q", passages=[passage()]), 7, 0)
    assert "Hiểu là" not in plain
    nothing, kb = render.answer_page(Answer(question="xyzzy"), 8, 0)
    assert "chưa tìm thấy" in nothing and [b.callback_data for b in kb.inline_keyboard[0]] == ["v:8:1", "v:8:2"]


@pytest.mark.parametrize(("data", "parsed"), [("v:12:1", ("v", 12, 1)), ("v:12:2", ("v", 12, 2)), ("v:12:3", None), ("v:x:1", None)])
def test_vote_callbacks(data, parsed):
    assert render.parse_callback(data) == parsed


def test_with_votes_keeps_the_other_buttons():
    _, kb = render.answer_page(Answer(question="q", passages=[passage(), passage(passage_id=2)]), 5, 0)
    again = render.with_votes(kb, 5, (1, 0))
    assert again.inline_keyboard[0] == kb.inline_keyboard[0]
    assert [b.text for b in again.inline_keyboard[-1]] == ["👍 1", "👎"] and len(again.inline_keyboard) == 2


def test_unanswered_messages_fit_and_escape():
    from datetime import datetime

    from index.querylog import UnansweredGroup

    groups = [
        UnansweredGroup(f"Câu hỏi <{i}> " + "rất dài " * 40, 3, {"not_found": 2, "uncertain": 1}, 1, ["đáp án <đúng>"], datetime(2026, 12, 1), 2)
        for i in range(40)
    ]
    msgs = render.unanswered_messages(groups, 30)
    assert len(msgs) > 1 and all(render.visible_len(m) <= render.MAX_MESSAGE for m in msgs)
    assert "&lt;0&gt;" in msgs[0] and "đáp án &lt;đúng&gt;" in msgs[0] and "không tìm thấy 2" in msgs[0]
    assert "Không có câu hỏi nào" in render.unanswered_messages([], 7)[0]
