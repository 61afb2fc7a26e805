"""The question prior (assistant/question_prior.py): what eval/calibrate.py fits is what runs,
each training question's prior comes from a model that has not seen its set, the shipped prior
reads a matter the documents do not cover apart from a procedure they describe, and the chain's
refusal reads it (real index: tests/conftest.py `law_corpus`)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.confidence import FEATURES, features, prior_log_odds
from assistant.question_prior import load_question_prior
from assistant.schemas import AskRequest
from assistant.text_model import TextModel, to_json
from eval.calibrate import Judged, Priors, prior_model

# three small "sets": the military-service question is only in set a
ROWS = [
    ("a", "Bao giờ con tôi phải đi khám nghĩa vụ quân sự?", 0),
    ("a", "Đăng ký khai sinh cần giấy tờ gì?", 1),
    ("b", "Đăng ký kết hôn ở xã cần mang gì?", 1),
    ("b", "Xin cấp hộ chiếu ở đâu?", 0),
    ("c", "Thủ tục đăng ký thường trú gồm những gì?", 1),
    ("c", "Vay vốn hộ nghèo làm hồ sơ ở đâu?", 0),
]


def test_the_run_time_prior_computes_what_calibrate_fitted():
    texts, y = [r[1] for r in ROWS], np.asarray([r[2] for r in ROWS])
    pipeline = prior_model().fit(texts, y)
    ours = TextModel(to_json(pipeline, ["test"], 10.0))
    for q in [*texts, "nghia vu quan su", "khai sinh can gi", "xin chào"]:
        assert ours.probability(q) == pytest.approx(pipeline.predict_proba([q])[0, 1], abs=1e-4)


def test_each_training_question_s_prior_is_fitted_without_its_set():
    judged = Judged()
    for name, text, label in ROWS:
        judged.add([0.0], label, name, text)
    priors = Priors(judged.texts, judged.y, judged.sets)
    got = priors.log_odds(judged)
    others = [r for r in ROWS if r[0] != "a"]
    without_a = prior_model().fit([r[1] for r in others], [r[2] for r in others])
    p = without_a.predict_proba([ROWS[0][1]])[0, 1]
    assert got[0] == pytest.approx(np.log(p / (1 - p)))
    # the model that saw it would vouch for it less (it was labelled unanswerable there)
    seen = priors.without(frozenset()).predict_proba([ROWS[0][1]])[0, 1]
    assert seen < p
    # leaving a set out of every prior (the calibration table's left-out set)
    assert priors.log_odds(judged, frozenset({"b"}))[0] != pytest.approx(got[0])


def test_the_shipped_prior_reads_an_uncovered_matter_apart_from_a_described_procedure():
    prior = load_question_prior()
    uncovered = "Con trai tôi năm nay đủ 18 tuổi, bao giờ thì phải đi khám nghĩa vụ quân sự?"
    covered = "Đăng ký khai sinh cho trẻ cần những giấy tờ gì?"
    assert prior.probability(uncovered) < 0.5 < prior.probability(covered)
    unaccented = "Con trai toi nam nay du 18 tuoi, bao gio thi phai di kham nghia vu quan su?"
    assert prior.probability(unaccented) == pytest.approx(prior.probability(uncovered))
    # it knows the documents it was fitted with, not a text added later
    assert prior.knows("luat-cu-tru") and prior.knows("05-tu-phap-ho-tich")
    assert not prior.knows("quy-che-thu-vien")
    assert "gold" in prior.trained_on and not any(
        s.startswith(("holdout", "trust")) for s in prior.trained_on
    )


def test_the_refusal_reads_the_question_prior(law_assistant):
    snap = law_assistant.provider.get()
    question = "Con trai tôi năm nay đủ 18 tuổi, bao giờ thì phải đi khám nghĩa vụ quân sự?"
    state = law_assistant.prepare(AskRequest(question=question))
    assert state.passages  # the laws say much about people of 18
    x = features(snap, state.standalone, state.passages)
    assert len(x) == len(FEATURES) and FEATURES[-1] == "question_prior"
    assert x[-1] == pytest.approx(prior_log_odds(state.standalone)) and x[-1] < 0
    law_assistant.decide(state)
    assert state.confidence < state.threshold  # the models alone refuse it
    assert law_assistant.ask(AskRequest(question=question)).refused
