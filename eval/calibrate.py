"""Fit the refusal confidence (assistant/confidence.py) and print its constants, with a 5-fold
cross-validated table of refusal rates per threshold.

    python -m eval.calibrate

Two models, each on the questions the chain judges with it, in the gold set and the development
sets named in `REFUSAL_SETS` (never a held-out set): LEGAL on the questions read surely as a
citizen's legal one (`Assistant.surely_legal`: P > LEGAL_CONFIDENCE_FROM, assistant/intent.py),
GENERAL on the others (until stop 36 on the gold set alone). GENERAL's table is cross-validated
leave one set out: how a model fitted without a set refuses that set's questions, the nearest this
can come to a set written after it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from assistant.chain import Assistant
from assistant.confidence import FEATURES, features
from assistant.settings import get_settings
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
# LEGAL as refitted at stop 34: with dev_trust3 too, leave one set out refused 3 more answerable
# questions for 1 more unanswerable one, so it was not refitted (eval/dev_trust3/README.md)
LEGAL_SETS = frozenset({"gold", *REFUSAL_SETS} - {"dev_trust3"})
# chosen leave one set out, with the chain's other checks applied (eval/dev_trust3/README.md)
GENERAL_C = 0.1
LEGAL_C = 0.3


def training_sets() -> list[Path]:
    return [GOLD, *map(question_set, REFUSAL_SETS)]


def fit(
    name: str, X: np.ndarray, y: np.ndarray, C: float, groups: np.ndarray | None = None
) -> None:
    """Print the cross-validated refusal rates per threshold and the fitted constants; with
    `groups`, leave one group (question set) out instead of 5 folds."""
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=C, class_weight="balanced", max_iter=1000)
    )
    folds = (
        LeaveOneGroupOut()
        if groups is not None
        else StratifiedKFold(5, shuffle=True, random_state=0)
    )
    cv = cross_val_predict(model, X, y, cv=folds, groups=groups, method="predict_proba")[:, 1]
    how = "leave one set out" if groups is not None else "5-fold"
    print(f"\n{name}: {int(y.sum())} answerable, {int((y == 0).sum())} unanswerable")
    print(f"threshold | correct refusal | false refusal  ({how}, cross-validated)")
    for th in np.arange(0.1, 0.65, 0.05):
        cr = ((cv < th) & (y == 0)).sum() / max((y == 0).sum(), 1)
        fr = ((cv < th) & (y == 1)).sum() / max((y == 1).sum(), 1)
        print(f"{th:.2f} | {cr:.3f} | {fr:.3f}")
    model.fit(X, y)
    scaler, clf = model[0], model[1]
    print("FEATURES =", FEATURES)
    print("mean =", tuple(round(float(v), 5) for v in scaler.mean_))
    print("scale =", tuple(round(float(v), 5) for v in scaler.scale_))
    print("coef =", tuple(round(float(v), 5) for v in clf.coef_[0]))
    print("intercept =", round(float(clf.intercept_[0]), 5))


def main() -> None:
    assistant = Assistant(get_settings())
    snap = assistant.provider.get()
    # the questions each model judges: features, label, set
    general: tuple[list, list, list] = ([], [], [])
    legal: tuple[list, list, list] = ([], [], [])
    for path in training_sets():
        for row in read_questions(path):
            state = assistant.prepare(request_for(row))
            if not state.passages:
                continue
            name = path.parent.name
            if assistant.surely_legal(state):
                if name not in LEGAL_SETS:
                    continue
                judged = legal
            else:
                judged = general
            judged[0].append(features(snap, state.standalone, state.passages))
            judged[1].append(int(row.get("answerable", True)))
            judged[2].append(name)
    fit(
        "GENERAL (questions not read as legal ones, gold + dev sets)",
        np.asarray(general[0]),
        np.asarray(general[1]),
        GENERAL_C,
        groups=np.asarray(general[2]),
    )
    fit(
        "LEGAL (questions read surely as legal ones, gold + dev sets)",
        np.asarray(legal[0]),
        np.asarray(legal[1]),
        LEGAL_C,
    )


if __name__ == "__main__":
    main()
