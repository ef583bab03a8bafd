"""The shipped calibrator (logistic regression) beside gradient-boosted trees, on the same rows.

The calibrator turns the ranked candidates of a question into the probability that the best
one is right (``index.scorer.calibration_vector``: 35 features). Rows are built as
``hoidap train`` builds them: the ranker is fitted on the other folds (5, by article) and
each question's calibration vector read with it. Each model is then scored out of fold (5
folds by article over those rows) and, fitted on every row, on held-out question sets
(their rows read with the ranker fitted on all the fitting questions). Printed: the AUC of
"the best candidate is right" and what each model states where its stated answers are
right at least a share P of the time (near misses count as wrong). The vetoes of
``index.answer`` are not applied: this compares the models, not the product's statements.

Usage:
    python bench/calibrators.py --data-dir DIR --fit FIT.jsonl [...] --held HELD.jsonl [...] [--json]

Needs scikit-learn (the [train] extra). About 10 minutes over 7,955 fitting questions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import golds_of, missing_inputs  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from index import train  # noqa: E402
from index.engine import Engine  # noqa: E402

FOLDS = 5
PRECISIONS = (0.92, 0.947, 0.96)


class Logistic:
    """The shipped calibrator's fit (``train.calibrator_on_rows``)."""

    def fit(self, X: np.ndarray, y: np.ndarray) -> Logistic:
        self.model = train.calibrator_on_rows(X, y)
        return self

    def proba(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.model.logits(X)))


class Trees:
    """scikit-learn's histogram gradient boosting, with the given settings."""

    def __init__(self, **settings):
        self.settings = settings

    def fit(self, X: np.ndarray, y: np.ndarray) -> Trees:
        from sklearn.ensemble import HistGradientBoostingClassifier

        self.model = HistGradientBoostingClassifier(random_state=0, **self.settings).fit(X, y)
        return self

    def proba(self, X: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(X)[:, 1]


MODELS: dict[str, Callable[[], Logistic | Trees]] = {
    "logistic (shipped)": Logistic,
    "trees, depth 2": lambda: Trees(max_depth=2, learning_rate=0.05, max_iter=300, min_samples_leaf=40),
    "trees, depth 3": lambda: Trees(max_depth=3, learning_rate=0.05, max_iter=300, min_samples_leaf=40, l2_regularization=1.0),
    "trees, 8 leaves": lambda: Trees(max_leaf_nodes=8, learning_rate=0.03, max_iter=400, min_samples_leaf=60, l2_regularization=1.0),
}


def stated_at(p: np.ndarray, y: np.ndarray, precision: float) -> tuple[int, int]:
    """(stated, right) at the lowest cut where the answers at or above it are right at
    least ``precision`` of the time; (0, 0) when no cut reaches it. A cut is a
    confidence: answers tied at it are stated together."""
    order = np.argsort(-p, kind="stable")
    right = np.cumsum(y[order])
    ends = np.nonzero(np.append(p[order][1:] != p[order][:-1], True))[0]  # the last of each tie
    ok = ends[right[ends] / (ends + 1) >= precision]
    return (0, 0) if not len(ok) else (int(ok[-1] + 1), int(right[ok[-1]]))


def rows(fit_items: list[train.Item], held_items: list[train.Item]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold calibration rows of the fitting questions (with their article groups),
    and the held-out questions' rows under the ranker fitted on all of them."""
    X, y, groups = train.out_of_fold_calibration_rows(fit_items, FOLDS)
    HX, Hy = train.calibration_rows(held_items, train.fit_ranker(fit_items))
    return X, y, np.array(groups), HX, Hy


def compare(X: np.ndarray, y: np.ndarray, groups: np.ndarray, HX: np.ndarray, Hy: np.ndarray) -> dict[str, dict]:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    out = {}
    for name, make in MODELS.items():
        oof = np.zeros(len(y))
        for tr, te in GroupKFold(n_splits=FOLDS).split(X, y, groups):
            oof[te] = make().fit(X[tr], y[tr]).proba(X[te])
        held = make().fit(X, y).proba(HX)
        out[name] = {
            "auc_out_of_fold": round(float(roc_auc_score(y, oof)), 4),
            "auc_held_out": round(float(roc_auc_score(Hy, held)), 4),
            "held_out_stated_right": {str(p): stated_at(held, Hy, p) for p in PRECISIONS},
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--fit", type=Path, nargs="+", required=True, help="question sets the models are fitted on")
    ap.add_argument("--held", type=Path, nargs="+", required=True, help="question sets never fitted on")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if skip := missing_inputs([*args.fit, *args.held], args.data_dir):
        print(skip)
        return 0
    fit_golds, held_golds = list(golds_of(args.fit)), list(golds_of(args.held))
    both = {g["question"] for g in fit_golds} & {g["question"] for g in held_golds}
    if both:
        print(f"{len(both)} questions are both in --fit and --held (e.g. {sorted(both)[0]!r}): a held-out set must be unseen.")
        return 2
    train.need_sklearn()
    engine = Engine(args.data_dir)
    fit_items = train.collect(engine, fit_golds)
    held_items = train.collect(engine, held_golds)
    X, y, groups, HX, Hy = rows(fit_items, held_items)
    result = compare(X, y, groups, HX, Hy)
    if args.json:
        print(json.dumps({"fit_rows": len(y), "held_rows": len(Hy), "models": result}))
        return 0
    table = Table(title=f"calibrators on the same rows: {len(y)} fitting questions (out of fold), {len(Hy)} held out")
    for col in ("model", "AUC out of fold", "AUC held out", *(f"held out at precision {p}: stated / right" for p in PRECISIONS)):
        table.add_column(col)
    for name, r in result.items():
        cells = [f"{s} / {k}" for s, k in r["held_out_stated_right"].values()]
        table.add_row(name, f"{r['auc_out_of_fold']:.4f}", f"{r['auc_held_out']:.4f}", *cells)
    Console(width=160).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
