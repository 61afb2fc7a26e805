"""Fit the refusal confidence (assistant/confidence.py): write the question prior
(assistant/question_prior.py) and print the refusal models' constants, with cross-validated
tables of refusal rates per threshold.

    python -m eval.calibrate

Two refusal models, each on the questions the chain judges with it, in the gold set and the
development sets named in `REFUSAL_SETS` (never a held-out set): LEGAL on the questions read
surely as a citizen's legal one (`Assistant.surely_legal`: P > LEGAL_CONFIDENCE_FROM,
assistant/intent.py), GENERAL on the others (until stop 36 on the gold set alone). GENERAL's table
is cross-validated leave one set out: how a model fitted without a set refuses that set's
questions, the nearest this can come to a set written after it.

The question prior is fitted on every one of those questions (the matter they ask:
`question_prior.matter`). The refusal models read it as a
feature, and a prior that has seen a question would vouch for it too well, so each training
question's prior comes from a prior fitted without its set (stacking). In GENERAL's table the set
left out is left out of every prior as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from assistant.chain import Assistant
from assistant.confidence import FEATURES, judged_question, log_odds, passage_features
from assistant.question_prior import MODEL_PATH as PRIOR_PATH
from assistant.question_prior import matter
from assistant.settings import get_settings
from assistant.text_model import to_json, vectorizer
from eval.harness import question_set, read_questions, request_for
from eval.report import GOLD

# eval/dev_laws2 is left out: its unanswerable questions are those no law answers, and the
# handbook answers several of them ("lệ phí đăng ký thường trú", "giấy tờ đăng ký kết hôn"), so
# as refusal labels they would be wrong for the whole index. eval/dev_laws3's unanswerable
# questions were written away from the handbook's topics.
REFUSAL_SETS = (
    "dev_laws",
    "dev_phrasing",
    "dev_trust",
    "dev_trust2",
    "dev_near",
    "dev_laws3",
    "dev_trust3",
)
# LEGAL as refitted at stop 34 left dev_trust3 out: with it, leave one set out refused 3 more
# answerable questions for 1 more unanswerable one (eval/dev_trust3/README.md)
LEGAL_SETS = frozenset({"gold", *REFUSAL_SETS} - {"dev_trust3"})
# chosen leave one set out, with the chain's other checks applied (eval/dev_trust3/README.md)
GENERAL_C = 0.1
LEGAL_C = 0.3
PRIOR_C = 10.0


@dataclass
class Judged:
    """The questions one refusal model judges: passage features, label, set, question."""

    x: list[list[float]] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def add(self, x: list[float], y: int, name: str, text: str) -> None:
        self.x.append(x)
        self.y.append(y)
        self.sets.append(name)
        self.texts.append(text)


def training_sets() -> list[Path]:
    return [GOLD, *map(question_set, REFUSAL_SETS)]


def prior_model():
    return make_pipeline(
        vectorizer(), LogisticRegression(C=PRIOR_C, class_weight="balanced", max_iter=3000)
    )


def refusal_model(C: float):
    return make_pipeline(
        StandardScaler(), LogisticRegression(C=C, class_weight="balanced", max_iter=1000)
    )


class Priors:
    """Question priors fitted on every question of the training sets but some sets."""

    def __init__(self, texts: list[str], y: list[int], sets: list[str]) -> None:
        self.texts, self.y, self.sets = texts, np.asarray(y), np.asarray(sets)
        self._fitted: dict[frozenset[str], object] = {}

    def without(self, left_out: frozenset[str]):
        if left_out not in self._fitted:
            keep = ~np.isin(self.sets, list(left_out))
            texts = [t for t, k in zip(self.texts, keep, strict=True) if k]
            self._fitted[left_out] = prior_model().fit(texts, self.y[keep])
        return self._fitted[left_out]

    def log_odds(self, judged: Judged, left_out: frozenset[str] = frozenset()) -> np.ndarray:
        """Each question's prior from a model fitted without its own set (and `left_out`)."""
        out = np.zeros(len(judged.texts))
        for name in set(judged.sets):
            rows = [i for i, s in enumerate(judged.sets) if s == name]
            model = self.without(left_out | {name})
            p = model.predict_proba([judged.texts[i] for i in rows])[:, 1]
            out[rows] = [log_odds(float(v)) for v in p]
        return out


def with_prior(judged: Judged, prior: np.ndarray) -> np.ndarray:
    return np.column_stack([np.asarray(judged.x), prior])


def print_table(name: str, how: str, cv: np.ndarray, y: np.ndarray) -> None:
    print(f"\n{name}: {int(y.sum())} answerable, {int((y == 0).sum())} unanswerable")
    print(f"threshold | correct refusal | false refusal  ({how}, cross-validated)")
    for th in np.arange(0.1, 0.65, 0.05):
        cr = ((cv < th) & (y == 0)).sum() / max((y == 0).sum(), 1)
        fr = ((cv < th) & (y == 1)).sum() / max((y == 1).sum(), 1)
        print(f"{th:.2f} | {cr:.3f} | {fr:.3f}")


def print_constants(model, names: tuple[str, ...] = FEATURES) -> None:
    scaler, clf = model[0], model[1]
    print("FEATURES =", names)
    print("mean =", tuple(round(float(v), 5) for v in scaler.mean_))
    print("scale =", tuple(round(float(v), 5) for v in scaler.scale_))
    print("coef =", tuple(round(float(v), 5) for v in clf.coef_[0]))
    print("intercept =", round(float(clf.intercept_[0]), 5))


def leave_one_set_out(judged: Judged, priors: Priors, C: float) -> np.ndarray:
    """Each set's probabilities from a refusal model and priors fitted without it."""
    y, sets = np.asarray(judged.y), np.asarray(judged.sets)
    out = np.zeros(len(y))
    for name in sorted(set(judged.sets)):
        test = sets == name
        prior = priors.log_odds(judged, frozenset({name}))
        # the left-out set's own questions: the prior fitted without it (its own set)
        X = with_prior(judged, prior)
        model = refusal_model(C).fit(X[~test], y[~test])
        out[test] = model.predict_proba(X[test])[:, 1]
    return out


def main() -> None:
    assistant = Assistant(get_settings())
    snap = assistant.provider.get()
    general, legal, everyone = Judged(), Judged(), Judged()
    for path in training_sets():
        name = path.parent.name
        for row in read_questions(path):
            state = assistant.prepare(request_for(row))
            if not state.passages:
                continue
            question = judged_question(snap, state.standalone)
            x = passage_features(snap, question, state.passages)
            y = int(row.get("answerable", True))
            words = matter(question)
            everyone.add(x, y, name, words)
            if assistant.surely_legal(state):
                if name in LEGAL_SETS:
                    legal.add(x, y, name, words)
            else:
                general.add(x, y, name, words)
    priors = Priors(everyone.texts, everyone.y, everyone.sets)
    fitted = to_json(priors.without(frozenset()), sorted(set(everyone.sets)), PRIOR_C)
    fitted["documents"] = sorted(snap.rows_by_doc)  # what it knows (question_prior.py)
    PRIOR_PATH.write_text(json.dumps(fitted, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {PRIOR_PATH} ({len(fitted['terms'])} terms, {len(everyone.y)} questions)")

    y = np.asarray(general.y)
    print_table(
        "GENERAL (questions not read as legal ones, gold + dev sets)",
        "leave one set out",
        leave_one_set_out(general, priors, GENERAL_C),
        y,
    )
    X = with_prior(general, priors.log_odds(general))
    print_constants(refusal_model(GENERAL_C).fit(X, y))
    print("GENERAL_PASSAGES (without the question prior):")
    print_constants(refusal_model(GENERAL_C).fit(np.asarray(general.x), y), FEATURES[:-1])

    y = np.asarray(legal.y)
    X = with_prior(legal, priors.log_odds(legal))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv = cross_val_predict(refusal_model(LEGAL_C), X, y, cv=folds, method="predict_proba")[:, 1]
    print_table("LEGAL (questions read surely as legal ones, gold + dev sets)", "5-fold", cv, y)
    print_constants(refusal_model(LEGAL_C).fit(X, y))
    print("LEGAL_PASSAGES (without the question prior):")
    print_constants(refusal_model(LEGAL_C).fit(np.asarray(legal.x), y), FEATURES[:-1])


if __name__ == "__main__":
    main()
