"""Choose fusion weights by measurement: compute every signal once per gold question, then
grid-search the weights, with a 2-fold check (tune on half, score the other half) so the
chosen weights are not just a fit to the questions they are scored on.

    python -m eval.tune
"""

from __future__ import annotations

import itertools
import json
import random

import numpy as np

from assistant.chain import Assistant
from assistant.questions import label_affinity, question_types
from assistant.retrieval import scope_prior
from assistant.settings import get_settings
from eval.harness import read_questions, request_for
from eval.metrics import gold_quotes, relevant
from eval.report import GOLD


def signals_for(assistant: Assistant, rows: list[dict]) -> list[dict]:
    snap = assistant.provider.get()
    searcher = assistant.searcher
    matrix = snap.embedding_matrix()
    max_chars = searcher.config.max_passage_chars
    keys = [snap.parent_key(i, max_chars) for i in range(len(snap.ids))]
    passages = {}
    for i, key in enumerate(keys):
        if key not in passages:
            passages[key] = snap.section_passage(i, key, 0.0, {}).text
    key_index = {key: n for n, key in enumerate(passages)}
    parent_ids = np.asarray([key_index[k] for k in keys])
    situation = snap.is_situation
    out = []
    for row in rows:
        query, context = assistant.search_terms(request_for(row))
        standalone = f"{query} {context}".strip()
        q = searcher.prepare_query(query, snap, searcher.config, context)
        config = searcher.config
        title = snap.title_index.match(q["folded"])
        dense = matrix @ np.asarray(
            assistant.provider.embeddings.embed_query(q["dense"]), dtype=np.float32
        )
        # as the searcher sees it: Chroma's top candidates, everything else at their floor
        floor = np.sort(dense)[-searcher.config.dense_candidates(dense.size)]
        dense = np.maximum(dense, floor)
        lex = {}
        for view in ("plain", "folded"):
            aligned = np.zeros(len(snap.ids), dtype=np.float32)
            aligned[snap.lex_to_row] = snap.lexical.scores(q[view], view)
            lex[view] = aligned
        types = question_types(standalone)
        label = np.asarray([label_affinity(types, lab) for lab in snap.labels], dtype=np.float32)
        gold = np.asarray([relevant(t, gold_quotes(row)) for t in snap.texts])
        # relevance of each chunk's returned passage (its whole section when merged)
        parent_gold = {key: relevant(text, gold_quotes(row)) for key, text in passages.items()}
        out.append(
            {
                "dense": dense,
                "plain": lex["plain"],
                "folded": lex["folded"],
                "label": label,
                "gold": gold,
                "situation": situation,
                "scope": scope_prior(snap, standalone, config),
                "named": config.title_named_boost * (title >= 1.0).astype(np.float32),
                "title": title,
                "parent_gold": np.asarray([parent_gold[keys[i]] for i in range(len(keys))]),
                "parent_id": parent_ids,
            }
        )
    return out


def norm(x: np.ndarray) -> np.ndarray:
    m = x.max()
    return x / m if m > 0 else x


def ranked_passages(s: dict, fused: np.ndarray, merge: bool, k: int = 10) -> np.ndarray:
    order = np.argsort(-fused)
    if not merge:
        return s["gold"][order[:k]]
    _, first = np.unique(s["parent_id"][order], return_index=True)
    return s["parent_gold"][order[np.sort(first)[:k]]]


def score(sig: list[dict], w: tuple, merge: bool = True) -> dict[str, float]:
    hits1 = hits5 = rr = 0.0
    for s in sig:
        d = s["dense"] - s["dense"].min()
        fused = (
            w[0] * norm(d)
            + w[1] * norm(s["plain"])
            + w[2] * norm(s["folded"])
            + w[3] * s["label"]
            + s["scope"]
            + s["named"]
        )
        if len(w) > 4:
            fused = fused - w[4] * s["situation"]
        if len(w) > 5:
            fused = fused + w[5] * s["title"]
        hit = np.nonzero(ranked_passages(s, fused, merge))[0]
        if hit.size:
            r = hit[0] + 1
            hits1 += r == 1
            hits5 += r <= 5
            rr += 1 / r
    n = len(sig) or 1
    return {"hit@1": hits1 / n, "hit@5": hits5 / n, "mrr": rr / n}


GRID = list(
    itertools.product(
        [0.25, 0.5, 0.75, 1.0],
        [0.0, 0.25],
        [1.0, 1.5, 2.0],
        [0.0, 0.3],
        [0.0, 0.2, 0.3, 0.4],
        [0.0, 0.1, 0.2, 0.3, 0.5],
    )
)


def best(sig: list[dict]) -> tuple[tuple, dict]:
    return max(((w, score(sig, w)) for w in GRID), key=lambda x: (x[1]["mrr"], x[1]["hit@5"]))


def main() -> None:
    rows = [r for r in read_questions(GOLD) if r.get("answerable", True) and r.get("quote")]
    assistant = Assistant(get_settings())
    sig = signals_for(assistant, rows)
    c = assistant.searcher.config
    current = (
        c.dense_weight,
        c.plain_weight,
        c.folded_weight,
        c.label_weight,
        c.situation_penalty,
        c.title_weight,
    )
    print("current", current, score(sig, current))
    print("current, chunks not merged into sections", score(sig, current, merge=False))
    w, s = best(sig)
    print("best on all", w, s)
    rng = random.Random(7)
    idx = list(range(len(sig)))
    rng.shuffle(idx)
    half = len(idx) // 2
    folds = [idx[:half], idx[half:]]
    for k in (0, 1):
        train = [sig[i] for i in folds[k]]
        test = [sig[i] for i in folds[1 - k]]
        wk, sk = best(train)
        print(
            f"fold {k}: tuned {wk} train {sk} -> held-out {score(test, wk)}; current on held-out {score(test, current)}"
        )
    print(
        json.dumps(
            {
                "dense_weight": w[0],
                "plain_weight": w[1],
                "folded_weight": w[2],
                "label_weight": w[3],
                "situation_penalty": w[4],
                "title_weight": w[5],
            }
        )
    )


if __name__ == "__main__":
    main()
