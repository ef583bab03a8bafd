"""The scorer: a ranking and a calibrated confidence from candidate features."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index import scorer as scoring
from index.candidates import FEATURES, Candidate
from index.scorer import CALIBRATION, HAND, LinearModel, Scorer


def _cand(value: float, **features: float) -> Candidate:
    from index.models import FigureHit

    f = FigureHit(value, str(value), "đảng viên", "count", None, None, "a", 1, "s")
    return Candidate("count", str(value), 1, "a", "s", figure=f, features=dict(features))


def test_the_shipped_scorer_matches_the_features_of_this_code():
    # a feature added or renamed without `hoidap train` would silently mis-score
    s = scoring.shipped()
    assert s.name == "fitted"
    assert s.ranker.features == FEATURES and s.calibrator.features == CALIBRATION
    assert 0.0 < s.min_confidence < 1.0
    assert s.meta["cross_validated"]["fitted"]["precision"] >= 0.9


def test_json_round_trip(tmp_path):
    s = scoring.shipped()
    s.save(tmp_path / "s.json")
    back = scoring.load(tmp_path / "s.json")
    assert back.ranker.features == s.ranker.features
    np.testing.assert_allclose(back.ranker.coef, s.ranker.coef, atol=1e-7)
    assert back.min_confidence == s.min_confidence
    assert scoring.load("hand") is HAND


def test_a_malformed_scorer_file_is_refused(tmp_path):
    d = scoring.shipped().to_json()
    d["ranker"]["coef"] = d["ranker"]["coef"][:-1]
    (tmp_path / "bad.json").write_text(json.dumps(d))
    with pytest.raises(ValueError):
        scoring.load(tmp_path / "bad.json")


def test_rank_orders_by_the_linear_score_and_without_forgets_a_feature():
    ranker = LinearModel.weights({"unit": 2.0, "sentence": 1.0}, FEATURES)
    s = Scorer("t", ranker, None)
    a, b = _cand(1, unit=1.0), _cand(2, sentence=1.5)
    assert [c.figure.value for c in s.rank([b, a])] == [1, 2]
    assert [c.figure.value for c in s.without("unit").rank([a, b])] == [2, 1]


def test_a_typed_weight_applies_only_to_its_answer_type():
    # "unit" counts for count questions only; "sentence" for every type
    names = ("sentence", "unit*type_count")
    ranker = LinearModel(names, np.zeros(2), np.ones(2), np.array([1.0, 2.0]), 0.0)
    s = Scorer("t", ranker, None)
    count_q = [_cand(1, unit=1.0, type_count=1.0), _cand(2, sentence=1.5, type_count=1.0)]
    person_q = [_cand(1, unit=1.0, type_person=1.0), _cand(2, sentence=1.5, type_person=1.0)]
    assert [c.figure.value for c in s.rank(count_q)] == [1, 2]  # 2.0 against 1.5
    assert [c.figure.value for c in s.rank(person_q)] == [2, 1]  # 0 against 1.5
    X = scoring.design_matrix(count_q, ("sentence", "unit*type_count", "no_such_feature"))
    np.testing.assert_array_equal(X, [[0.0, 1.0, 0.0], [1.5, 0.0, 0.0]])
    assert set(scoring.TYPED_FEATURES[: len(FEATURES)]) == set(FEATURES)
    # blind to a feature: its typed weights too
    assert [c.figure.value for c in s.without("unit").rank(count_q)] == [2, 1]
    assert all(a in FEATURES and b in scoring.TYPE_FEATURES for a, b in (n.split("*") for n in scoring.TYPED_FEATURES[len(FEATURES) :]))


def test_confidence_grows_with_the_margin_to_another_answer():
    n = len(CALIBRATION)
    coef = np.zeros(n)
    coef[CALIBRATION.index("margin")] = 1.0
    cal = LinearModel(CALIBRATION, np.zeros(n), np.ones(n), coef, 0.0)
    s = Scorer("t", LinearModel.weights({"unit": 1.0}, FEATURES), cal)
    close = s.confidence(s.rank([_cand(1, unit=1.0), _cand(2, unit=0.9)]))
    far = s.confidence(s.rank([_cand(1, unit=1.0), _cand(2, unit=0.1)]))
    same_value = s.confidence(s.rank([_cand(1, unit=1.0), _cand(1, unit=0.99)]))  # one answer twice: no rival
    assert close < far < same_value
    assert HAND.confidence(HAND.rank([_cand(1)])) == 1.0 and HAND.confidence([]) == 0.0


def test_the_threshold_comes_from_the_environment_or_says_what_is_wrong(tmp_path, monkeypatch):
    from index.engine import Engine

    monkeypatch.setenv("HOIDAP_MIN_CONFIDENCE", "0.5")
    assert Engine(tmp_path / "a").min_confidence == 0.5
    monkeypatch.setenv("HOIDAP_MIN_CONFIDENCE", "")
    assert Engine(tmp_path / "b").min_confidence is None  # empty: the scorer's own
    for bad in ("cao", "1.5"):
        monkeypatch.setenv("HOIDAP_MIN_CONFIDENCE", bad)
        with pytest.raises(ValueError, match="HOIDAP_MIN_CONFIDENCE must be a number from 0 to 1"):
            Engine(tmp_path / "c")
