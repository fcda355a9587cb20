"""The pocket-book corpus files (policies/corpus/*.md): front matter and body lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class CorpusDocument:
    file: str
    meta: dict[str, str]
    lines: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    @property
    def source(self) -> str:
        return self.meta.get("source", "")

    @cached_property
    def compact_lines(self) -> tuple[str, ...]:
        return tuple("".join(line.split()) for line in self.lines)


def read_document(path: Path) -> CorpusDocument:
    text = path.read_text(encoding="utf-8")
    head, _, body = text.removeprefix("---\n").partition("\n---\n")
    meta = {}
    for row in head.splitlines():
        key, _, value = row.partition(": ")
        meta[key] = json.loads(value) if value.startswith('"') else value
    return CorpusDocument(file=path.name, meta=meta, lines=tuple(line for line in body.splitlines() if line.strip()))


def load_corpus(directory: Path) -> dict[str, CorpusDocument]:
    return {path.name: read_document(path) for path in sorted(directory.glob("*.md"))}
