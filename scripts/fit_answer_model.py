"""Fit the pocket book's answer model: whether the best passage answers the question at all.

The examples are the questions the bot would otherwise answer (no other check refuses them) of
half A of tests/data/ask_dev.jsonl, set C and set T (answerable, or not), and the known gaps
(policies/known_gaps.jsonl, not answerable; read with the gaps left out of the index, or the gap
check would stand in for the model). The held-out sets (half B, D to G, I, K) are not read. A
logistic regression over the signals of `pocketbook.ANSWER_SIGNALS`, fitted by Newton's method
with a small ridge, in plain Python: five signals need no library.

Prints the weights for `Params.answer_model` and, for a range of thresholds on the odds, the
share of the examples' answerable questions refused and of their unanswerable ones refused.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pocketbook import DEV_SET, DEV_SET_C, DEV_SET_T, load_dev  # noqa: E402
from bot.services import pocketbook as pb  # noqa: E402


def examples(book: pb.PocketBook, questions: list[tuple[str, int]]) -> list[tuple[tuple[float, ...], int]]:
    """(signals, answerable) for each question that reaches the answer model."""
    rows = []
    for question, answerable in questions:
        signals = book.answer_signals(question)
        if signals is not None:
            rows.append((signals, answerable))
    return rows


def fit(rows: list[tuple[tuple[float, ...], int]], ridge: float = 1e-2, steps: int = 50) -> list[float]:
    """Logistic regression (intercept first) by Newton's method."""
    xs = [(1.0, *x) for x, _ in rows]
    ys = [y for _, y in rows]
    k = len(xs[0])
    w = [0.0] * k
    for _ in range(steps):
        grad = [-ridge * wi for wi in w]
        hess = [[ridge if i == j else 0.0 for j in range(k)] for i in range(k)]
        for x, y in zip(xs, ys, strict=True):
            p = 1 / (1 + math.exp(-sum(wi * xi for wi, xi in zip(w, x, strict=True))))
            for i in range(k):
                grad[i] += (y - p) * x[i]
                for j in range(k):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        step = _solve(hess, grad)
        w = [wi + si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return w


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a x = b (a symmetric positive definite) by Gaussian elimination."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        pivot = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[pivot] = m[pivot], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            for j in range(c, n + 1):
                m[r][j] -= f * m[c][j]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][j] * x[j] for j in range(r + 1, n))) / m[r][r]
    return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", type=Path, default=pb.DEFAULT_GAPS)
    args = parser.parse_args()

    questions = [(it["q"], int(bool(it.get("must_contain")))) for it in load_dev(DEV_SET) if it.get("half") == "A"]
    questions += [(it["q"], int(bool(it.get("must_contain")))) for path in (DEV_SET_C, DEV_SET_T) for it in load_dev(path)]
    gaps = [json.loads(line)["question"] for line in args.gaps.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions += [(gap, 0) for gap in gaps]
    book = pb.PocketBook.load(
        pb.DEFAULT_CORPUS, pb.DEFAULT_USERDICT, pb.DEFAULT_SYNONYMS,
        expansions=pb.DEFAULT_EXPANSIONS, encoder=pb.DEFAULT_ENCODER,
    )
    rows = examples(book, questions)
    weights = fit(rows)
    print(f"{len(rows)} examples ({sum(y for _, y in rows)} answerable); signals {pb.ANSWER_SIGNALS}")
    print("answer_model = (" + ", ".join(f"{w:.3f}" for w in weights) + ")")
    model = tuple(round(w, 3) for w in weights)
    answerable = [pb.answer_odds(model, x) for x, y in rows if y]
    other = [pb.answer_odds(model, x) for x, y in rows if not y]
    print("min odds  answerable refused  unanswerable refused")
    for odds in (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2):
        refused = sum(o < odds for o in answerable) / len(answerable)
        caught = sum(o < odds for o in other) / len(other)
        print(f"{odds:8.2f}  {refused:19.1%}  {caught:20.1%}")


if __name__ == "__main__":
    main()
