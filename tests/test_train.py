"""Fitting the scorer (index/train.py, `hoidap train`) and measuring trust
(`hoidap eval`), on questions written for the tests (tests/fixtures/questions.jsonl)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from conftest import FIXTURES
from index import evaluate, train
from index import scorer as scorer_module
from index.scorer import HAND, load
from index.text import fold

QUESTIONS = FIXTURES / "questions.jsonl"


@pytest.fixture(scope="module")
def items(request):
    engine = request.getfixturevalue("seed_engine")
    return train.collect(engine, evaluate.load_jsonl(QUESTIONS))


def test_candidates_are_labelled_against_the_gold_answer(items):
    by_id = {it.gold["id"]: it for it in items}
    q01 = by_id["q01"]
    right = [c for c, ok in zip(q01.cands, q01.labels) if ok]
    assert right and all(c.figure.value == 61 for c in right)
    assert not any(by_id["q10"].labels)  # unanswerable: nothing is right


def test_folds_never_split_an_article(items):
    for fitted, scored in train._folds(items, 3):
        assert not {it.group for it in fitted} & {it.group for it in scored}
        assert len(fitted) + len(scored) == len(items)


def test_the_ranker_learns_what_tells_the_right_candidate(items):
    ranker = train.fit_ranker(items)
    unit = ranker.coef[ranker.features.index("unit")]
    assert unit > 0  # the asked unit makes a candidate likelier
    ranked = [s for s in (train.Scorer("t", ranker, None).rank(list(it.cands)) for it in items) if s]
    assert ranked


def test_a_typed_ranker_fits_one_weight_per_feature_and_type(items):
    ranker = train.fit_ranker(items, typed=True)
    assert ranker.features == scorer_module.TYPED_FEATURES
    # the fixtures ask counts: their typed weights are fitted, a type never asked keeps 0
    asked = {it.gold["type"] for it in items}
    assert "money" not in asked
    assert ranker.coef[ranker.features.index("unit*type_count")] != 0
    assert ranker.coef[ranker.features.index("unit*type_money")] == 0
    typed = train.Scorer("t", ranker, None)
    assert all(typed.rank(list(it.cands)) for it in items if it.cands)


def test_signed_logistic_is_sklearns_fit_where_the_signs_hold_and_zero_where_not():
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    Z = rng.normal(size=(400, 3))
    y = (Z @ np.array([1.5, -1.0, 0.3]) + rng.normal(size=400)) > 0
    free = LogisticRegression(C=0.1, max_iter=5000).fit(Z, y)
    signs = [int(np.sign(w)) for w in free.coef_[0]]
    coef, intercept = train._signed_logistic(Z, y, 0.1, signs)  # the free optimum obeys them
    assert np.allclose(coef, free.coef_[0], atol=1e-3) and abs(intercept - free.intercept_[0]) < 1e-3
    coef, _ = train._signed_logistic(Z, y, 0.1, [1, 1, 0])  # the second weight wants to be negative
    assert coef[1] == 0.0 and coef[0] > 0


def test_a_signed_calibrator_keeps_every_weight_to_its_sign(items):
    cal = train.fit_calibrator(items, 2, signed=True)
    for name, w in zip(cal.features, cal.coef):
        sign = scorer_module.CALIBRATION_SIGNS.get(name, 0)
        assert w * sign >= 0, name
    assert set(scorer_module.CALIBRATION_SIGNS) <= set(cal.features)  # no sign for a feature that is gone


def test_the_report_says_how_often_the_right_answer_is_among_the_candidates(items):
    got = train.in_candidates(items)
    for group in ("figures", "spans"):
        mine = [it for it in items if evaluate.TYPE_GROUPS.get(it.gold["type"]) == group and it.gold.get("answerable", True)]
        want = sum(any(it.labels) for it in mine) / len(mine) if mine else None
        assert got[group] == (pytest.approx(want, abs=1e-4) if want is not None else None)
    unanswerable = [it for it in items if not it.gold.get("answerable", True)]
    assert unanswerable and train.in_candidates(unanswerable) == {"figures": None, "spans": None}


def test_the_threshold_is_the_lowest_confidence_at_the_target_precision():
    rows = [({"answerable": True}, c, "answered", ok) for c, ok in [(0.95, True), (0.9, True), (0.8, False), (0.7, True), (0.6, False)]]
    assert train.choose_threshold(rows, 0.9, margin=0) == 0.9  # 2/2; with 0.8 it drops to 2/3
    assert train.choose_threshold(rows, 0.7, margin=0) == 0.7  # 3/4 = 0.75; all five 3/5
    stated = [s for _, _, s, _ in train.at_threshold(rows, 0.9)]
    assert stated == ["answered", "answered", "uncertain", "uncertain", "uncertain"]


def test_the_threshold_never_cuts_inside_a_tie():
    # three answers share 0.8: a cut there states all three (3/5 right), not the right ones first
    rows = [({"answerable": True}, c, "answered", ok) for c, ok in [(0.9, True), (0.9, True), (0.8, True), (0.8, False), (0.8, False)]]
    assert train.choose_threshold(rows, 0.75, margin=0) == 0.9  # 2/2; at 0.8: 3/5
    assert train.choose_threshold(rows, 0.6, margin=0) == 0.8


def test_the_threshold_keeps_a_margin_over_the_promised_precision():
    # 100 answers, the best 40 all right, then one wrong in every eight: 93 right in all
    rows = [({"answerable": True}, 1 - i / 200, "answered", i < 40 or i % 8 != 7) for i in range(100)]
    assert train.choose_threshold(rows, 0.92, margin=0) == rows[-1][1]  # 0.93: enough
    with_margin = train.choose_threshold(rows, 0.925, margin=0.01)
    assert with_margin > rows[-1][1]  # 0.93 < 0.935: fewer answers are stated
    kept = [ok for _, c, _, ok in rows if c >= with_margin]
    assert sum(kept) / len(kept) >= 0.935
    # nothing reaches it: nothing is stated
    assert train.choose_threshold([(g, c, s, False) for g, c, s, _ in rows], 0.5) == 1.0


def test_train_reports_folds_beside_the_hand_weights(items):
    scorer, rep = train.train(items, folds=2)
    assert rep["folds"] == 2 and rep["questions"] == len(items) == 12 and rep["answerable"] == 9
    assert rep["answer_in_candidates"] == train.in_candidates(items)
    for name in ("fitted", "hand"):
        assert {"coverage", "precision", "abstention_unanswerable", "ece", "best_candidate_accuracy"} <= set(rep[name])
    assert rep["hand"]["coverage"] >= rep["fitted"]["coverage"]  # the hand weights state every best candidate
    assert scorer.min_confidence == rep["min_confidence"] and scorer.calibrator is not None


def test_questions_written_with_diacritics_are_scored_again_without_them(items, request):
    engine = request.getfixturevalue("seed_engine")
    unaccented = train.twins(engine, items)
    written = [it for it in items if it.gold.get("answerable", True) and it.gold["question"] != fold(it.gold["question"])]
    assert written and len(unaccented) == len(written)
    assert all(t.gold["question"] == fold(t.gold["question"]) and t.gold["_twin_of"] for t in unaccented)
    _, rep = train.train(items, folds=2, unaccented=unaccented)
    both = rep["diacritics_removed"]
    assert both["as_written"]["n"] == both["without"]["n"] == len(written)
    assert rep["questions"] == len(items)  # the twins are scored, never fitted on or counted


def test_trust_metrics_on_rows_written_by_hand():
    a = {"answerable": True, "type": "count"}
    u = {"answerable": False, "type": "count"}
    rows = [(a, 0.9, "answered", True), (a, 0.9, "answered", False), (a, 0.3, "uncertain", True), (u, 0.2, "uncertain", False), (u, 0.9, "answered", False)]
    t = evaluate.trust(rows, bins=10)
    assert t.coverage == pytest.approx(2 / 3)  # two of three answerable stated
    assert t.precision == pytest.approx(1 / 3)  # one right of three stated (the unanswerable one is wrong)
    assert t.abstention == pytest.approx(1 / 2)
    assert t.best_right["figures"] == (2, 3)
    # bins: 0.9 → 1 right of 3; 0.3 → 1 of 1; 0.2 → 0 of 1
    assert t.ece == pytest.approx((3 * abs(1 / 3 - 0.9) + abs(1 - 0.3) + abs(0 - 0.2)) / 5)


def test_ece_of_a_perfectly_calibrated_scorer_is_the_ece_of_its_own_draws():
    import numpy as np

    conf = [0.05, 0.15, 0.35, 0.5, 0.62, 0.71, 0.88, 0.93, 0.97, 1.0] * 9  # 90 questions
    median, p90 = evaluate.ece_if_calibrated(conf, bins=10, draws=50, seed=3)
    # the same draws, scored one by one by the ECE the report prints
    right = np.random.default_rng(3).random((50, len(conf))) < np.asarray(conf)
    eces = [evaluate._calibration(list(zip(conf, row.tolist())), 10)[0] for row in right]
    assert median == pytest.approx(float(np.median(eces)))
    assert p90 == pytest.approx(float(np.percentile(eces, 90)))
    assert 0.03 < median < p90  # on 90 questions, noise alone gives an ECE of several points
    bigger, _ = evaluate.ece_if_calibrated(conf * 10, bins=10, draws=50, seed=3)
    assert bigger < median / 2  # ten times the questions: about a third of the noise
    assert evaluate.ece_if_calibrated([0.0, 1.0, 1.0]) == (0.0, 0.0)  # certain outcomes: no noise
    assert evaluate.ece_if_calibrated([]) == (0.0, 0.0)


def test_trust_reports_the_ece_floor_beside_the_ece():
    a = {"answerable": True, "type": "count"}
    rows = [(a, c, "answered", ok) for c, ok in [(0.9, True), (0.9, False), (0.6, True), (0.3, False)] * 5]
    out = evaluate.trust(rows).to_json()
    floor = out["ece_if_calibrated"]
    assert 0 < floor["median"] <= floor["p90"] < 1
    assert floor["median"] == round(evaluate.ece_if_calibrated([r[1] for r in rows])[0], 4)


@pytest.mark.slow
def test_hoidap_train_then_eval_with_plots(tmp_path, seed_engine):
    from test_cli import hoidap

    data = tmp_path / "d"
    r = hoidap("ingest", str(FIXTURES / "articles.jsonl"), "corpus", data_dir=data)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "scorer.json"
    r = hoidap("train", str(QUESTIONS), "--folds", "2", "--out", str(out), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["questions"] == 12 and set(rep) >= {"fitted", "hand", "min_confidence"}
    assert set(rep["fitted"]["by_source"]) == {"questions.jsonl"}  # one file: one source
    assert rep["fitted"]["by_source"]["questions.jsonl"]["answerable"] == 9
    assert load(out).min_confidence == rep["min_confidence"]
    r = hoidap("train", str(QUESTIONS), "--folds", "2", "--out", str(tmp_path / "s2.json"), data_dir=data)
    assert r.returncode == 0, r.stderr
    assert "precision (right / stated)" in r.stdout and "questions.jsonl: coverage" in r.stdout
    assert (tmp_path / "s2.json").read_text() == out.read_text()  # deterministic
    r = hoidap("eval", str(QUESTIONS), "--scorer", str(out), "--plot", str(tmp_path / "png"), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    trust = json.loads(r.stdout)["dev"]["trust"]
    assert trust["answerable"] == 9 and trust["unanswerable"] == 3
    for name in ("precision_coverage.png", "reliability.png"):
        assert (tmp_path / "png" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = hoidap("eval", str(QUESTIONS), "--article", "fx-1", "--json", data_dir=data)
    one = json.loads(r.stdout)["dev"]["trust"]
    assert (one["answerable"], one["unanswerable"]) == (2, 1)  # q05, q06 and the 2019 near miss
    r = hoidap("eval", str(QUESTIONS), "--article", "no-such-article", data_dir=data)
    assert r.returncode == 2 and "no-such-article" in r.stderr
    # several files are pooled into one report; a question twice is refused
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[5:]) + "\n", encoding="utf-8")
    # a set to rescale the confidence on must not be fitted on: refused before anything is written
    r = hoidap("train", str(QUESTIONS), "--rescale-on", str(tmp_path / "a.jsonl"), "--out", str(tmp_path / "s3.json"), data_dir=data)
    assert r.returncode == 2 and "--rescale-on" in r.stderr and not (tmp_path / "s3.json").exists()
    r = hoidap("eval", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--scorer", str(out), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["dev"]["trust"] == trust
    r = hoidap("eval", str(QUESTIONS), str(tmp_path / "a.jsonl"), data_dir=data)
    assert r.returncode == 2 and "id" in r.stderr
    r = hoidap("eval", str(QUESTIONS), "--scorer", "hand", "--json", data_dir=data)
    hand = json.loads(r.stdout)["dev"]["trust"]
    assert hand["abstention_unanswerable"] <= trust["abstention_unanswerable"]
    assert HAND.calibrator is None


def test_a_platt_step_recovers_a_known_overconfidence():
    rng = np.random.default_rng(7)
    p = rng.uniform(0.02, 0.98, 4000)
    truth = 1 / (1 + np.exp(-(0.6 * np.log(p / (1 - p)) - 0.4)))  # right less often than said
    a, u = {"answerable": True}, {"answerable": False}
    rows = [(a, float(c), "answered", bool(ok)) for c, ok in zip(p, rng.uniform(size=p.size) < truth)]
    rows += [(u, 0.99, "not_found", False)] * 50  # not shown with a confidence: left out of the fit
    slope, offset = train.fit_rescaling(rows)
    assert abs(slope - 0.6) < 0.1 and abs(offset + 0.4) < 0.15
    shown = [r for r in rows if r[2] != "not_found"]
    assert evaluate.trust(train.rescale_rows(shown, slope, offset)).ece < evaluate.trust(shown).ece / 2
    assert train.fit_rescaling([(a, 0.9, "answered", True)] * 5) == (1.0, 0.0)  # nothing to learn: unchanged


def test_a_rescaled_scorer_states_the_same_answers_with_the_mapped_confidence(items):
    from index import answer as answering

    scorer, _ = train.train(items, folds=2)
    scorer = replace(scorer, min_confidence=0.6)
    rescaled = scorer.rescaled(0.7, -0.5)
    assert rescaled.min_confidence == pytest.approx(1 / (1 + np.exp(-(0.7 * np.log(0.6 / 0.4) - 0.5))))
    statuses = set()
    for it in items:
        r = it.retrieved
        before = answering.answer(r.question, r.passages, r.figures, scorer, 5, min_confidence=scorer.min_confidence)
        after = answering.answer(r.question, r.passages, r.figures, rescaled, 5, min_confidence=rescaled.min_confidence)
        assert (after.status, after.answer, after.best) == (before.status, before.answer, before.best)
        if before.status != "not_found":  # no candidate: confidence 0 either way
            ((_, mapped, _, _),) = train.rescale_rows([({}, before.confidence, "", True)], 0.7, -0.5)
            assert after.confidence == pytest.approx(mapped, abs=1e-9)
        statuses.add(before.status)
    assert {"answered", "uncertain"} <= statuses  # both sides of the threshold were tried
    with pytest.raises(ValueError):
        scorer.rescaled(-1.0, 0.0)


def test_train_rescales_on_held_out_questions_and_reports_both_eces(items):
    fitted, held = items, items[8:]  # (a real held-out set is never fitted on: the CLI refuses it)
    scorer, rep = train.train(fitted, folds=2, rescale_on=held)
    r = rep["rescaled"]
    assert r["fitted_on"] == {"out_of_fold": len(fitted), "held_out": len(held), "held_out_files": sorted({it.gold.get("_source", "") for it in held})}
    assert scorer.meta["rescaled"] == r and scorer.min_confidence == pytest.approx(r["min_confidence"], abs=1e-4)
    assert {"before", "after"} == set(r["ece_out_of_fold"]) == set(r["ece_held_out"])
    plain, _ = train.train(fitted, folds=2)
    assert (scorer.ranker.coef == plain.ranker.coef).all()  # the ranking is untouched
    assert scorer.calibrator.coef == pytest.approx(plain.calibrator.coef * r["slope"], rel=1e-3)


def test_the_held_out_threshold_is_the_lowest_cut_at_that_held_out_precision():
    # near misses count as wrong, uncertain rows are never stated
    rows = [
        ({"answerable": True}, 0.97, "answered", True),
        ({"answerable": True}, 0.93, "answered", True),
        ({"answerable": False}, 0.91, "answered", False),
        ({"answerable": True}, 0.90, "uncertain", True),
        ({"answerable": True}, 0.88, "answered", True),
        ({"answerable": True}, 0.80, "answered", False),
    ]
    chosen = train.held_out_threshold(rows, 0.75)
    assert chosen == {"precision_asked": 0.75, "min_confidence": 0.88, "stated": 4, "right": 3, "precision": 0.75}
    assert train.held_out_threshold(rows, 0.9)["min_confidence"] == 0.93  # 2 of 2; the near miss makes it 2 of 3
    assert train.held_out_threshold(rows, 1.0)["stated"] == 2
    nothing = train.held_out_threshold([(g, c, s, False) for g, c, s, _ in rows], 0.5)
    assert (nothing["min_confidence"], nothing["stated"], nothing["precision"]) == (1.0, 0, None)


def test_train_raises_the_threshold_to_the_held_out_precision_and_never_lowers_it(items):
    fitted, held = items, items[8:]
    base, _ = train.train(fitted, folds=2, rescale_on=held)
    strict, rep = train.train(fitted, folds=2, rescale_on=held, held_out_precision=1.0)
    h = rep["held_out_threshold"]
    assert strict.min_confidence == pytest.approx(max(base.min_confidence, h["min_confidence"]), abs=1e-4)
    assert strict.min_confidence >= base.min_confidence - 1e-9 and h["shipped"] == round(strict.min_confidence, 4)
    assert strict.meta["held_out_threshold"] == h
    assert (strict.ranker.coef == base.ranker.coef).all() and strict.calibrator.coef == pytest.approx(base.calibrator.coef)


def test_the_held_out_threshold_may_decide_lower_too(items):
    fitted, held = items, items[8:]
    base, _ = train.train(fitted, folds=2, rescale_on=held)
    loose, rep = train.train(fitted, folds=2, rescale_on=held, held_out_precision=0.5, held_out_decides=True)
    h = rep["held_out_threshold"]
    assert loose.min_confidence == pytest.approx(h["min_confidence"], abs=1e-4) and h["shipped"] == round(loose.min_confidence, 4)
    assert loose.min_confidence < base.min_confidence  # below what the folds alone would choose
    kept, _ = train.train(fitted, folds=2, rescale_on=held, held_out_precision=0.5)
    assert kept.min_confidence == pytest.approx(base.min_confidence, abs=1e-4)  # without it: never lowered
    with pytest.raises(ValueError):
        train.train(fitted, folds=2, held_out_decides=True)  # nothing held out to decide by


def test_held_out_precision_needs_held_out_sets(tmp_path, seed_engine):
    from test_cli import hoidap

    r = hoidap("train", str(QUESTIONS), "--held-out-precision", "0.95", "--out", str(tmp_path / "s.json"), data_dir=tmp_path / "d")
    assert r.returncode == 2 and "--rescale-on" in r.stderr and not (tmp_path / "s.json").exists()
    r = hoidap("train", str(QUESTIONS), "--held-out-decides", "--out", str(tmp_path / "s.json"), data_dir=tmp_path / "d")
    assert r.returncode == 2 and "sets the threshold by --held-out-precision" in r.stderr and not (tmp_path / "s.json").exists()
