"""Fit the refusal confidence (assistant/confidence.py) on the gold set and the development sets
(`eval/dev*/`; never a held-out set) and print its constants,
with a 5-fold cross-validated table of refusal rates per threshold.

    python -m eval.calibrate
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
from assistant.settings import PROJECT_ROOT, get_settings
from eval.harness import read_questions, request_for
from eval.report import GOLD


def training_sets() -> list[Path]:
    return [GOLD, *sorted((PROJECT_ROOT / "eval").glob("dev*/questions.jsonl"))]


def main() -> None:
    assistant = Assistant(get_settings())
    snap = assistant.provider.get()
    X, y = [], []
    # the gold set and every development set (eval/dev*/): never a held-out set
    rows = [row for path in training_sets() for row in read_questions(path)]
    for row in rows:
        state = assistant.prepare(request_for(row))
        X.append(features(snap, state.standalone, state.passages))
        y.append(int(row.get("answerable", True)))
    X, y = np.asarray(X), np.asarray(y)
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.3, class_weight="balanced", max_iter=1000)
    )
    cv = cross_val_predict(
        model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba"
    )[:, 1]
    print("threshold | correct refusal | false refusal  (5-fold cross-validated)")
    for th in np.arange(0.2, 0.65, 0.05):
        cr = ((cv < th) & (y == 0)).sum() / max((y == 0).sum(), 1)
        fr = ((cv < th) & (y == 1)).sum() / max((y == 1).sum(), 1)
        print(f"{th:.2f} | {cr:.3f} | {fr:.3f}")
    model.fit(X, y)
    scaler, clf = model[0], model[1]
    print("\nFEATURES =", FEATURES)
    print("MEAN =", tuple(round(float(v), 5) for v in scaler.mean_))
    print("SCALE =", tuple(round(float(v), 5) for v in scaler.scale_))
    print("COEF =", tuple(round(float(v), 5) for v in clf.coef_[0]))
    print("INTERCEPT =", round(float(clf.intercept_[0]), 5))


if __name__ == "__main__":
    main()
