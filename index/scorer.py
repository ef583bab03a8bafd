"""The answer scorer: candidates' features → a ranking and a calibrated confidence.

Two small linear models, fitted by ``index/train.py`` (``hoidap train``) and saved
as ``index/data/scorer.json``; applied here with numpy alone:

* the **ranker** scores each candidate (a logistic regression on ``FEATURES``:
  is this candidate the right answer?);
* the **calibrator** turns the best candidate into the probability that it is right
  (a logistic regression on the ranker's score of the best, its margin to the best
  candidate giving another answer, how many articles back it, the question's type
  and the trust features of the best), fitted on out-of-fold ranker scores.

``HAND`` is the previous hand-set weighting, kept as the baseline the training
report measures beside the fitted one; it states every best candidate.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from index.candidates import FEATURES, HAND_WEIGHTS, TYPE_FEATURES, Candidate, vector

SCORER_FILE = "data/scorer.json"

CALIBRATION: tuple[str, ...] = (
    "top_logit",  # the ranker's score of the best candidate
    "top_share",  # its share of the softmax over the question's candidates
    "rel",
    "pair_share",
    "hand",  # 0 when the hand weights pick the same best candidate, negative when they do not
    "sentence",
    "unit",
    "near",
    "context",
    "below_cut",
    "day_missing",
    "span_cue",
    "margin",  # ... minus the best score of a candidate giving another answer (capped)
    "n_answers",  # log(1 + distinct answers among the candidates)
    "support",
    "coverage",
    "missing_rare",
    "place_absent",
    "place_contradicted",
    "year_absent",
    "year_contradicted",
    "org_absent",
    "place_other_here",
    "org_other_here",
    "year_other_here",
    "art_place_absent",
    "art_org_absent",
    "unit_full",
    "unit_none",
    *TYPE_FEATURES,
)
MARGIN_CAP = 8.0

# The direction each calibration feature should push the confidence: evidence for the
# best candidate up (+1), an absent or contradicted place, year or organization down
# (-1); the rest (the type one-hots) either way. ``hoidap train --signed-calibrator``
# holds the calibrator's weights to these signs (measured, not shipped: bench/README.md).
CALIBRATION_SIGNS: dict[str, int] = {
    **dict.fromkeys(
        ("top_logit", "top_share", "rel", "pair_share", "hand", "sentence", "unit", "near", "context",
         "span_cue", "margin", "support", "coverage", "unit_full"), 1),
    **dict.fromkeys(
        ("below_cut", "day_missing", "n_answers", "missing_rare", "place_absent", "place_contradicted",
         "year_absent", "year_contradicted", "org_absent", "place_other_here", "org_other_here",
         "year_other_here", "art_place_absent", "art_org_absent", "unit_none"), -1),
}  # fmt: skip


#: The ranker's features, each also crossed with the question's answer type
#: ("sentence*type_count"): one weight of each feature per type, beside the shared one
#: (``hoidap train --typed-ranker``). A count question's best figure is told from its
#: rivals by other signals than a person's name is.
TYPED_FEATURES: tuple[str, ...] = FEATURES + tuple(f"{f}*{t}" for t in TYPE_FEATURES for f in FEATURES if f not in TYPE_FEATURES)


@lru_cache(maxsize=8)
def _columns(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``names``, the ``FEATURES`` columns whose product it is: a plain name is
    its own column times the ones column, "a*b" the product of two; a name no candidate
    has reads the zeros column."""
    at = {name: i for i, name in enumerate(FEATURES)}
    ones, zeros = len(FEATURES), len(FEATURES) + 1
    left, right = [], []
    for name in names:
        a, _, b = name.partition("*")
        left.append(at.get(a, zeros))
        right.append(at.get(b, zeros) if b else ones)
    return np.array(left), np.array(right)


def design_matrix(cands: list[Candidate], names: tuple[str, ...]) -> np.ndarray:
    """The candidates' values of ``names`` (``FEATURES`` and products "a*b" of two), a row each."""
    base = np.array([vector(c) + [1.0, 0.0] for c in cands], dtype=float).reshape(len(cands), len(FEATURES) + 2)
    left, right = _columns(tuple(names))
    return base[:, left] * base[:, right]


@dataclass(frozen=True)
class LinearModel:
    """``logit = ((x - mean) / scale) · coef + intercept``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, X: np.ndarray) -> np.ndarray:
        return ((X - self.mean) / self.scale) @ self.coef + self.intercept

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
        }

    @classmethod
    def from_json(cls, d: dict) -> "LinearModel":
        n = len(d["features"])
        arrays = [np.asarray(d[k], dtype=float) for k in ("mean", "scale", "coef")]
        if any(a.shape != (n,) for a in arrays):
            raise ValueError("scorer: mean, scale and coef must have one value per feature")
        if not (arrays[1] > 0).all():
            raise ValueError("scorer: every scale must be positive")
        return cls(tuple(d["features"]), *arrays, float(d["intercept"]))

    @classmethod
    def weights(cls, weights: dict[str, float], features: tuple[str, ...]) -> "LinearModel":
        n = len(features)
        coef = np.array([weights.get(f, 0.0) for f in features])
        return cls(features, np.zeros(n), np.ones(n), coef, 0.0)


@dataclass(frozen=True)
class Scorer:
    name: str
    ranker: LinearModel
    calibrator: LinearModel | None  # None: every best candidate is stated (the hand baseline)
    min_confidence: float = 0.5
    meta: dict | None = None  # how it was fitted (training report)

    def rank(self, cands: list[Candidate]) -> list[Candidate]:
        """``cands`` scored and sorted best first (stable: ties keep their order)."""
        if not cands:
            return []
        scores = self.ranker.logits(design_matrix(cands, self.ranker.features))
        for c, s in zip(cands, scores):
            # rounded: a tie (one article printed twice) stays a tie under the float noise
            # of the matrix product (bar one straddling a rounding step), and the order
            # retrieval gave them decides it
            c.score = round(float(s), 9)
            c.probability = _sigmoid(float(s))
        return sorted(cands, key=lambda c: -c.score)

    def confidence(self, ranked: list[Candidate]) -> float:
        """The probability that the best of ``ranked`` (from ``rank``) is right."""
        if not ranked:
            return 0.0
        if self.calibrator is None:
            return 1.0
        v = calibration_vector(ranked)
        x = np.array([v[f] for f in self.calibrator.features])
        return _sigmoid(float(self.calibrator.logits(x[None, :])[0]))

    def rescaled(self, slope: float, offset: float) -> "Scorer":
        """This scorer with its confidence p mapped to ``sigmoid(slope·logit(p) + offset)``
        (a Platt step: ``train.fit_rescaling``), folded into the calibrator's weights. The
        threshold is mapped the same way, so the same answers are stated; only the
        probability they are given changes."""
        if self.calibrator is None or slope <= 0:
            raise ValueError("rescaled: needs a calibrator and a positive slope")
        cal = replace(self.calibrator, coef=self.calibrator.coef * slope, intercept=self.calibrator.intercept * slope + offset)
        return replace(self, calibrator=cal, min_confidence=platt(self.min_confidence, slope, offset))

    def without(self, *features: str) -> "Scorer":
        """This scorer with the ranker blind to ``features`` (their weights zeroed): what
        a rule is worth, in tests and ablations."""
        coef = np.array([0.0 if f.split("*")[0] in features else c for f, c in zip(self.ranker.features, self.ranker.coef)])
        return replace(self, ranker=replace(self.ranker, coef=coef))

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "ranker": self.ranker.to_json(),
            "calibrator": self.calibrator.to_json() if self.calibrator else None,
            "min_confidence": self.min_confidence,
            "meta": self.meta or {},
        }

    @classmethod
    def from_json(cls, d: dict) -> "Scorer":
        cal = d.get("calibrator")
        return cls(
            d.get("name", "fitted"),
            LinearModel.from_json(d["ranker"]),
            LinearModel.from_json(cal) if cal else None,
            float(d.get("min_confidence", 0.5)),
            d.get("meta") or {},
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def calibration_vector(ranked: list[Candidate]) -> dict[str, float]:
    """What the calibrator reads of a ranked candidate list."""
    top = ranked[0]
    rival = next((c.score for c in ranked[1:] if c.key != top.key), None)
    margin = MARGIN_CAP if rival is None else min(MARGIN_CAP, top.score - rival)
    out = {name: float(top.features.get(name, 0.0)) for name in CALIBRATION}
    out["top_logit"] = top.score
    scores = np.array([c.score for c in ranked])
    weights = np.exp(scores - scores.max())
    same = np.array([c.key == top.key for c in ranked])
    out["top_share"] = float(weights[same].sum() / weights.sum())
    out["margin"] = margin
    out["n_answers"] = math.log1p(len({c.key for c in ranked}))
    return out


def platt(p: float, slope: float, offset: float) -> float:
    """``sigmoid(slope · logit(p) + offset)``: a confidence mapped as ``Scorer.rescaled``
    maps it (p clipped away from 0 and 1)."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    return _sigmoid(slope * math.log(p / (1 - p)) + offset)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


HAND = Scorer("hand", LinearModel.weights(HAND_WEIGHTS, FEATURES), None, 0.0)  # the weights set by hand before


@lru_cache(maxsize=1)
def shipped() -> Scorer:
    """The fitted scorer shipped in ``index/data/scorer.json`` (the hand weights if absent)."""
    try:
        raw = resources.files("index").joinpath(SCORER_FILE).read_text("utf-8")
    except FileNotFoundError:
        return HAND
    return Scorer.from_json(json.loads(raw))


def load(path: Path | None) -> Scorer:
    """A scorer file, or the shipped one; "hand" names the hand baseline."""
    if path is None:
        return shipped()
    if str(path) == "hand":
        return HAND
    return Scorer.from_json(json.loads(Path(path).read_text("utf-8")))
