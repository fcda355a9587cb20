"""`python -m bot ask`: the pocket book without Telegram or the database (and without importing aiogram)."""

from __future__ import annotations

import json
from pathlib import Path

from bot import texts
from bot.services.pocketbook import default_pocketbook


def ask(questions: list[str], *, policies: Path, as_json: bool, top: int) -> None:
    pocketbook = default_pocketbook(policies=policies)
    for question in questions:
        answer = pocketbook.ask(question, top_k=top)
        if as_json:
            passages = [
                {"text": p.text, "doc": p.doc, "section": p.section, "source": p.source, "score": round(p.score, 4)}
                for p in answer.passages
            ]
            print(json.dumps({"q": question, "abstained": answer.abstained, "answers": passages}, ensure_ascii=False), flush=True)
        elif answer.abstained:
            print(f"{question}\n  {texts.ask_abstain(answer.reason)}\n")
        else:
            print(question)
            if answer.unsure:
                print(f"  {texts.ASK_UNSURE}")
            for index, p in enumerate(answer.passages, start=1):
                print(f"  {index}. 《{p.doc}》 {p.section} [{p.source}] ({p.score:.2f})\n     {p.text}")
            print()
