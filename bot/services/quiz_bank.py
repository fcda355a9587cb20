"""The quiz question bank (policies/quiz/*.yaml), validated against Telegram's limits and the corpus.

A broken question is reported by file and line and skipped; a broken file never stops the bot."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.services.corpus import CorpusDocument, load_corpus

log = logging.getLogger(__name__)

QUESTION_LIMIT = 300
OPTION_LIMIT = 100
EXPLANATION_LIMIT = 200
EXPLANATION_LINE_BREAKS = 2
OPTIONS_RANGE = (3, 6)
HEADING = re.compile(
    r"^(?:\*\*|#+\s*)?(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十百]+条|附件)"
)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    file: str  # corpus file
    doc: str  # document title
    source: str  # seed file
    section: str
    quote: str
    passage: str  # the corpus paragraph holding the quote, for /review


@dataclass
class QuizBank:
    questions: dict[str, Question]
    problems: list[str] = field(default_factory=list)

    def by_document(self) -> dict[str, list[Question]]:
        grouped: dict[str, list[Question]] = {}
        for question in self.questions.values():
            grouped.setdefault(question.file, []).append(question)
        return grouped


class _LineLoader(yaml.SafeLoader):
    """Records each mapping's line so that problems point at the question in the file."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_bank(directory: Path, corpus_directory: Path) -> QuizBank:
    corpus = load_corpus(corpus_directory)
    bank = QuizBank(questions={})
    for path in sorted(directory.glob("*.yaml")):
        try:
            items = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or []  # noqa: S506 (a SafeLoader)
            if not isinstance(items, list):
                raise ValueError("the file must be a list of questions")
        except (yaml.YAMLError, ValueError, OSError) as exc:
            bank.problems.append(f"{path}: skipped: {exc}")
            continue
        for item in items:
            line = item.get("__line__", 0) if isinstance(item, dict) else 0
            try:
                question = _question(item, corpus)
                if question.id in bank.questions:
                    raise ValueError(f"duplicate id {question.id!r}")
            except (ValueError, KeyError, TypeError) as exc:
                bank.problems.append(f"{path}:{line}: skipped: {exc}")
                continue
            bank.questions[question.id] = question
    for problem in bank.problems:
        log.warning("quiz bank: %s", problem)
    return bank


def _question(item: Any, corpus: dict[str, CorpusDocument]) -> Question:
    if not isinstance(item, dict):
        raise ValueError("a question must be a mapping")
    qid = str(item["id"])
    text = _text(item, "question", QUESTION_LIMIT)
    options = item["options"]
    if not isinstance(options, list) or not OPTIONS_RANGE[0] <= len(options) <= OPTIONS_RANGE[1]:
        raise ValueError(f"{qid}: needs {OPTIONS_RANGE[0]} to {OPTIONS_RANGE[1]} options")
    options = [str(option).strip() for option in options]
    if any(not option or len(option) > OPTION_LIMIT for option in options):
        raise ValueError(f"{qid}: every option must be 1 to {OPTION_LIMIT} characters")
    if len(set(options)) != len(options):
        raise ValueError(f"{qid}: duplicate options")
    answer = item["answer"]
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(options):
        raise ValueError(f"{qid}: answer must be the index of exactly one option")
    explanation = _text(item, "explanation", EXPLANATION_LIMIT)
    if explanation.count("\n") > EXPLANATION_LINE_BREAKS:
        raise ValueError(f"{qid}: explanation has more than {EXPLANATION_LINE_BREAKS} line breaks")
    source = item["source"]
    document = corpus.get(str(source["file"]))
    if document is None:
        raise ValueError(f"{qid}: source file {source['file']!r} is not in the corpus")
    section, quote = str(source["section"]).strip(), str(source["quote"]).strip()
    heading_index = next(
        (i for i, line in enumerate(document.lines) if line.startswith(section) and HEADING.match(line)), None
    )
    if not section or heading_index is None:
        raise ValueError(f"{qid}: section {section!r} is not a heading of {document.file}")
    compact_quote = "".join(quote.split())
    holder = next((line for line, compact in zip(document.lines[heading_index:], document.compact_lines[heading_index:], strict=True)
                   if compact_quote and compact_quote in compact), None)
    if holder is None:
        raise ValueError(f"{qid}: quote not found in {document.file} under {section!r}")
    return Question(
        id=qid, question=text, options=tuple(options), answer=answer, explanation=explanation,
        file=document.file, doc=document.title, source=document.source, section=section.strip("*"), quote=quote,
        passage=holder,
    )


def _text(item: dict[str, Any], key: str, limit: int) -> str:
    value = str(item[key]).strip()
    if not value or len(value) > limit:
        raise ValueError(f"{item.get('id')}: {key} must be 1 to {limit} characters")
    return value
