"""Checks on the policy pocket-book corpus in policies/corpus/."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "policies" / "corpus"
SEEDS = REPO.parent / "shared" / "seeds"
SCRIPT = REPO / "scripts" / "build_corpus.py"

# Page-number lines left by the PDF extraction ("- 7 -", "-69-"); the only characters the corpus may drop.
PAGE_NUMBER = re.compile(r"^\s*[-—–－]\s*\d+\s*[-—–－]\s*$")
CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]"
CJK_SPACE_CJK = re.compile(rf"{CJK}[ \t]+{CJK}")
FIELDS = ("title", "issuer", "doc_no", "date", "region", "source")
REGIONS = {"南阳", "山西", "达川", "新丰", "西峡"}

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed texts not found at {SEEDS}")


def load_builder():
    spec = importlib.util.spec_from_file_location("build_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md"))


def split_file(path: Path) -> tuple[dict[str, str], str]:
    """Parse the front matter (one `key: "json string"` per line) and return it with the body."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path.name
    head, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path.name}: unterminated front matter"
    meta = {}
    for row in head.split("\n"):
        key, _, value = row.partition(": ")
        assert value.startswith('"'), f"{path.name}: {row!r}"
        meta[key] = json.loads(value)
    return meta, body


def nonws(text: str) -> str:
    return "".join(text.split())


@needs_seeds
def test_rebuild_is_byte_identical(tmp_path):
    written = load_builder().build(SEEDS, tmp_path)
    assert [p.name for p in written] == [p.name for p in corpus_files()]
    for path in written:
        assert path.read_bytes() == (CORPUS / path.name).read_bytes(), (
            f"{path.name} differs from the committed corpus"
        )


@needs_seeds
def test_no_document_character_lost_or_added():
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds
    for seed in seeds:
        lines = seed.read_text(encoding="utf-8").split("\n")
        expected = nonws("".join(line for line in lines if not PAGE_NUMBER.match(line)))
        bodies = [split_file(path)[1] for path in corpus_files() if path.name.startswith(seed.stem + "__")]
        assert bodies, f"no documents for {seed.name}"
        got = nonws("".join(body.replace(" | ", "") for body in bodies))
        if got != expected:
            at = load_builder().first_difference(got, expected)
            start = max(0, at - 30)
            pytest.fail(f"{seed.name}: corpus {got[start : at + 30]!r} vs seed {expected[start : at + 30]!r}")


def test_front_matter_and_count():
    files = corpus_files()
    assert len(files) >= 20
    for path in files:
        meta, body = split_file(path)
        assert tuple(meta) == FIELDS, path.name
        assert meta["title"] and meta["source"], path.name
        assert path.name.startswith(Path(meta["source"]).stem + "__"), path.name
        assert meta["region"] in REGIONS, path.name
        assert re.fullmatch(r"(\d{4}-\d{2}-\d{2})?", meta["date"]), path.name
        assert nonws(meta["title"]) in nonws(body), f"{path.name}: title not in body"


def test_no_space_between_cjk_characters():
    for path in corpus_files():
        _, body = split_file(path)
        for number, line in enumerate(body.split("\n"), start=1):
            assert not CJK_SPACE_CJK.search(line), f"{path.name} body line {number}: {line[:60]!r}"
            assert line == line.strip(), f"{path.name} body line {number} has outer whitespace"


@needs_seeds
@pytest.mark.parametrize("path", sorted((REPO / "tests" / "data").glob("ask_*.jsonl")), ids=lambda p: p.name)
def test_every_development_answer_is_in_its_seed(path):
    # An answer that is not in the document (a copied table separator, a typo) can never count as
    # found, and the benchmark would understate the bot without anyone noticing.
    seeds = {seed.name: "".join(seed.read_text(encoding="utf-8").split()) for seed in SEEDS.glob("*.txt")}
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({item["id"] for item in items}) == len(items)
    missing = [
        item["id"] for item in items
        if item.get("must_contain") and "".join(item["must_contain"].split()) not in seeds.get(item["source"], "")
    ]
    assert missing == []
