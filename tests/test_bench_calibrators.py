"""bench/calibrators.py: the cut it reads and the comparison on rows it is given."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import calibrators  # noqa: E402


def test_stated_at_is_the_lowest_cut_at_that_precision():
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    y = np.array([True, True, False, True, False])
    assert calibrators.stated_at(p, y, 1.0) == (2, 2)
    assert calibrators.stated_at(p, y, 0.75) == (4, 3)  # 3 of 4 right down to 0.6
    assert calibrators.stated_at(p, y, 0.5) == (5, 3)
    assert calibrators.stated_at(p, np.zeros(5, dtype=bool), 0.5) == (0, 0)


def test_stated_at_states_tied_answers_together():
    p = np.array([0.9, 0.5, 0.5])
    for y in ([True, True, False], [True, False, True]):  # the order inside a tie does not matter
        assert calibrators.stated_at(p, np.array(y), 1.0) == (1, 1)
        assert calibrators.stated_at(p, np.array(y), 0.6) == (3, 2)


@pytest.mark.slow  # boosted trees, 5 folds: several seconds
def test_compare_scores_every_model_on_the_same_rows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = X[:, 0] + 0.5 * rng.normal(size=400) > 0  # the first feature decides, with noise
    groups = np.repeat(np.arange(100), 4)
    HX = rng.normal(size=(200, 3))
    Hy = HX[:, 0] + 0.5 * rng.normal(size=200) > 0
    out = calibrators.compare(X, y, groups, HX, Hy)
    assert set(out) == set(calibrators.MODELS)
    for r in out.values():
        assert 0.75 < r["auc_out_of_fold"] <= 1.0 and 0.75 < r["auc_held_out"] <= 1.0  # they all learn the signal
        cuts = [r["held_out_stated_right"][str(p)] for p in calibrators.PRECISIONS]
        assert cuts[0][0] > 0 and [s for s, _ in cuts] == sorted((s for s, _ in cuts), reverse=True)  # stricter, fewer
