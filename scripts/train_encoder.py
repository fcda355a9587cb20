"""Train the pocket book's question encoder (policies/encoder.json.gz) from the known questions.

Each known question in policies/expansions is a training pair with its sentence; every other
passage is a negative. Two bags of n-grams (question side, passage side) are trained so that a
question lands next to its sentence; the question side's rows and the passages' vectors are
written. Needs PyTorch (`make encoder` installs the CPU build); the bot itself does not.
The same inputs and seed give the same file.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services import pocketbook as pb  # noqa: E402
from bot.services import semantic  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=pb.DEFAULT_ENCODER)
    parser.add_argument("--expansions", type=Path, default=pb.DEFAULT_EXPANSIONS, help="the known questions")
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--min-count", type=int, default=2, help="features seen fewer times are dropped")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch
    from torch.nn import functional

    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    rng = random.Random(args.seed)

    corpus_files = sorted(pb.DEFAULT_CORPUS.glob("*.md"))
    book = pb.PocketBook.load(
        pb.DEFAULT_CORPUS, pb.DEFAULT_USERDICT, pb.DEFAULT_SYNONYMS, expansions=args.expansions, cache_dir=None
    )
    asked_files = [args.expansions / f"{path.stem}.jsonl" for path in corpus_files]
    asked = [
        pb.parse_expansions(path.read_text(encoding="utf-8"), path.name)[0] if path.exists() else {}
        for path in asked_files
    ]
    units = book.encoder_units()
    unit_features = [book.encoder_features(text) for _key, _doc, _sentence, text in units]
    pairs = [
        (book.encoder_features(question), uid)
        for uid, (_key, doc, sentence, _text) in enumerate(units)
        for question in asked[doc].get(pb.sentence_key(sentence), [])
    ]
    counts = Counter(f for fs in unit_features for f in fs)
    counts.update(f for fs, _uid in pairs for f in fs)
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= args.min_count))}

    def bags(feature_lists: list[list[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        flat: list[int] = []
        offsets: list[int] = []
        for fs in feature_lists:
            offsets.append(len(flat))
            flat += [vocabulary[f] for f in fs if f in vocabulary]
        return torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)

    question_side = torch.nn.EmbeddingBag(len(vocabulary), args.dim, mode="mean")
    passage_side = torch.nn.EmbeddingBag(len(vocabulary), args.dim, mode="mean")
    optimiser = torch.optim.Adam([*question_side.parameters(), *passage_side.parameters()], lr=0.01)
    passage_bags = bags(unit_features)
    started = time.perf_counter()
    for epoch in range(args.epochs):
        rng.shuffle(pairs)
        total = 0.0
        for i in range(0, len(pairs), 256):
            batch = pairs[i : i + 256]
            passages = functional.normalize(passage_side(*passage_bags), dim=-1)
            questions = functional.normalize(question_side(*bags([fs for fs, _ in batch])), dim=-1)
            # softmax over every passage, sharpened (temperature 0.05)
            loss = functional.cross_entropy(questions @ passages.T / 0.05, torch.tensor([uid for _, uid in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(pairs):.3f}", file=sys.stderr)
    with torch.no_grad():
        passages = functional.normalize(passage_side(*passage_bags), dim=-1)
    semantic.write_encoder(
        args.out,
        fingerprint=pb.encoder_fingerprint(pb.DEFAULT_CORPUS, pb.DEFAULT_USERDICT, args.expansions),
        question_features=list(vocabulary),
        question_rows=question_side.weight.detach().tolist(),
        unit_keys=[key for key, *_ in units],
        unit_rows=passages.tolist(),
    )
    print(
        f"{len(pairs)} known questions, {len(units)} passages, {len(vocabulary)} features, dim {args.dim}: "
        f"trained in {time.perf_counter() - started:.0f} s; wrote {args.out} ({args.out.stat().st_size // 1024} KiB)"
    )


if __name__ == "__main__":
    main()
