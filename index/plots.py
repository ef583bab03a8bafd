"""Charts of ``hoidap eval --plot DIR``: the precision–coverage curve and a reliability
diagram, as PNG (matplotlib, in the optional ``[train]`` extra)."""

from __future__ import annotations

from pathlib import Path

from index.evaluate import Trust


def plot_trust(t: Trust, folder: Path, title: str = "") -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise SystemExit('--plot needs matplotlib: pip install matplotlib') from exc
    folder.mkdir(parents=True, exist_ok=True)
    out = []

    fig, ax = plt.subplots(figsize=(5, 4), dpi=120)
    if t.curve:
        ax.plot([c for _, c, _ in t.curve], [p for _, _, p in t.curve], marker=".", lw=1)
    ax.scatter([t.coverage], [t.precision], color="red", zorder=3, label=f"threshold: coverage {t.coverage:.2f}, precision {t.precision:.2f}")
    ax.set(xlabel="coverage (stated / answerable)", ylabel="precision (right / stated)", xlim=(0, 1), ylim=(0, 1.02),
           title=f"Precision–coverage {title}".strip())
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    path = folder / "precision_coverage.png"
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    out.append(path)

    fig, ax = plt.subplots(figsize=(5, 4), dpi=120)
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
    if t.reliability:
        conf = [c for c, _, _ in t.reliability]
        acc = [a for _, a, _ in t.reliability]
        ax.plot(conf, acc, marker="o")
        for c, a, n in t.reliability:
            ax.annotate(str(n), (c, a), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set(xlabel="confidence", ylabel="share right", xlim=(0, 1), ylim=(0, 1.02),
           title=f"Reliability (ECE {t.ece:.3f}) {title}".strip())
    ax.grid(alpha=0.3)
    path = folder / "reliability.png"
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    out.append(path)
    return out


def questions_per_day_png(per_day: list, title: str = "") -> bytes:
    """A stacked bar chart of questions per day by status (``querylog.PeriodStats.per_day``)
    as PNG bytes; the bot sends it with ``/stats`` (matplotlib, a dependency of the bot)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in a thread

    labels = {"answered": "trả lời được", "uncertain": "chưa chắc chắn", "not_found": "không tìm thấy"}
    colors = {"answered": "#2e7d32", "uncertain": "#f9a825", "not_found": "#c62828"}
    days = [d for d, _ in per_day]
    fig = Figure(figsize=(7, 3.2), dpi=110)
    ax = fig.subplots()
    bottom = [0] * len(days)
    for status in ("answered", "uncertain", "not_found"):
        values = [counts.get(status, 0) for _, counts in per_day]
        ax.bar(days, values, bottom=bottom, color=colors[status], label=labels[status], width=0.8)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("câu hỏi / ngày")
    ax.set_title(title or "Câu hỏi mỗi ngày theo kết quả")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
