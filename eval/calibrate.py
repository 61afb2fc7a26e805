"""Fit the refusal confidence (assistant/confidence.py) and print its constants, with a 5-fold
cross-validated table of refusal rates per threshold.

    python -m eval.calibrate

Two models: GENERAL on the gold set, and LEGAL on the questions the chain judges with it
(`Assistant.surely_legal`: P > LEGAL_CONFIDENCE_FROM, assistant/intent.py; before stop
34 every routed one, P > 0.5) in the gold set and the development sets named in `REFUSAL_SETS`.
Never a held-out set.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
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
REFUSAL_SETS = ("dev_laws", "dev_phrasing", "dev_trust", "dev_trust2", "dev_near", "dev_laws3")


def training_sets() -> list[Path]:
    return [GOLD, *map(question_set, REFUSAL_SETS)]


def fit(name: str, X: np.ndarray, y: np.ndarray) -> None:
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.3, class_weight="balanced", max_iter=1000)
    )
    cv = cross_val_predict(
        model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba"
    )[:, 1]
    print(f"\n{name}: {int(y.sum())} answerable, {int((y == 0).sum())} unanswerable")
    print("threshold | correct refusal | false refusal  (5-fold cross-validated)")
    for th in np.arange(0.2, 0.65, 0.05):
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
    general: tuple[list, list] = ([], [])
    legal: tuple[list, list] = ([], [])
    for path in training_sets():
        for row in read_questions(path):
            state = assistant.prepare(request_for(row))
            if not state.passages:
                continue
            x = features(snap, state.standalone, state.passages)
            y = int(row.get("answerable", True))
            if path == GOLD:
                general[0].append(x)
                general[1].append(y)
            if assistant.surely_legal(state):  # the questions the chain judges with it
                legal[0].append(x)
                legal[1].append(y)
    fit("GENERAL (gold set)", np.asarray(general[0]), np.asarray(general[1]))
    fit("LEGAL (routed questions, gold + dev sets)", np.asarray(legal[0]), np.asarray(legal[1]))


if __name__ == "__main__":
    main()
