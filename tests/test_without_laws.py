"""`make eval`'s row "hit@1 without the laws in the index" (eval/without_laws.py): a second
index of the same knowledge/ less its laws, built from the embedding cache, ranks the handbook
sets; law sets are left out. Real indexes (tests/conftest.py `law_corpus`), real chain."""

from __future__ import annotations

import json

from eval.without_laws import hit_at_1_without_laws, knowledge_without_laws


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_the_copy_leaves_out_the_laws_and_their_sidecars_only(law_assistant, tmp_path):
    assert knowledge_without_laws(law_assistant, tmp_path / "k") == 2
    kept = sorted(p.relative_to(tmp_path / "k").as_posix() for p in (tmp_path / "k").rglob("*.*"))
    assert "handbook/10-cu-tru.md" in kept and "handbook/05-tu-phap-ho-tich.md" in kept
    assert not [p for p in kept if p.startswith("laws/")], kept


def test_handbook_sets_are_ranked_without_the_laws_and_law_sets_are_not(law_assistant, tmp_path):
    handbook = _write(
        tmp_path / "hb" / "questions.jsonl",
        [
            {
                "id": "a",
                "question": "Thông báo lưu trú cho khách đến nhà ngủ lại thế nào?",
                "answerable": True,
                "quote": "10.3",
            },
            {"id": "u", "question": "Giá vàng hôm nay?", "answerable": False},
        ],
    )
    laws = _write(
        tmp_path / "lw" / "questions.jsonl",
        [
            {
                "id": "l",
                "question": "Thời hạn tạm trú tối đa là bao lâu?",
                "answerable": True,
                "quote": "02 năm",
                "article": "Điều 27",
            }
        ],
    )
    got = hit_at_1_without_laws(law_assistant, [handbook, laws])
    assert set(got) == {"hb"}
    assert got["hb"] == 1.0  # the section heading "10.3. Thông báo lưu trú …" is in its passage
