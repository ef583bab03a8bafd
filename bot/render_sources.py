"""Texts of fetching from news sites: /reload's progress and summary, /sources (pure)."""

from __future__ import annotations

from html import escape as esc

from bot.render import MAX_ERRORS_SHOWN, MAX_MESSAGE, num, report_lines, seconds, shorten, visible_len, when

STATUS = {"ok": "✅ tốt", "partial": "⚠️ một phần lỗi", "failed": "❌ lỗi", None: "— chưa lấy"}
SOURCES_EMPTY = (
    "Chưa có nguồn tin nào. Thêm trên máy chủ: <code>hoidap sources add URL</code> "
    "(RSS/Atom, sitemap hoặc một trang), hoặc đặt SOURCES trong .env."
)


def fetch_progress(report, articles_done: int, elapsed_s: float) -> str:
    """One line while /reload fetches: the source, pages new / unchanged / failed so far."""
    runs = report.runs
    where = f"nguồn {len(runs)}/{report.total_sources}: {report.current}" if report.current else "đang nạp bài"
    return (
        f"⏳ Đang lấy tin… {where} — trang mới {num(report.new)}, không đổi {num(report.unchanged)}, "
        f"lỗi {num(report.failed)}; đã nạp {num(articles_done)} bài, {seconds(elapsed_s)}"
    )


def _error_lines(runs) -> list[str]:
    errors = [(r.source.name, url, reason) for r in runs for url, reason in r.errors]
    if not errors:
        return []
    lines = ["", "Trang lỗi:"]
    for name, url, reason in errors[:MAX_ERRORS_SHOWN]:
        lines.append(f"• {esc(name)} <code>{esc(shorten(url, 120))}</code>: {esc(shorten(reason, 160))}")
    if len(errors) > MAX_ERRORS_SHOWN:
        lines.append(f"… và {num(len(errors) - MAX_ERRORS_SHOWN)} lỗi khác (xem /sources).")
    return lines


def bounded(head: list[str], body: list[str], more: str, limit: int = MAX_MESSAGE - 96) -> str:
    """``head`` then as many lines of ``body`` as fit in one Telegram message; when some
    do not, ``more`` (with how many were left out) ends it."""
    lines = list(head)
    for i, line in enumerate(body):
        if visible_len("\n".join(lines + [line])) > limit:
            lines.append(more.format(n=num(len(body) - i)))
            break
        lines.append(line)
    return "\n".join(lines)


def fetch_summary(report) -> str:
    """/reload with sources: the ingest's counts, then per source pages new / unchanged /
    failed and the failed pages — within one message."""
    ing = report.ingest
    bad = report.failed or (ing is not None and ing.failed)
    head = "✅ Đã lấy tin và nạp lại dữ liệu xong." if not bad else "⚠️ Đã lấy tin và nạp lại dữ liệu, có lỗi."
    lines = [head]
    if ing is not None:
        lines += report_lines(ing)
    lines.append(f"Yêu cầu gửi đi: {num(report.requests)} ({num(report.conditional)} có điều kiện)")
    lines.append("")
    body = [
        f"• <b>{esc(r.source.name)}</b>: tìm thấy {num(r.found)}, mới {num(r.new)}, "
        f"không đổi {num(r.unchanged)}, lỗi {num(r.failed)}"
        + (f", để lần sau {num(r.skipped)}" if r.skipped else "")
        for r in report.runs
    ]
    body += _error_lines(report.runs)
    return bounded(lines, body, "… còn {n} dòng nữa: xem /sources.")


def scheduled_line(report) -> str:
    """The one-line record of a scheduled fetch (for /stats and the log)."""
    ing = report.ingest
    added = f", bài thêm {num(ing.added)}, cập nhật {num(ing.updated)}" if ing is not None else ""
    return f"trang mới {num(report.new)}, không đổi {num(report.unchanged)}, lỗi {num(report.failed)}{added}"


def sources_text(items, interval_minutes: float = 0) -> str:
    """/sources: every source with its last fetch, status, articles and errors."""
    if not items:
        return SOURCES_EMPTY
    schedule = (
        f"Tự động lấy tin mỗi {num(interval_minutes, 0)} phút." if interval_minutes > 0 else "Chỉ lấy tin khi có /reload."
    )
    head = [f"🌐 <b>Nguồn tin</b> ({num(len(items))})", schedule, ""]
    blocks = [_source_block(s) for s in items]
    full = bounded(head, [line for b in blocks for line in b], "… còn {n} dòng nữa: xem <code>hoidap sources list</code>.")
    if all(b[0] in full for b in blocks):  # every source is there, with its errors
        return full
    return bounded(head, [b[0] for b in blocks], "… còn {n} nguồn nữa: xem <code>hoidap sources list</code>.")


def _source_block(s) -> list[str]:
    """One source: its summary line first, then its latest errors (at most 3)."""
    lines = [
        f"<b>{esc(s.name)}</b> ({esc(s.kind)}) — {esc(shorten(s.url, 120))}\n"
        f"  Lần lấy gần nhất: {when(s.last_fetch_at)} · {STATUS.get(s.last_status, esc(str(s.last_status)))} · "
        f"mới {num(s.last_new)}, không đổi {num(s.last_unchanged)}, lỗi {num(s.last_failed)} · "
        f"bài: <b>{num(s.articles)}</b>"
    ]
    for url, reason in s.last_errors[:3]:
        lines.append(f"  ✗ <code>{esc(shorten(url, 100))}</code>: {esc(shorten(reason, 140))}")
    if len(s.last_errors) > 3:
        lines.append(f"  … và {num(len(s.last_errors) - 3)} lỗi khác")
    return lines
