"""Real statutes: articles as sections, khoản below them, dates read from the law's own closing
lines, references to Điều/khoản/điểm, the handbook's legal basis resolved to indexed articles,
and the prebuilt embedding cache that lets a fresh machine skip re-embedding them."""

from __future__ import annotations

import re
import sqlite3

import numpy as np
import pytest

from assistant.settings import PROJECT_ROOT
from assistant.statute import article_label, clause_point, legal_basis_links, reference
from ingest.chunking import chunk_text, is_statute
from ingest.embeddings import make_embeddings
from ingest.loaders import load_file
from ingest.metadata import extract_metadata, read_sidecar
from ingest.prebuilt import export, prebuilt_path, seed_cache
from tests.conftest import make_settings

LAWS = PROJECT_ROOT / "knowledge" / "laws"
CU_TRU = LAWS / "luat-cu-tru.txt"


def test_every_law_in_knowledge_has_a_sidecar_that_says_which_version_it_is():
    laws = sorted(LAWS.glob("*.txt"))
    assert len(laws) == 17
    for law in laws:
        meta = extract_metadata(
            load_file(law).text,
            doc_id=law.stem,
            source=law.name,
            fmt="txt",
            sidecar=read_sidecar(law),
        )
        assert meta.province is None, law.stem  # national: never a province's text
        assert meta.issuer == "Quốc hội"
        assert meta.number is None  # no source at hand confirms the numbers: left empty
        assert "2023" in (meta.version or "") and "cần rà soát" in meta.version, law.stem
        assert meta.doc_type in ("Luật", "Bộ luật", "Hiến pháp")


def test_dates_come_from_the_laws_own_closing_lines():
    meta = extract_metadata(load_file(CU_TRU).text, doc_id="x", source="x", fmt="txt")
    assert meta.date == "2020-11-13"  # "... thông qua ngày 13 tháng 11 năm 2020"
    assert (
        meta.effective == "2021-07-01"
    )  # "Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2021"
    assert meta.issuer == "Quốc hội"


def test_a_sidecar_effective_date_wins_and_a_bad_one_is_an_error(tmp_path):
    from ingest.errors import LoadError

    meta = extract_metadata(
        "Điều 1. A\nB.", doc_id="x", source="x", fmt="txt", sidecar={"hieu_luc": "01/07/2021"}
    )
    assert meta.effective == "2021-07-01"
    with pytest.raises(LoadError):
        extract_metadata(
            "Điều 1. A", doc_id="x", source="x", fmt="txt", sidecar={"effective": "mùa thu"}
        )


def test_a_law_is_chunked_by_article_and_khoan_never_across_articles():
    loaded = load_file(CU_TRU)
    assert is_statute(loaded.text)
    chunks = chunk_text(loaded, "luat-cu-tru", size=900, overlap=150)
    sections = [c.section for c in chunks]
    assert "Điều 2. Giải thích từ ngữ › khoản 1" in sections
    assert "Điều 22. Thủ tục đăng ký thường trú › khoản 1" in sections
    for c in chunks:
        # one article per chunk: no "Điều N." line inside a chunk except at its start
        inner = re.findall(r"^Điều \d+\.", c.text[1:], re.MULTILINE)
        assert not inner, (c.section, c.text[:120])
        assert c.text == loaded.text[c.start : c.end]
    # the last khoản of Điều 23 and the heading of Điều 24 are in different chunks
    c23 = [c for c in chunks if c.section.startswith("Điều 23.")]
    c24 = [c for c in chunks if c.section.startswith("Điều 24.")]
    assert c23 and c24 and c23[-1].end <= c24[0].start


def test_the_constitution_articles_without_titles_are_labelled_by_number():
    loaded = load_file(LAWS / "hien-phap.txt")
    chunks = chunk_text(loaded, "hien-phap", size=900, overlap=150)
    assert any(c.section == "Điều 1" for c in chunks)
    assert any(c.section == "Điều 2 › khoản 2" for c in chunks)


def test_numbered_lists_outside_statutes_keep_their_old_sections():
    text = (
        "I. MỤC TIÊU\n\n1. Đào tạo cán bộ xã\nMỗi năm mở hai lớp bồi dưỡng.\n\n"
        "2. Bồi dưỡng công chức\nTheo kế hoạch của tỉnh.\n"
    )
    from ingest.model import LoadedText

    assert not is_statute(text)
    chunks = chunk_text(LoadedText(text=text, format="txt"), "nq", size=900, overlap=0)
    assert [c.section for c in chunks] == [
        "I. MỤC TIÊU › 1. Đào tạo cán bộ xã",
        "I. MỤC TIÊU › 2. Bồi dưỡng công chức",
    ]


def test_reference_names_article_khoan_and_diem():
    article = (
        "Điều 8. Các hành vi bị nghiêm cấm về cư trú\n"
        "1. Cản trở công dân thực hiện quyền tự do cư trú.\n"
        "2. Lạm dụng việc sử dụng thông tin về nơi thường trú:\n"
        "a) Làm giả giấy tờ;\n"
        "b) Thuê, cho thuê giấy tờ.\n"
    )
    section = "Điều 8. Các hành vi bị nghiêm cấm về cư trú"
    assert article_label(section) == "Điều 8 (Các hành vi bị nghiêm cấm về cư trú)"
    assert reference(section, article, 0) == "Điều 8 (Các hành vi bị nghiêm cấm về cư trú)"
    assert reference(section, article, article.index("Cản trở")).endswith(", khoản 1")
    assert reference(section, article, article.index("Thuê")).endswith(", khoản 2, điểm b")
    assert clause_point(article, article.index("2. Lạm")) == ("2", "")
    assert reference("5.1. Đăng ký khai sinh › Lệ phí", "…", 0) == ""


LAWS_META = {
    "luat-cu-tru": {"title": "Luật Cư trú", "date": "2020-11-13"},
    "bo-luat-dan-su": {"title": "Bộ luật Dân sự", "date": "2015-11-24"},
    "luat-giao-duc": {"title": "Luật Giáo dục", "date": "2019-06-14"},
}


def test_legal_basis_names_resolve_to_indexed_articles_of_the_same_year():
    text = (
        "**Căn cứ pháp lý:** Nghị định 63/2024/NĐ-CP (Điều 1: liên thông); Luật Cư trú 2020 "
        "(Điều 2: Công an cấp xã; Điều 22; Điều 24: xóa đăng ký thường trú); Bộ luật Dân sự 2015 "
        "(Điều 298, 317); Luật Giáo dục 2005 (Điều 3); Nghị định 154/2024/NĐ-CP (chi tiết Luật Cư trú)."
    )
    links = legal_basis_links(text, LAWS_META)
    got = [(link.doc_id, link.article) for link in links]
    assert got == [
        ("luat-cu-tru", "2"),
        ("luat-cu-tru", "22"),
        ("luat-cu-tru", "24"),
        ("bo-luat-dan-su", "298"),
        ("bo-luat-dan-su", "317"),
    ]  # not the decree's Điều 1, not the 2005 education law
    assert [text[link.start : link.end] for link in links][:2] == ["Điều 2", "Điều 22"]
    assert text[links[4].start : links[4].end] == "317"


def test_every_handbook_citation_of_an_indexed_law_resolves():
    """Each "Luật Cư trú 2020 (Điều …)" in the handbook opens an article the index holds."""
    metas = {}
    for law in LAWS.glob("*.txt"):
        m = extract_metadata(
            load_file(law).text, doc_id=law.stem, source="", fmt="txt", sidecar=read_sidecar(law)
        )
        metas[law.stem] = {"title": m.title, "date": m.date}
    articles = {
        law.stem: set(re.findall(r"^Điều (\d+)\.", law.read_text(encoding="utf-8"), re.M))
        for law in LAWS.glob("*.txt")
    }
    found = 0
    for chapter in (PROJECT_ROOT / "knowledge" / "handbook").glob("*.md"):
        for link in legal_basis_links(load_file(chapter).text, metas):
            assert link.article in articles[link.doc_id], (chapter.name, link)
            found += 1
    assert found >= 20


def test_prebuilt_vectors_are_used_only_for_their_embedder_and_texts(tmp_path):
    """Export from a real index, seed a fresh cache from the file, and check that a fresh ingest
    embeds nothing; a file built for another embedder is ignored."""
    from ingest.pipeline import run_ingest

    knowledge = tmp_path / "knowledge"
    (knowledge / "laws").mkdir(parents=True)
    text = load_file(LAWS / "luat-thanh-nien.txt").text
    cut = text.index("Điều 8.")  # the first seven articles: a small real law
    (knowledge / "laws" / "luat-thanh-nien.txt").write_text(text[:cut], encoding="utf-8")
    first = make_settings(tmp_path / "a", knowledge_dir=knowledge)
    report = run_ingest(first.ingest)
    assert report.ok and report.embedded > 0
    embedder = make_embeddings(first.embedding_backend, first.embedding_model)
    path = export(knowledge, first.index_dir, embedder)
    assert path == prebuilt_path(knowledge, embedder.model_id) and path.is_file()

    fresh = make_settings(tmp_path / "b", knowledge_dir=knowledge)
    report = run_ingest(fresh.ingest)
    assert report.ok and report.chunks_written > 0
    assert report.embedded == 0  # every vector came from the shipped file

    # The same vectors as the first build, for the same chunk texts.
    def vectors(settings):
        db = sqlite3.connect(settings.index_dir / "embeddings.sqlite3")
        rows = dict(db.execute("SELECT hash, vector FROM vectors").fetchall())
        return {h: np.frombuffer(v, dtype=np.float32) for h, v in rows.items()}

    a, b = vectors(first), vectors(fresh)
    assert set(a) <= set(b) or set(b) <= set(a)
    for h in set(a) & set(b):
        assert np.allclose(a[h], b[h])

    # A file claiming another embedder is not seeded.
    data = dict(np.load(path))
    other = tmp_path / "other"
    (other / ".embeddings").mkdir(parents=True)
    data["model"] = np.str_("someone-else/model")
    np.savez(prebuilt_path(other, embedder.model_id), **data)
    assert seed_cache(other, tmp_path / "c.sqlite3", embedder) == 0
    # A file whose probe vector does not match this embedder is not seeded either.
    data["model"] = np.str_(embedder.model_id)
    data["probe_vector"] = -np.asarray(data["probe_vector"])
    np.savez(prebuilt_path(other, embedder.model_id), **data)
    assert seed_cache(other, tmp_path / "d.sqlite3", embedder) == 0
