"""Texts of fetching from news sites: /reload's progress and summary, /sources (pure)."""

from __future__ import annotations

from html import escape as esc

from bot.render import MAX_ERRORS_SHOWN, num, report_lines, seconds, shorten, when

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


def fetch_summary(report) -> str:
    """/reload with sources: per source pages new / unchanged / failed, then the ingest's counts."""
    ing = report.ingest
    bad = report.failed or (ing is not None and ing.failed)
    head = "✅ Đã lấy tin và nạp lại dữ liệu xong." if not bad else "⚠️ Đã lấy tin và nạp lại dữ liệu, có lỗi."
    lines = [head, ""]
    for r in report.runs:
        lines.append(
            f"• <b>{esc(r.source.name)}</b>: tìm thấy {num(r.found)}, mới {num(r.new)}, "
            f"không đổi {num(r.unchanged)}, lỗi {num(r.failed)}"
            + (f", để lần sau {num(r.skipped)}" if r.skipped else "")
        )
    lines.append(f"Yêu cầu gửi đi: {num(report.requests)} ({num(report.conditional)} có điều kiện)")
    if ing is not None:
        lines.append("")
        lines += report_lines(ing)
    lines += _error_lines(report.runs)
    return "\n".join(lines)


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
    lines = [f"🌐 <b>Nguồn tin</b> ({num(len(items))})", schedule, ""]
    for s in items:
        lines.append(f"<b>{esc(s.name)}</b> ({esc(s.kind)}) — {esc(shorten(s.url, 120))}")
        lines.append(
            f"  Lần lấy gần nhất: {when(s.last_fetch_at)} · {STATUS.get(s.last_status, esc(str(s.last_status)))} · "
            f"mới {num(s.last_new)}, không đổi {num(s.last_unchanged)}, lỗi {num(s.last_failed)} · "
            f"bài: <b>{num(s.articles)}</b>"
        )
        for url, reason in s.last_errors[:3]:
            lines.append(f"  ✗ <code>{esc(shorten(url, 100))}</code>: {esc(shorten(reason, 140))}")
        if len(s.last_errors) > 3:
            lines.append(f"  … và {num(len(s.last_errors) - 3)} lỗi khác")
    return "\n".join(lines)
