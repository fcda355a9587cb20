"""A small learned question encoder for the pocket book.

Words a cadre types and the words of the rule that answers them often differ ("换一茬" / "轮换").
Two bags of n-grams (jieba words, characters, character bigrams), one for questions and one
for passages, are trained by `scripts/train_encoder.py` so that each known question in
`policies/expansions` lands next to its sentence. At run time only the question side is
needed: a question's vector is the mean of its features' rows, compared by cosine with the
stored passage vectors (and, for the coverage check, a question word's vector likewise). Pure
Python: a question has tens of features and is compared with the few dozen passages the lexical
ranking put first.

The file (`policies/encoder.json.gz`) is tied to the corpus, the known questions and the user
dictionary by a fingerprint; when they change the encoder is not used until it is retrained
(`make encoder`), and the test suite says so.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import math
from array import array
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

FEATURE_VERSION = 1


def features(words: Iterable[str], text: str) -> list[str]:
    """A text's features: its content words (already cut and filtered), characters and bigrams."""
    chars = [c for c in text if not c.isspace()]
    return (
        [f"w:{w}" for w in words]
        + [f"c:{c}" for c in chars]
        + [f"b:{a}{b}" for a, b in zip(chars, chars[1:], strict=False)]
    )


def unit_key(title: str, section: str, sentence: str) -> str:
    """How the file names a passage: its document's title, heading path and sentence, without spaces."""
    return "\t".join((title, "".join(section.split()), "".join(sentence.split())))


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of the files the encoder was trained from (and the feature scheme)."""
    h = hashlib.sha256(f"features v{FEATURE_VERSION}".encode())
    for path in sorted(paths, key=lambda p: p.name):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:32]


def _quantise(rows: list[list[float]]) -> tuple[str, list[float]]:
    """Rows as int8 (base64) with one scale per row: a quarter of the size, the same cosines."""
    out = array("b")
    scales: list[float] = []
    for row in rows:
        scale = max((abs(x) for x in row), default=0.0) / 127 or 1.0
        scales.append(round(scale, 8))
        out.extend(max(-127, min(127, round(x / scale))) for x in row)
    return base64.b64encode(out.tobytes()).decode("ascii"), scales


def _int8_rows(data: str, scales: list[float], dim: int) -> array:
    raw = array("b", base64.b64decode(data))
    if len(raw) != dim * len(scales):
        raise ValueError("matrix size does not match its scales")
    return raw


def write_encoder(
    path: Path,
    *,
    fingerprint: str,
    question_features: list[str],
    question_rows: list[list[float]],
    unit_keys: list[str],
    unit_rows: list[list[float]],
) -> None:
    dim = len(question_rows[0])
    q_data, q_scales = _quantise(question_rows)
    u_data, u_scales = _quantise(unit_rows)
    payload = {
        "fingerprint": fingerprint,
        "dim": dim,
        "features": question_features,
        "question_rows": q_data,
        "question_scales": q_scales,
        "units": unit_keys,
        "unit_rows": u_data,
        "unit_scales": u_scales,
    }
    # mtime=0: the same weights give the same bytes (a clean diff when nothing changed)
    path.write_bytes(gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), mtime=0))


def _normalised(vector: list[float]) -> list[float] | None:
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else None


class QuestionEncoder:
    """Question vectors and the stored passage vectors (unit length).

    The question side stays int8 (a row per feature, one scale each): about 1.5 MB in memory
    rather than tens of megabytes of Python floats.
    """

    def __init__(
        self, dim: int, rows: dict[str, int], table: array, scales: list[float], units: dict[str, list[float]]
    ) -> None:
        self.dim = dim
        self._rows = rows
        self._table = table
        self._scales = scales
        self._units = units

    @classmethod
    def load(cls, path: Path, expected_fingerprint: str) -> QuestionEncoder | None:
        """The encoder in `path`, or None (logged) when it is missing, damaged or out of date."""
        try:
            payload = json.loads(gzip.decompress(Path(path).read_bytes()))
            if payload["fingerprint"] != expected_fingerprint:
                log.warning(
                    "question encoder %s was trained on other documents or known questions; not used "
                    "(retrain it with `make encoder`)",
                    path,
                )
                return None
            dim = int(payload["dim"])
            scales = payload["question_scales"]
            table = _int8_rows(payload["question_rows"], scales, dim)
            unit_scales = payload["unit_scales"]
            unit_table = _int8_rows(payload["unit_rows"], unit_scales, dim)
            features, keys = payload["features"], payload["units"]
            if len(features) != len(scales) or len(keys) != len(unit_scales):
                raise ValueError("keys do not match rows")
            unit_vectors = {
                key: v
                for i, (key, scale) in enumerate(zip(keys, unit_scales, strict=True))
                if (v := _normalised([x * scale for x in unit_table[i * dim : (i + 1) * dim]]))
            }
            return cls(dim, {f: i for i, f in enumerate(features)}, table, scales, unit_vectors)
        except FileNotFoundError:
            log.warning("no question encoder at %s; ranking by words alone", path)
        except Exception as exc:  # noqa: BLE001 - a damaged file only costs the encoder
            log.warning("question encoder %s unusable (%s); ranking by words alone", path, exc)
        return None

    def unit_vector(self, key: str) -> list[float] | None:
        return self._units.get(key)

    def encode(self, question_features: list[str]) -> list[float] | None:
        """The question's vector (unit length), or None when none of its features is known."""
        dim, table, scales = self.dim, self._table, self._scales
        total = [0.0] * dim
        known = False
        for feature in question_features:
            i = self._rows.get(feature)
            if i is None:
                continue
            known = True
            scale = scales[i]
            total = [t + scale * x for t, x in zip(total, table[i * dim : (i + 1) * dim], strict=True)]
        return _normalised(total) if known else None


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine of two unit vectors."""
    return sum(x * y for x, y in zip(a, b, strict=True))
