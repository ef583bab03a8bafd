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
        raise SystemExit('--plot needs matplotlib: pip install -e ".[train]"') from exc
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
