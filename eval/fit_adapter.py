"""Fit the query adapter (assistant/query_adapter.py) on the development question sets and write
it beside the code, after a leave-one-set-out table of what it does to the dense search alone.

    python -m eval.fit_adapter          # table, then fit on every set and write the map
    python -m eval.fit_adapter --check  # the table only
    python -m eval.fit_adapter --check --held-out DIR  # and each set's map fitted without it,
                                                       # as DIR/<set>.npz (for eval.tune)

Each answerable question of `TRAINING_SETS` gives its vector (the text the dense search reads,
accents restored and synonyms added) and the chunks that answer it: the chunks of every passage
holding its gold quote, or, for a set labelled by place, the chunks of the labelled section or
document. D is fitted by full-batch Adam on a softmax over every chunk of the index (temperature
`TAU`) with an L2 pull towards no change (`L2`). Held-out sets are never read. The settings below
were chosen on the leave-one-set-out table (eval/dev_laws2/README.md, stop 32).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from assistant.chain import Assistant
from assistant.query_adapter import QueryAdapter
from assistant.settings import get_settings
from eval.harness import question_set, read_questions, request_for
from eval.metrics import gold_quotes, has_gold_quote
from eval.places import at_place, is_place_labelled
from ingest.text import squash

TRAINING_SETS = (
    "gold",
    "dev_laws",
    "dev_laws2",
    "dev_trust",
    "dev_phrasing",
    "dev_trust2",
    "dev_near",
)
TAU = 0.02
L2 = 0.01
EPOCHS = 100
LEARNING_RATE = 1e-3


def examples(assistant: Assistant) -> tuple[np.ndarray, list[dict]]:
    """Every chunk's vector, and per answerable question: set, vector and answering chunk rows."""
    snap = assistant.provider.get()
    searcher, config = assistant.searcher, assistant.searcher.config
    chunks = snap.embedding_matrix()
    passages: dict[tuple[str, str], list[int]] = {}
    for row in range(len(snap.ids)):
        passages.setdefault(snap.parent_key(row, config.max_passage_chars), []).append(row)
    said = {
        key: squash(snap.section_passage(rows[0], key, 0.0, {}).text)
        for key, rows in passages.items()
    }
    placed: dict[tuple[str, str | None], list[int]] = {}  # (doc, section) -> its chunk rows
    out = []
    for name in TRAINING_SETS:
        rows = read_questions(question_set(name))
        by_place = is_place_labelled(rows)
        for row in rows:
            if not row.get("answerable", True) or not (by_place or has_gold_quote(row)):
                continue
            if by_place:
                label = (row["doc"], row.get("section"))
                if label not in placed:
                    placed[label] = [
                        r
                        for r, m in enumerate(snap.metas)
                        if at_place(m["doc_id"], m.get("section", ""), row)
                    ]
                answer = placed[label]
            else:
                quotes = [squash(q) for q in gold_quotes(row)]
                answer = [
                    r
                    for key, rs in passages.items()
                    if any(q in said[key] for q in quotes)
                    for r in rs
                ]
            if not answer:
                continue
            query, context = assistant.search_terms(request_for(row))
            text = searcher.prepare_query(query, snap, config, context)["dense"]
            vector = np.asarray(assistant.provider.embeddings.embed_query(text), dtype=np.float32)
            out.append({"set": name, "vector": vector, "answer": answer})
    return chunks, out


def fit(chunks: np.ndarray, rows: list[dict]) -> np.ndarray:
    """D such that normalise(q + D q) ranks each question's answering chunks first."""
    torch.manual_seed(0)
    index = torch.from_numpy(chunks)
    questions = torch.from_numpy(np.stack([r["vector"] for r in rows]))
    answers = torch.zeros(len(rows), index.shape[0], dtype=torch.bool)
    for i, r in enumerate(rows):
        answers[i, r["answer"]] = True
    delta = torch.zeros(index.shape[1], index.shape[1], requires_grad=True)
    optimiser = torch.optim.Adam([delta], lr=LEARNING_RATE)
    for _ in range(EPOCHS):
        moved = questions + questions @ delta.T
        scores = (moved / moved.norm(dim=1, keepdim=True)) @ index.T / TAU
        loss = (
            torch.logsumexp(scores, 1) - torch.logsumexp(scores.masked_fill(~answers, -1e9), 1)
        ).mean() + L2 * (delta**2).sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return delta.detach().numpy()


def hit_at_1(chunks: np.ndarray, rows: list[dict], delta: np.ndarray | None) -> float:
    """Share of questions whose nearest chunk (dense search alone) answers them."""
    if not rows:
        return 0.0
    vectors = np.stack([r["vector"] for r in rows])
    if delta is not None:
        vectors = vectors + vectors @ delta.T
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    best = np.argmax(vectors @ chunks.T, axis=1)
    return float(np.mean([b in set(r["answer"]) for b, r in zip(best, rows, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the table, write nothing")
    parser.add_argument(
        "--held-out",
        type=Path,
        metavar="DIR",
        help="also write each set's map fitted without it as DIR/<set>.npz",
    )
    args = parser.parse_args()
    assistant = Assistant(get_settings())
    model_id = getattr(assistant.provider.embeddings, "model_id", "")
    chunks, rows = examples(assistant)
    print("dense search alone, hit@1: set | questions | plain | adapter fitted on the other sets")
    for name in TRAINING_SETS:
        held = [r for r in rows if r["set"] == name]
        trained = [r for r in rows if r["set"] != name]
        delta = fit(chunks, trained)
        plain, moved = hit_at_1(chunks, held, None), hit_at_1(chunks, held, delta)
        print(f"{name} | {len(held)} | {plain:.3f} | {moved:.3f}", flush=True)
        if args.held_out:
            about = describe(chunks, trained, [s for s in TRAINING_SETS if s != name])
            QueryAdapter(delta, model_id, about).save(args.held_out / f"{name}.npz")
    if args.check:
        return
    about = describe(chunks, rows, list(TRAINING_SETS))
    QueryAdapter(fit(chunks, rows), model_id, about).save()
    print(f"wrote the adapter for {model_id}: {about}")


def describe(chunks: np.ndarray, rows: list[dict], sets: list[str]) -> dict:
    """What a map was fitted on and how, kept in its file (`QueryAdapter.about`)."""
    return {
        "sets": sets,
        "questions": len(rows),
        "chunks": int(chunks.shape[0]),
        "tau": TAU,
        "l2": L2,
        "epochs": EPOCHS,
    }


if __name__ == "__main__":
    main()
