"""Evaluation: retrieval (hit@k, MRR) and answer accuracy on question sets.

* ``evaluate_dev`` — the format of ``../shared/eval/dev_questions.jsonl``, against an
  engine that already holds the articles.
* ``evaluate_xquad`` — XQuAD-vi: index its passages in a scratch engine, score its
  questions, beside a naive baseline measured in the same run (whitespace tokens,
  no normalization, ``rank_bm25.BM25Okapi``).
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.models import Answer
from index.text import fold, normalize

NUMERIC_TYPES = ("count", "percent", "money")
KS = (1, 3, 5)


@dataclass
class Outcome:
    id: str
    question: str
    type: str
    variant: str
    rank: int | None  # 1-based rank of the first passage from the gold article, None if not in top 5
    correct: bool
    got: str
    gold: str


@dataclass
class Report:
    n: int
    hit: dict[int, float]
    mrr: float
    accuracy: float
    by_type: dict[str, tuple[float, int]]
    by_variant: dict[str, tuple[float, int]]
    figure_accuracy: float | None
    failures: list[Outcome] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    trust: "Trust | None" = None

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "hit": {f"hit@{k}": round(v, 4) for k, v in self.hit.items()},
            "mrr": round(self.mrr, 4),
            "accuracy": round(self.accuracy, 4),
            "figure_accuracy": None if self.figure_accuracy is None else round(self.figure_accuracy, 4),
            "by_type": {k: {"accuracy": round(a, 4), "n": n} for k, (a, n) in self.by_type.items()},
            "by_variant": {k: {"accuracy": round(a, 4), "n": n} for k, (a, n) in self.by_variant.items()},
            "failures": [o.__dict__ for o in self.failures],
            **self.extra,
        }


def folded(text: str) -> str:
    return " ".join(fold(normalize(text)).lower().split())


def same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def rank_of(ans: Answer, gold_article: str) -> int | None:
    for i, p in enumerate(ans.passages, 1):
        if p.article_id == gold_article:
            return i
    return None


def judge(q: dict, ans: Answer) -> tuple[bool, str]:
    """Is the answer right? Numeric types: first figure's value; others: gold text shown."""
    if q["type"] in NUMERIC_TYPES and q.get("value") is not None:
        got = ans.figures[0] if ans.figures else None
        return (got is not None and same_value(got.value, q["value"])), (got.text if got else "-")
    gold = folded(q["answer"])
    shown = folded(ans.answer or "") + " \n " + (folded(ans.passages[0].text) if ans.passages else "")
    return gold in shown, (ans.answer or (ans.passages[0].text[:80] if ans.passages else "-"))


# --- trust: is the best candidate right, and was it stated? ---------------------------

_INT = re.compile(r"\d+")


def _ints(text: str) -> list[int]:
    return [int(x) for x in _INT.findall(text.replace(".", "").replace(",", ""))]


def _same_date(gold: str, got: str) -> bool:
    """Dates by their numbers: "13-1" = "13/1" = "ngày 13-1"; "2005" = "năm 2005"; a
    date that ends the gold span is right too ("26/3" of "từ 25 đến 26/3", "1-7-2005" of
    "0 giờ ngày 1-7-2005"); a year alone for a full date is not."""
    g, c = _ints(gold), _ints(got)
    if not g or not c:
        return False
    if g == c or (len(g) >= 2 and c[: len(g)] == g):
        return True
    return len(c) >= 2 and len(g) > len(c) and g[-len(c) :] == c


def _same_span(gold: str, got: str, kind: str) -> bool:
    """A person is right when the whole gold name is in the candidate ("Phạm Long" is not
    "Phạm Long Trận"); a place when either holds the other, or the candidate holds the
    gold's first four words ("số 1 Quang Trung" of "số 1 Quang Trung, phường An Lạc")."""
    g, c = folded(gold), folded(got)
    if not g or not c:
        return False
    if g in c:
        return True
    if kind == "person":
        return False
    head = " ".join(g.replace(",", " ").split()[:4])
    return (len(c.split()) >= 2 and c in g) or (len(head.split()) >= 3 and head in " ".join(c.replace(",", " ").split()))


def candidate_right(q: dict, value: float | None, text: str) -> bool:
    """Is a candidate (a figure's value and text, or a span) the gold answer of ``q``?"""
    if q.get("answerable") is False or q.get("answer") is None:
        return False
    if q["type"] in NUMERIC_TYPES and q.get("value") is not None:
        return same_value(value, q["value"])
    if q["type"] == "date":
        return _same_date(str(q["answer"]), text)
    return _same_span(str(q["answer"]), text, q["type"])


def best_right(q: dict, ans: Answer) -> bool:
    """Is the answer's best candidate right, whatever its confidence?"""
    if q["type"] in NUMERIC_TYPES + ("date",) and ans.figures:
        f = ans.figures[0]
        return candidate_right(q, f.value, f.text)
    return bool(ans.best) and candidate_right(q, None, ans.best or "")


@dataclass
class Trust:
    """What the bot states, and how far it can be believed."""

    answerable: int
    unanswerable: int
    stated: int  # stated answers (all questions)
    stated_right: int
    stated_answerable: int
    abstained_unanswerable: int  # unanswerable questions without a stated answer
    best_right: dict[str, tuple[int, int]]  # by type group: right, n (answerable only)
    ece: float
    curve: list[tuple[float, float, float]]  # threshold, coverage, precision
    reliability: list[tuple[float, float, int]]  # mean confidence, accuracy, n per bin
    status: dict[str, int]
    # the ECE a perfectly calibrated scorer would show on these questions (median, 90th
    # percentile of simulated draws): on a few dozen questions an ECE this size is noise
    ece_if_calibrated: tuple[float, float] = (0.0, 0.0)

    @property
    def coverage(self) -> float:
        return self.stated_answerable / self.answerable if self.answerable else 0.0

    @property
    def precision(self) -> float:
        return self.stated_right / self.stated if self.stated else 1.0

    @property
    def abstention(self) -> float:
        return self.abstained_unanswerable / self.unanswerable if self.unanswerable else 1.0

    def to_json(self) -> dict:
        return {
            "coverage": round(self.coverage, 4),
            "precision": round(self.precision, 4),
            "abstention_unanswerable": round(self.abstention, 4),
            "stated": self.stated,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "best_candidate_accuracy": {k: {"accuracy": round(r / n, 4) if n else None, "n": n} for k, (r, n) in self.best_right.items()},
            "ece": round(self.ece, 4),
            "ece_if_calibrated": {"median": round(self.ece_if_calibrated[0], 4), "p90": round(self.ece_if_calibrated[1], 4)},
            "status": self.status,
            "curve": [[round(t, 4), round(c, 4), round(p, 4)] for t, c, p in self.curve],
            "reliability": [[round(c, 4), round(a, 4), n] for c, a, n in self.reliability],
        }


TYPE_GROUPS = {"count": "figures", "percent": "figures", "money": "figures", "date": "spans", "person": "spans", "place": "spans"}


def trust(rows: list[tuple[dict, float, str, bool]], bins: int = 10) -> Trust:
    """Trust metrics from (question, confidence, status, best candidate right) rows."""
    answerable = [r for r in rows if r[0].get("answerable", True)]
    unanswerable = [r for r in rows if not r[0].get("answerable", True)]
    stated = [r for r in rows if r[2] == "answered"]
    groups: dict[str, list[int]] = {"figures": [0, 0], "spans": [0, 0]}
    for q, _, _, right in answerable:
        g = TYPE_GROUPS.get(q.get("type", "other"))
        if g:
            groups[g][0] += right
            groups[g][1] += 1
    # the probability that what would be stated is right: unanswerable questions are wrong
    pairs = [(conf, bool(right and q.get("answerable", True))) for q, conf, status, right in rows if status != "not_found"]
    pairs += [(0.0, False) for q, conf, status, right in rows if status == "not_found"]
    ece, reliability = _calibration(pairs, bins)
    curve = []
    for t in sorted({round(c, 3) for c, _ in pairs if c > 0} | {0.5}):
        kept = [ok for c, ok in pairs if c >= t]
        n_ans = sum(1 for q, c, s, _ in answerable if s != "not_found" and c >= t)
        if kept:
            curve.append((t, n_ans / len(answerable) if answerable else 0.0, sum(kept) / len(kept)))
    status: dict[str, int] = defaultdict(int)
    for r in rows:
        status[r[2]] += 1
    return Trust(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        stated=len(stated),
        stated_right=sum(1 for q, _, _, right in stated if right and q.get("answerable", True)),
        stated_answerable=sum(1 for q, _, _, _ in stated if q.get("answerable", True)),
        abstained_unanswerable=sum(1 for r in unanswerable if r[2] != "answered"),
        best_right={k: (v[0], v[1]) for k, v in groups.items()},
        ece=ece,
        curve=curve,
        reliability=reliability,
        status=dict(status),
        ece_if_calibrated=ece_if_calibrated([c for c, _ in pairs], bins),
    )


def _calibration(pairs: list[tuple[float, bool]], bins: int) -> tuple[float, list[tuple[float, float, int]]]:
    """Expected calibration error over equal-width bins, and each bin's (mean confidence,
    accuracy, n)."""
    if not pairs:
        return 0.0, []
    out = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if not members:
            continue
        conf = sum(c for c, _ in members) / len(members)
        acc = sum(ok for _, ok in members) / len(members)
        ece += len(members) / len(pairs) * abs(acc - conf)
        out.append((conf, acc, len(members)))
    return ece, out


def ece_if_calibrated(confidences: list[float], bins: int = 10, draws: int = 400, seed: int = 0) -> tuple[float, float]:
    """The expected calibration error a *perfectly* calibrated scorer would show with
    these confidences: each question drawn right with probability equal to its
    confidence, ``draws`` times (a fixed seed: the same report every run). Returns the
    median and the 90th percentile. Small sets have a large floor (about 0.10 on 90
    questions), so an ECE is evidence of miscalibration only well above it."""
    if not confidences:
        return 0.0, 0.0
    conf = np.asarray(confidences, dtype=float)
    # the same equal-width bins as ``_calibration`` (the last one holds 1.0)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    right = np.random.default_rng(seed).random((draws, len(conf))) < conf
    ece = np.zeros(draws)
    for b in np.unique(which):
        members = which == b
        ece += members.sum() / len(conf) * np.abs(right[:, members].mean(axis=1) - conf[members].mean())
    return float(np.median(ece)), float(np.percentile(ece, 90))


def summarize(outcomes: list[Outcome], *, numeric_only_figures: bool = True) -> Report:
    n = len(outcomes)
    hit = {k: sum(1 for o in outcomes if o.rank is not None and o.rank <= k) / n if n else 0.0 for k in KS}
    mrr = sum(1 / o.rank for o in outcomes if o.rank) / n if n else 0.0
    acc = sum(o.correct for o in outcomes) / n if n else 0.0

    def group(key: Callable[[Outcome], str]) -> dict[str, tuple[float, int]]:
        g: dict[str, list[bool]] = defaultdict(list)
        for o in outcomes:
            g[key(o)].append(o.correct)
        return {k: (sum(v) / len(v), len(v)) for k, v in sorted(g.items())}

    numeric = [o for o in outcomes if o.type in NUMERIC_TYPES]
    fig = sum(o.correct for o in numeric) / len(numeric) if numeric else None
    return Report(
        n=n,
        hit=hit,
        mrr=mrr,
        accuracy=acc,
        by_type=group(lambda o: o.type),
        by_variant=group(lambda o: o.variant),
        figure_accuracy=fig,
        failures=[o for o in outcomes if not o.correct or o.rank != 1],
    )


def strip_diacritics(question: str) -> str:
    """What a cadre types on a phone without a Vietnamese keyboard."""
    return fold(normalize(question)).lower()


def evaluate_dev(engine, questions: Iterable[dict], k: int = 5) -> Report:
    """Every question as written, and the questions written with diacritics once more
    with them removed: the pair shows what typing without diacritics costs on the very
    same questions (the ``no_diacritics`` variant alone compares different questions).

    Retrieval and accuracy count answerable questions; ``report.trust`` measures what is
    stated over all of them, unanswerable ones (``"answerable": false``) included."""
    outcomes = []
    rows: list[tuple[dict, float, str, bool]] = []
    paired = [0, 0, 0]  # questions, right as written, right without diacritics
    for q in questions:
        ans = engine.ask(q["question"], k=k)
        rows.append((q, ans.confidence, ans.status, best_right(q, ans)))
        if q.get("answerable", True) is False:
            continue
        ok, got = judge(q, ans)
        bare = strip_diacritics(q["question"])
        if bare != q["question"].lower():
            paired[0] += 1
            paired[1] += ok
            paired[2] += judge(q, engine.ask(bare, k=k))[0]
        outcomes.append(
            Outcome(
                id=q.get("id", ""),
                question=q["question"],
                type=q.get("type", "other"),
                variant=q.get("variant", "plain"),
                rank=rank_of(ans, q["article_id"]),
                correct=ok,
                got=got,
                gold=str(q.get("answer")),
            )
        )
    report = summarize(outcomes)
    report.trust = trust(rows)
    report.extra["trust"] = report.trust.to_json()
    if paired[0]:
        report.extra["diacritics_removed"] = {
            "n": paired[0],
            "accuracy_as_written": round(paired[1] / paired[0], 4),
            "accuracy_without_diacritics": round(paired[2] / paired[0], 4),
        }
    return report


# --- XQuAD ----------------------------------------------------------------------

_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> set[str]:
    """Digit strings of a text without separators ("1.500" -> "1500")."""
    return {re.sub(r"[.,]", "", m) for m in _NUM.findall(text)}


def _figure_hit(figure_text: str | None, gold_texts: list[str]) -> bool:
    if not figure_text:
        return False
    got = numbers_in(figure_text)
    return bool(got) and any(got & numbers_in(g) for g in gold_texts)


class NaiveBaseline:
    """Whitespace tokens, no normalization, rank_bm25.BM25Okapi over the engine's passages.

    Same passage units as the engine (title + passage text), so the comparison
    isolates what normalization, segmentation and BM25+ bring.
    """

    def __init__(self, units: list[tuple[str, str]]):
        from rank_bm25 import BM25Okapi

        self.ids = [article_id for article_id, _ in units]
        self.texts = [text for _, text in units]
        self.bm25 = BM25Okapi([t.split() for t in self.texts])

    @classmethod
    def from_engine(cls, engine) -> "NaiveBaseline":
        from sqlalchemy import text as sql

        with engine.db.connect() as conn:
            rows = conn.execute(
                sql("SELECT p.article_id, a.title, p.text FROM passage p JOIN article a ON a.id = p.article_id ORDER BY p.id")
            ).all()
        return cls([(aid, f"{title}\n{text}") for aid, title, text in rows])

    def ask(self, question: str, k: int = 5) -> list[int]:
        scores = self.bm25.get_scores(question.split())
        return sorted(range(len(scores)), key=lambda i: -scores[i])[:k]

    def first_number(self, question: str) -> str | None:
        """The naive "figure": the first number in the best passage."""
        top = self.ask(question, 1)
        m = _NUM.search(self.texts[top[0]]) if top else None
        return m.group(0) if m else None


def evaluate_xquad(folder: Path, *, data_dir: Path | None = None, engine_factory=None) -> dict:
    passages = load_jsonl(folder / "passages.jsonl")
    qa = load_jsonl(folder / "qa.jsonl")
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="hoidap-xquad-")
        data_dir = Path(tmp.name)
    try:
        if engine_factory is None:
            from index.engine import Engine

            engine_factory = Engine
        engine = engine_factory(data_dir)
        engine.ingest([folder / "passages.jsonl"])
        base = NaiveBaseline.from_engine(engine)
        ours: list[Outcome] = []
        naive: list[Outcome] = []
        fig_ours = fig_base = n_digit = 0
        for q in qa:
            golds = [a["text"] for a in q.get("answers", [])]
            ans = engine.ask(q["question"], k=5)
            has_digit = bool(q.get("answer_has_digit"))
            shown = folded((ans.answer or "") + " \n " + (ans.passages[0].text if ans.passages else ""))
            ok = any(folded(g) in shown for g in golds)
            ours.append(Outcome(q["id"], q["question"], "xquad", "plain", rank_of(ans, q["passage_id"]), ok, "", golds[0] if golds else ""))
            top = base.ask(q["question"], 5)
            b_rank = next((i for i, j in enumerate(top, 1) if base.ids[j] == q["passage_id"]), None)
            b_ok = bool(top) and any(folded(g) in folded(base.texts[top[0]].split("\n", 1)[1]) for g in golds)
            naive.append(Outcome(q["id"], q["question"], "xquad", "plain", b_rank, b_ok, "", ""))
            if has_digit:
                n_digit += 1
                fig_ours += _figure_hit(ans.figures[0].text if ans.figures else None, golds)
                fig_base += _figure_hit(base.first_number(q["question"]), golds)
        r_ours, r_base = summarize(ours), summarize(naive)
        return {
            "questions": len(qa),
            "passages": len(passages),
            "digit_questions": n_digit,
            "hoidap": {
                **{f"hit@{k}": r_ours.hit[k] for k in KS},
                "mrr": r_ours.mrr,
                "answer_in_first_passage": r_ours.accuracy,
                "figure_accuracy": fig_ours / n_digit if n_digit else None,
            },
            "baseline": {
                **{f"hit@{k}": r_base.hit[k] for k in KS},
                "mrr": r_base.mrr,
                "answer_in_first_passage": r_base.accuracy,
                "figure_accuracy": fig_base / n_digit if n_digit else None,
            },
        }
    finally:
        if tmp is not None:
            tmp.cleanup()
