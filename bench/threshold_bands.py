"""How often stated answers are right, band by band of confidence: where to cut.

The threshold (``min_confidence``) states every answer at or above it. A cut is worth
what the answers just above it are worth: an average over all stated answers hides a
band right far less often than the product promises. This prints, on question sets the
scorer was not fitted on, each band's stated / right / near misses stated and precision,
and what each cut states in all (precision, coverage, near misses not stated).

Usage:
    python bench/threshold_bands.py --data-dir DIR [--edges 0.80,0.8572,0.88,0.90,0.92] SETS.jsonl ...
    python bench/threshold_bands.py ... --write-threshold 0.90 --why "..."   # ship a cut

``--write-threshold`` writes the shipped scorer (``index/data/scorer.json``) with that
threshold and the table it was read from in its ``meta``; the ranker and the confidence
scale are untouched, so only which answers are stated changes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import golds_of, missing_inputs  # noqa: E402

Row = tuple[dict, float, str, bool]  # (gold, confidence, status at threshold 0, best candidate right)


def answer_rows(data_dir: Path, files: list[Path]) -> list[Row]:
    """Every question answered as ``ask`` does with threshold 0 (so each answer the
    vetoes let through is "answered", whatever its confidence)."""
    from index.cli import open_engine
    from index.evaluate import best_right

    engine = open_engine(data_dir, None)
    engine.min_confidence = 0.0
    rows = []
    for gold in golds_of(files):
        ans = engine.ask(gold["question"])
        rows.append((gold, ans.confidence or 0.0, ans.status, best_right(gold, ans)))
    return rows


def _right(gold: dict, ok: bool) -> bool:
    return ok and gold.get("answerable", True) is not False


def bands(rows: list[Row], edges: list[float]) -> list[dict]:
    """Stated answers by confidence band [edges[i], edges[i+1]) (the last band closed at
    1): how many, how many right, how many near misses among them."""
    cuts = sorted(edges) + [1.0 + 1e-12]
    out = []
    for lo, hi in zip(cuts, cuts[1:]):
        inside = [(g, ok) for g, c, s, ok in rows if s == "answered" and lo <= c < hi]
        right = sum(_right(g, ok) for g, ok in inside)
        out.append({
            "from": lo, "to": min(hi, 1.0), "stated": len(inside), "right": right,
            "near_misses": sum(g.get("answerable", True) is False for g, _ in inside),
            "precision": round(right / len(inside), 4) if inside else None,
        })  # fmt: skip
    return out


def at_cut(rows: list[Row], t: float) -> dict:
    """What a threshold ``t`` states over all the rows, counted as ``hoidap eval`` counts
    (``train.at_threshold``, ``evaluate.trust``)."""
    from index.evaluate import trust
    from index.train import at_threshold

    tr = trust(at_threshold(rows, t))
    return {
        "min_confidence": t, "stated": tr.stated, "right": tr.stated_right,
        "precision": round(tr.precision, 4) if tr.stated else None,
        "coverage": round(tr.coverage, 4) if tr.answerable else None,
        "near_misses_not_stated": tr.abstained_unanswerable, "near_misses": tr.unanswerable,
    }  # fmt: skip


def _table(rows: list[Row], edges: list[float], target: float) -> str:
    lines = ["| band | stated | right | near misses stated | precision |", "|---|---|---|---|---|"]
    for b in bands(rows, edges):
        p = "-" if b["precision"] is None else f"{b['precision']:.3f}" + (" (below target)" if b["precision"] < target else "")
        lines.append(f"| [{b['from']:.4f}, {b['to']:.4f}) | {b['stated']} | {b['right']} | {b['near_misses']} | {p} |")
    lines += ["", "| cut | stated | right | precision | coverage | near misses not stated |", "|---|---|---|---|---|---|"]
    for t in sorted(edges):
        c = at_cut(rows, t)
        p = "-" if c["precision"] is None else f"{c['precision']:.3f}"
        cov = "-" if c["coverage"] is None else f"{c['coverage']:.3f}"
        lines.append(f"| {t:.4f} | {c['stated']} | {c['right']} | {p} | {cov} | {c['near_misses_not_stated']}/{c['near_misses']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data")
    ap.add_argument("--edges", default="0.80,0.8572,0.88,0.90,0.92", help="Band edges, comma separated.")
    ap.add_argument("--target", type=float, default=0.92, help="Precision a band is marked against.")
    ap.add_argument("--write-threshold", type=float, help="Write the shipped scorer with this threshold.")
    ap.add_argument("--why", default="", help="With --write-threshold: the rule the cut was chosen by.")
    args = ap.parse_args()
    if why := missing_inputs(args.sets, args.data_dir):
        print(why)
        return
    edges = [float(x) for x in args.edges.split(",")]
    rows = answer_rows(args.data_dir, args.sets)
    print(f"{len(rows)} questions from {len(args.sets)} sets ({args.data_dir})\n")
    print(_table(rows, edges, args.target))
    if args.write_threshold is not None:
        if not args.why:
            sys.exit("--write-threshold needs --why: the rule the cut was chosen by")
        from index.scorer import SCORER_FILE, load

        path = ROOT / "index" / SCORER_FILE
        scorer = load(path)
        meta = dict(scorer.meta or {})
        kept = (meta.get("band_threshold") or {}).get("previous")  # re-read bands at the same cut
        previous = kept if kept is not None and scorer.min_confidence == args.write_threshold else round(scorer.min_confidence, 4)
        meta["band_threshold"] = {
            "sets": [f.name for f in args.sets],
            "edges": edges,
            "target": args.target,
            "bands": bands(rows, edges),
            "previous": previous,
            "shipped": args.write_threshold,
        }
        meta["threshold"] = args.why
        replace(scorer, min_confidence=args.write_threshold, meta=meta).save(path)
        print(f"\nmin_confidence {scorer.min_confidence:.4f} -> {args.write_threshold:.4f}; written to {path}")


if __name__ == "__main__":
    main()
