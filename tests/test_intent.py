"""The law-intent model: what eval/route.py fits is what assistant/intent.py computes, the shipped
model tells a citizen's legal question from a question about commune work, and the retriever
ranks a legal question with the law's weights and the chain judges it with the legal refusal model
(real index: tests/conftest.py `law_corpus`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.confidence import LEGAL_CONFIDENCE_FROM
from assistant.intent import LawIntent, load_law_intent
from assistant.schemas import AskRequest
from eval.route import fit, model

TEXTS = [
    "Chó nhà hàng xóm cắn con tôi thì ai phải bồi thường?",
    "Vợ chồng ly hôn thì con nhỏ ai nuôi?",
    "Con tôi 16 tuổi có được tự mua xe máy không?",
    "Hàng xóm xây nhà lấn sang đất tôi thì tôi có quyền gì?",
    "Thủ tục đăng ký khai sinh ở xã gồm những bước nào?",
    "Bộ phận một cửa của xã tiếp nhận hồ sơ thế nào?",
    "Xã lập dự toán ngân sách hằng năm ra sao?",
    "Công chức tư pháp xã chứng thực bản sao cần kiểm tra gì?",
]
LABELS = np.asarray([1, 1, 1, 1, 0, 0, 0, 0])


def test_the_run_time_model_computes_what_scikit_learn_fitted():
    pipeline = model().fit(TEXTS, LABELS)
    ours = LawIntent(fit(TEXTS, LABELS, ["test"]))
    for q in [*TEXTS, "chó cắn người thì ai bồi thường", "ho so khai sinh gom gi", "xin chào"]:
        expected = pipeline.predict_proba([q])[0, 1]
        assert ours.probability(q) == pytest.approx(expected, abs=1e-4), q
    assert ours.probability("   ") == 0.0


def test_the_shipped_model_tells_legal_questions_from_commune_work():
    intent = load_law_intent()
    legal = "Bố mẹ ly hôn thì đứa con dưới 3 tuổi do ai trực tiếp nuôi?"
    work = "Cán bộ một cửa tiếp nhận hồ sơ đăng ký khai sinh thì phải kiểm tra những gì?"
    assert intent.probability(legal) > 0.5
    assert intent.probability(work) < 0.5
    # typed without diacritics, the same question reads the same
    unaccented = "Bo me ly hon thi dua con duoi 3 tuoi do ai truc tiep nuoi?"
    assert intent.probability(unaccented) == pytest.approx(intent.probability(legal))


def test_a_legal_question_is_ranked_with_the_laws_weights(law_assistant):
    searcher = law_assistant.searcher
    question = (
        "Vợ chồng ly hôn rồi vẫn ở chung nhà, chồng cũ là chủ hộ không đồng ý"
        " thì tôi tách hộ được không?"
    )
    assert searcher.intent.probability(question) > searcher.config.law_intent_threshold
    routed = searcher.search(question, k=5)
    plain = searcher.search(question, k=5, config=replace(searcher.config, law_intent=False))
    # handbook-first weights put the handbook's residence chapter first; the law's weights the
    # article that answers it (Luật Cư trú, Điều 25: tách hộ after a divorce)
    assert plain[0].doc_id == "10-cu-tru"
    assert routed[0].doc_id == "luat-cu-tru"
    assert routed[0].section.startswith("Điều 25. Tách hộ")
    # a question about commune work keeps the handbook-first weights
    work = "Cán bộ tư pháp xã tiếp nhận hồ sơ đăng ký khai sinh cần kiểm tra gì?"
    assert searcher.config.for_question(searcher.intent.probability(work)) == searcher.config


def test_a_surely_legal_question_is_judged_by_the_legal_refusal_model(law_assistant):
    threshold = law_assistant.settings.refusal_threshold
    legal_q = "Cháu gọi bằng cậu có lấy được cháu gái không?"
    assert law_assistant.searcher.law_probability(legal_q) > LEGAL_CONFIDENCE_FROM
    state = law_assistant.prepare(AskRequest(question=legal_q))
    general = law_assistant.confidence(state.standalone, state.passages)
    legal = law_assistant.confidence(state.standalone, state.passages, legal=True)
    # the law's words ("trong phạm vi ba đời") cover the everyday ones little; the legal model
    # weighs the embedder's similarity more and answers
    assert general < threshold <= legal
    result = law_assistant.ask(AskRequest(question=legal_q))
    assert not result.refused and result.confidence == legal
    assert result.citations[0].doc_id == "luat-hon-nhan-va-gia-dinh"
    # a question about commune work keeps the general model
    work_q = "Cán bộ tư pháp xã tiếp nhận hồ sơ đăng ký khai tử cần kiểm tra giấy tờ gì?"
    assert law_assistant.searcher.law_probability(work_q) <= LEGAL_CONFIDENCE_FROM
    work = law_assistant.prepare(AskRequest(question=work_q))
    expected = law_assistant.confidence(work.standalone, work.passages)
    assert law_assistant.ask(AskRequest(question=work_q)).confidence == expected
