"""The segmented BM25 index scores exactly as a bm25s index of the same chunks would, through
builds, incremental updates and merges, and an update never touches the previous generation."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import bm25s
import numpy as np
import pytest

from assistant.settings import PROJECT_ROOT
from ingest import bm25_segments, lexical
from ingest.lexical import VIEWS, LexicalIndex, indexed_text, tokens

QUERIES = [
    "Thủ tục đăng ký khai sinh cần giấy tờ gì?",
    "dang ky thuong tru o dau",
    "hòa giải tranh chấp đất đai tại xã",
    "lệ phí cấp giấy chứng nhận quyền sử dụng đất",
    "nguyên tắc 6 rõ",
    "xã xã xã đất đất",  # repeated query words count again, as in bm25s
    "zzzz không-có-từ-này",
]


def _chunks(n: int, seed: int = 7) -> list[tuple[str, str, dict]]:
    """Paragraphs of the real handbook as chunks, with a title and a section."""
    text = (PROJECT_ROOT / "knowledge" / "handbook" / "05-tu-phap-ho-tich.md").read_text("utf-8")
    text += (PROJECT_ROOT / "knowledge" / "handbook" / "01-dat-dai.md").read_text("utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    rng = random.Random(seed)
    return [
        (f"c{i}", rng.choice(paragraphs), {"title": "Cẩm nang", "section": f"Mục {i % 7}"})
        for i in range(n)
    ]


def _bm25s_scores(chunks, query: str, view: str) -> dict[str, float]:
    retriever = bm25s.BM25()
    retriever.index([tokens(indexed_text(d, m), view) for _, d, m in chunks], show_progress=False)
    terms = [t for t in tokens(query, view) if t in retriever.vocab_dict]
    got = retriever.get_scores(terms) if terms else np.zeros(len(chunks))
    return {cid: float(s) for (cid, _, _), s in zip(chunks, got, strict=True)}


def _assert_same(index: LexicalIndex, chunks) -> None:
    assert sorted(index.ids) == sorted(c[0] for c in chunks)
    for view in VIEWS:
        for query in QUERIES:
            expected = _bm25s_scores(chunks, query, view)
            got = dict(zip(index.ids, index.scores(query, view).tolist(), strict=True))
            assert got.keys() == expected.keys()
            for cid, value in expected.items():
                assert got[cid] == pytest.approx(value, rel=1e-5, abs=1e-6), (view, query, cid)


def _build(directory: Path, chunks) -> None:
    ids, docs, metas = zip(*chunks, strict=True)
    lexical.build(directory, list(ids), list(docs), list(metas))


def test_a_fresh_build_scores_as_bm25s(tmp_path):
    chunks = _chunks(300)
    _build(tmp_path / "lex", chunks)
    _assert_same(LexicalIndex.load(tmp_path / "lex"), chunks)
    ids, docs, metas = zip(*chunks, strict=True)
    _assert_same(LexicalIndex.in_memory(list(ids), list(docs), list(metas)), chunks)


def _next_generation(previous: Path, staging: Path) -> None:
    """What the ingest does: hard-link the previous generation's files into the new one."""
    shutil.copytree(previous, staging, copy_function=os.link)


def test_updates_and_merges_score_as_a_fresh_index_and_leave_the_previous_generation(tmp_path):
    chunks = _chunks(400)
    live = {c[0]: c for c in chunks[:200]}
    gen = tmp_path / "g0"
    _build(gen, list(live.values()))
    rng = random.Random(3)
    for step in range(1, 13):  # enough steps for both merge rules to fire
        before = {p.name: p.read_bytes() for p in gen.iterdir()}
        staging = tmp_path / f"g{step}"
        _next_generation(gen, staging)
        removed = set(rng.sample(sorted(live), 15))
        added = [c for c in chunks if c[0] not in live][: rng.randint(0, 12)]
        added += [(f"{cid}-v{step}", doc + " sửa đổi", meta) for cid, doc, meta in added[:2]]
        for cid in removed:
            del live[cid]
        live.update({c[0]: c for c in added})
        ids, docs, metas = (list(x) for x in zip(*added, strict=True)) if added else ([], [], [])
        lexical.update(staging, removed, ids, docs, metas)
        _assert_same(LexicalIndex.load(staging), list(live.values()))
        assert {p.name: p.read_bytes() for p in gen.iterdir()} == before, "previous gen changed"
        gen = staging
    state = bm25_segments.read_state(gen)
    assert len(state["segments"]) <= bm25_segments.MAX_SEGMENTS


def test_an_empty_index_and_an_empty_query(tmp_path):
    lexical.build(tmp_path / "lex", [], [], [])
    index = LexicalIndex.load(tmp_path / "lex")
    assert index.ids == [] and index.scores("đất đai", "plain").size == 0
    chunks = _chunks(5)
    _build(tmp_path / "lex2", chunks)
    assert not LexicalIndex.load(tmp_path / "lex2").scores("? ! …", "folded").any()


def test_a_build_replaces_an_index_of_the_previous_layout(tmp_path):
    old = tmp_path / "lex"
    (old / "plain").mkdir(parents=True)  # bm25s's folders, before segments
    (old / "plain" / "params.index.json").write_text("{}")
    (old / "version.txt").write_text("lex-v2")
    assert not lexical.is_current(old)
    chunks = _chunks(20)
    _build(old, chunks)
    assert lexical.is_current(old) and not (old / "plain").exists()
    _assert_same(LexicalIndex.load(old), chunks)


def test_rows_holding_a_phrase_need_its_words_side_by_side():
    index = LexicalIndex.in_memory(
        ["a", "b", "c"],
        ["Viên chức là người được tuyển dụng.", "Chức vụ của viên kế toán.", "Hộ tịch."],
        [{}, {}, {}],
    )
    assert index.rows_with_all("vien chuc", "folded").tolist() == [0]  # "viên … chức" apart: no
    assert index.rows_with_all("ho tich", "folded").tolist() == [2]
    assert index.rows_with_all("tich", "folded").tolist() == [2]  # one word: the word itself
    assert index.rows_with_all("", "folded").size == 0


def test_each_collection_scores_as_if_indexed_alone_and_pooled_as_all_together(tmp_path):
    """Rows of two collections (the handbook, the laws) each score as a bm25s index of their
    own collection would; `pooled` scores as one index of all of them."""
    handbook = _chunks(120, seed=1)
    law = (PROJECT_ROOT / "knowledge" / "laws" / "luat-cu-tru.txt").read_text("utf-8")
    articles = [p for p in law.split("\n") if len(p) > 80][:200]
    laws = [
        (f"l{i}", p, {"title": "Luật Cư trú", "section": "Điều"}) for i, p in enumerate(articles)
    ]
    chunks = handbook + laws
    _build(tmp_path / "lex", chunks)
    collections = np.asarray([cid.startswith("l") for cid, _, _ in chunks], dtype=np.int64)
    index = LexicalIndex.load(tmp_path / "lex", [c[0] for c in chunks], collections)
    for view in VIEWS:
        for query in [*QUERIES, "thường trú tạm trú"]:
            own = dict(zip(index.ids, index.scores(query, view).tolist(), strict=True))
            pooled = index.scores(query, view, pooled=True).tolist()
            for part in (handbook, laws):
                for cid, value in _bm25s_scores(part, query, view).items():
                    assert own[cid] == pytest.approx(value, rel=1e-5, abs=1e-6), (view, cid)
            expected = _bm25s_scores(chunks, query, view)
            for cid, value in zip(index.ids, pooled, strict=True):
                assert value == pytest.approx(expected[cid], rel=1e-5, abs=1e-6), (view, cid)
    query = "thường trú tạm trú"
    assert (
        index.scores(query, "folded").tolist()
        != index.scores(query, "folded", pooled=True).tolist()
    )
