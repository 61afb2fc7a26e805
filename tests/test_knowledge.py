"""The knowledge base as shipped: the handbook's shape and that every rule names its legal basis."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT
from ingest.loaders import load_file
from ingest.metadata import extract_metadata, read_sidecar
from ingest.vocabulary import PROVINCES

KNOWLEDGE = PROJECT_ROOT / "knowledge"
HANDBOOK = sorted((KNOWLEDGE / "handbook").glob("*.md"))
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
SECTION = re.compile(r"^## (?P<title>.+)$", re.M)
LEGAL_BASIS = re.compile(r"\*\*Căn cứ pháp lý:\*\*(?P<text>.+)")
LAW = re.compile(
    r"(Luật|Nghị định|Thông tư|Nghị quyết|Quyết định|Bộ luật)[^;.]*?(\d{1,3}/\d{4}|\d{4})"
)


def sections(text: str) -> list[tuple[str, str]]:
    heads = list(SECTION.finditer(text))
    return [
        (
            m.group("title"),
            text[m.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)],
        )
        for i, m in enumerate(heads)
    ]


def test_the_handbook_has_a_chapter_per_field_and_enough_procedures():
    assert len(HANDBOOK) >= 9
    titles = [load_file(p).text.splitlines()[0] for p in HANDBOOK]
    for field in (
        "ĐẤT ĐAI",
        "XÂY DỰNG",
        "NGÂN SÁCH",
        "ĐẦU TƯ CÔNG",
        "HỘ TỊCH",
        "KHIẾU NẠI",
        "MỘT CỬA",
        "CHUYỂN ĐỔI SỐ",
        "CẤP TỈNH",
    ):
        assert any(field in t for t in titles), field
    all_sections = [s for p in HANDBOOK for s in sections(load_file(p).text)]
    procedures = [t for t, _ in all_sections if re.match(r"\d+\.\d+\. ", t)]
    situations = [t for t, _ in all_sections if t.startswith("Tình huống ")]
    assert len(procedures) + len(situations) >= 40
    assert len(situations) >= 2 * len(HANDBOOK)
    assert len(all_sections) == len(procedures) + len(situations)  # no other kind of ## section


@pytest.mark.parametrize("path", HANDBOOK, ids=lambda p: p.stem)
def test_every_procedure_and_case_names_its_legal_basis(path: Path):
    for title, body in sections(load_file(path).text):
        basis = LEGAL_BASIS.search(body)
        assert basis, f"{path.name}: «{title}» has no **Căn cứ pháp lý:**"
        assert LAW.search(basis.group("text")), (
            f"{path.name}: «{title}» names no law with its number/year"
        )
        assert "Điều" in basis.group("text"), f"{path.name}: «{title}» cites no article"


@pytest.mark.parametrize("path", HANDBOOK, ids=lambda p: p.stem)
def test_handbook_chapters_are_marked_as_samples(path: Path):
    loaded = load_file(path)
    meta = extract_metadata(
        loaded.text, doc_id=path.stem, source=path.name, fmt="md", front_matter=loaded.front_matter
    )
    assert meta.status == "bản mẫu" and meta.doc_type == "Cẩm nang" and meta.fields


def test_the_resolutions_are_the_seeds_unchanged_with_complete_metadata():
    resolutions = sorted((KNOWLEDGE / "resolutions").glob("*.txt"))
    assert len(resolutions) == 4
    if SEEDS.is_dir():
        seed_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
        assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in resolutions} == seed_hashes
    for path in resolutions:
        loaded = load_file(path)
        meta = extract_metadata(
            loaded.text, doc_id=path.stem, source=path.name, fmt="txt", sidecar=read_sidecar(path)
        )
        assert meta.doc_type and meta.issuer and meta.province, path.name
        assert "number" in read_sidecar(path) and "date" in read_sidecar(path), path.name


# --------------------------------------------------------------------------- what the handbook is

PARAGRAPHS = re.compile(r"\n[ \t]*\n")
# A figure of one province: "tỉnh mẫu", or a province named beside an amount or a deadline.
ONE_PROVINCE = re.compile(
    r"tỉnh mẫu|\b(?:tỉnh|Tỉnh|thành phố)\s+(?:" + "|".join(map(re.escape, PROVINCES)) + r")\b"
)
PROVINCE_DECISION = re.compile(r"\b\d+/(?:\d{4}/)?(?:QĐ-UBND|NQ-HĐND)\b")
AMOUNT = re.compile(r"\d[\d.,]*\s*(?:nghìn |triệu |tỷ )?(?:đồng|đ)\b")
DEADLINE = re.compile(r"\b\d+\s+(?:ngày|tháng)\b")
NUMBERED_TEXT = re.compile(r"\b\d+/\d{4}/[A-ZĐ]")
FEE = re.compile(r"\bphí\b|mức thu", re.I)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in PARAGRAPHS.split(text) if p.strip()]


@pytest.mark.parametrize("path", HANDBOOK, ids=lambda p: p.stem)
def test_every_figure_of_one_province_names_its_decision(path: Path):
    """A fee or deadline that belongs to one province ("tỉnh mẫu") says which decision it comes
    from: an official must not take another province's figure for their own."""
    for para in paragraphs(load_file(path).text):
        if ONE_PROVINCE.search(para) and (AMOUNT.search(para) or DEADLINE.search(para)):
            assert PROVINCE_DECISION.search(para), f"{path.name}: no decision for «{para[:120]}»"
        if "tỉnh mẫu" in para:
            assert "đối chiếu" in para, f"{path.name}: «{para[:120]}» must send to the own decision"


@pytest.mark.parametrize("path", HANDBOOK, ids=lambda p: p.stem)
def test_every_fee_amount_names_the_text_it_comes_from(path: Path):
    """An amount in đồng stated as a fee names its text, in the paragraph or the section's legal
    basis (a national circular, or the decision of the province it belongs to)."""
    for title, body in sections(load_file(path).text):
        basis = LEGAL_BASIS.search(body)
        basis_text = basis.group("text") if basis else ""
        for para in paragraphs(body):
            if AMOUNT.search(para) and FEE.search(para):
                assert NUMBERED_TEXT.search(para) or NUMBERED_TEXT.search(basis_text), (
                    f"{path.name}: «{title}»: fee without its source: «{para[:120]}»"
                )


@pytest.mark.parametrize("path", HANDBOOK, ids=lambda p: p.stem)
def test_each_chapter_body_says_it_is_a_sample_and_how_current_its_law_is(path: Path):
    text = load_file(path).text
    body = text.split("\n", 1)[1]
    notice = paragraphs(body)[0]  # the paragraph right under "# Chương N."
    assert text.startswith("# Chương ")
    assert "bản mẫu" in notice and "rà soát đến" in notice, notice
    assert NUMBERED_TEXT.search(notice) or re.search(r"Luật [^.;]+ 20\d\d", notice), notice
    assert "01/7/2026" in notice and "chưa được đối chiếu" in notice, notice


REVIEW_MARKER = re.compile(r"^\*\*Cần rà soát:\*\*\s*(?P<reason>\S.+)$", re.M)


@pytest.mark.parametrize(
    ("stem", "section"),
    [
        ("02-xay-dung", None),
        ("03-tai-chinh-ngan-sach", None),
        ("04-dau-tu-cong", "4.5. "),
        ("10-cu-tru", None),
    ],
)
def test_parts_that_texts_in_force_from_july_2026_may_change_are_marked_for_review(stem, section):
    text = load_file(KNOWLEDGE / "handbook" / f"{stem}.md").text
    if section is None:  # the whole chapter: the marker sits in its introduction
        scope = text[: text.index("\n## ")]
    else:
        scope = next(body for title, body in sections(text) if title.startswith(section))
    marker = REVIEW_MARKER.search(scope)
    assert marker and "01/7/2026" in marker.group("reason")
