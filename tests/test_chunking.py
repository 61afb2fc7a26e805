"""Structure-aware chunking: nothing dropped, exact offsets, and heading paths a reader recognises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_text, heading_level
from ingest.loaders import load_file
from ingest.model import LoadedText
from tests.ingest_fixtures import KNOWLEDGE, SYLLABLES

RESOLUTIONS = KNOWLEDGE / "resolutions"
HANDBOOK = KNOWLEDGE / "handbook"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# --- the property: chunks are slices that, minus overlap, give back the whole document ----------

words = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=12).map(" ".join)
sentences = st.builds(
    lambda w, end: w[0].upper() + w[1:] + end,
    words,
    st.sampled_from([".", ";", ":", "!", "?", "…", ""]),
)
paragraphs = st.lists(sentences, min_size=1, max_size=8).map(" ".join)
# A word longer than any chunk: the only thing allowed to make a chunk exceed its size.
long_words = st.integers(min_value=1, max_value=500).map(lambda n: "x" * n)
headings = st.one_of(
    st.builds(
        lambda n, t: f"{n}. {t.upper()}", st.sampled_from(["I", "II", "III", "IV", "V"]), words
    ),
    st.builds(lambda n, t: f"{n}- {t.upper()}", st.sampled_from(["I", "II", "VI"]), words),
    st.builds(lambda n, t: f"{n}. {t}", st.integers(1, 12), words),
    st.builds(lambda a, b, t: f"{a}.{b}. {t}", st.integers(1, 9), st.integers(1, 9), words),
    st.builds(lambda n, t: f"({n}) {t}", st.integers(1, 9), words),
    st.builds(lambda c, t: f"{c}) {t}", st.sampled_from("abcdđe"), words),
    st.builds(lambda n, t: f"Điều {n}. {t}", st.integers(1, 40), words),
    st.builds(
        lambda n, t: f"Chương {n} {t.upper()}", st.sampled_from(["I", "II", "III", "3"]), words
    ),
    st.builds(lambda h, t: f"{h} {t}", st.sampled_from(["#", "##", "###"]), words),
    st.builds(lambda t: f"**{t}**", words),
)
blocks = st.one_of(headings, paragraphs, paragraphs, long_words, st.just("- " + "gạch đầu dòng"))
separators = st.sampled_from(["\n", "\n\n", "\n\n\n", "\n \n", "  \n\n"])


@st.composite
def documents(draw) -> str:
    parts = draw(st.lists(st.tuples(blocks, separators), min_size=1, max_size=25))
    lead = draw(st.sampled_from(["", "\n", "  "]))
    return lead + "".join(block + sep for block, sep in parts)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=documents(),
    size=st.integers(min_value=40, max_value=600),
    overlap_share=st.floats(min_value=0, max_value=0.5),
)
def test_chunks_are_exact_slices_that_cover_every_character_in_order(text, size, overlap_share):
    overlap = int(size * overlap_share)
    chunks = chunk_text(LoadedText(text=text, format="txt"), "doc", size=size, overlap=overlap)

    # (a) each chunk is exactly the text between its offsets, numbered in order
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.text == c.text.strip() and c.text

    # (b) chunks advance through the document, and minus overlap nothing is dropped
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert before.start < after.start and before.end <= after.end
    covered = [False] * len(text)
    for c in chunks:
        covered[c.start : c.end] = [True] * (c.end - c.start)
    dropped = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not dropped, (
        f"characters dropped at {dropped[:5]}: {text[dropped[0] : dropped[0] + 30]!r}"
    )

    # (c) no chunk is longer than the size, unless one word alone is
    longest_word = max((len(w) for w in text.split()), default=0)
    for c in chunks:
        assert len(c.text) <= max(size, longest_word), (len(c.text), size, c.text[:80])


def test_a_section_longer_than_the_size_is_split_on_sentences_with_overlap():
    sentences_ = [f"Câu số {i} nói về thủ tục đăng ký khai sinh tại xã." for i in range(12)]
    text = "1. Đăng ký khai sinh\n\n" + " ".join(sentences_)
    chunks = chunk_text(LoadedText(text=text, format="txt"), "d", size=200, overlap=60)
    assert len(chunks) > 2
    for c in chunks:
        assert c.section == "1. Đăng ký khai sinh"
    for c in chunks[1:]:
        assert c.text.startswith("Câu số"), "a split must fall on a sentence boundary"
    # consecutive chunks share their boundary sentence (the overlap), never more than asked
    for before, after in zip(chunks, chunks[1:], strict=False):
        shared = before.end - after.start
        assert 0 < shared <= 60


# --- heading recognition ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("PHẦN I", 1),
        ("Chương II", 1),
        ("Mục 2", 2),
        ("I. QUAN ĐIỂM, MỤC TIÊU", 2),
        ("II- NHIỆM VỤ, GIẢI PHÁP", 2),
        ("Điều 3. Đối tượng áp dụng", 3),
        ("1. Quan điểm", 3),
        ("2.1. Mục tiêu tổng quát", 4),
        ("(1) Xây dựng đội ngũ", 6),
        ("a) Đến hết năm 2025", 6),
        ("**Thẩm quyền cấp xã**", 4),
        ("Đây là một câu bình thường.", None),
        ("- gạch đầu dòng", None),
        ("2025 là năm bản lề", None),
    ],
)
def test_heading_levels_of_administrative_documents(line, level):
    assert heading_level(line) == level


def test_in_markdown_only_hash_headings_are_sections():
    assert heading_level("## 1.1. Đăng ký", markdown=True) == 2
    assert heading_level("1. Người dân nộp hồ sơ", markdown=True) is None
    assert heading_level("a) bước tiếp theo", markdown=True) is None


def test_a_cover_letters_recipient_list_does_not_swallow_the_resolution_it_wraps():
    text = (
        "Công văn sao gửi Nghị quyết. Đề nghị các đơn vị thực hiện.\n\n"
        "**Nơi nhận:**\n\n- Như trên;\n- Lưu: VT.\n\n**GIÁM ĐỐC**\n\n"
        "**NGHỊ QUYẾT**  \n**CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH**\n\n"
        "Đảng bộ tỉnh có 100 đảng bộ trực thuộc.\n\n## I. MỤC TIÊU\n\nNâng cao chất lượng.\n"
    )
    chunks = chunk_text(LoadedText(text=text, format="txt"), "d", size=900, overlap=0)
    where = next(c for c in chunks if "100 đảng bộ trực thuộc" in c.text)
    assert where.section == "NGHỊ QUYẾT CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH"  # one title, two lines
    assert next(c for c in chunks if "Như trên" in c.text).section == "Nơi nhận"
    assert heading_level("**Thời hạn giải quyết:** 15 ngày", markdown=True) == 6
    assert heading_level("**Đỗ Hồng Sơn**", markdown=True) is None  # a signature, not a part


# --- the seeds as they are ------------------------------------------------------------------------


def _chunks(path: Path, size: int = 900, overlap: int = 150):
    loaded = load_file(path)
    return loaded, chunk_text(loaded, path.stem, size=size, overlap=overlap)


def _sections(chunks) -> list[str]:
    return [c.section for c in chunks]


def test_bac_ninh_resolution_sections_follow_its_numbering():
    loaded, chunks = _chunks(RESOLUTIONS / "bac-ninh-nq-btvtu-can-bo-xa-phuong-2026.txt")
    sections = _sections(chunks)
    assert any(s.startswith("II- NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM › 2. Đổi mới") for s in sections)
    assert "I- QUAN ĐIỂM, MỤC TIÊU › 2. Mục tiêu › 2.1. Mục tiêu tổng quát" in sections
    # the eight numbered targets (1)..(8) each sit under "2.2. Mục tiêu cụ thể đến năm 2030"
    targets = {
        s.split("› (")[1][0]
        for s in sections
        if s.startswith(
            "I- QUAN ĐIỂM, MỤC TIÊU › 2. Mục tiêu › 2.2. Mục tiêu cụ thể đến năm 2030 › ("
        )
    }
    assert targets == set("12345678")
    # the chunk is where its path says: its text sits after the heading it is filed under
    target = next(
        c for c in chunks if c.section.startswith("II- NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM › 2. Đổi mới")
    )
    part = loaded.text.index("II- NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM")
    item = loaded.text.index("2. Đổi mới", part)
    assert part < item <= target.start


def test_ocr_resolution_sections_survive_ocr_errors():
    loaded, chunks = _chunks(RESOLUTIONS / "quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr.txt")
    sections = _sections(chunks)
    assert any(s.startswith("II. QUAN PIEM, MUC TIEU › 2. Muc tiéu") for s in sections)
    assert any(s.startswith("I. TINH HINH VA NGUYEN NHAN › 1.") for s in sections)
    # OCR read "III." as "I11.": the tasks are part III, not a continuation of part II
    tasks = [c for c in chunks if "1. Nang cao nhin thirc" in c.text]
    assert tasks and all(c.section.startswith("I11. NHIEM VU VA GIAI PHAP CHU YEU") for c in tasks)
    assert not any(s.startswith("II. QUAN PIEM, MUC TIEU › 1. Nang cao") for s in sections)


def test_tay_ninh_and_hung_yen_resolutions_have_roman_numbered_parts():
    for name in ("tay-ninh-34-nq-tu.txt", "hung-yen-kh-nam-can-bo-co-so-2026.txt"):
        loaded, chunks = _chunks(RESOLUTIONS / name)
        romans = {
            c.heading_path[0]
            for c in chunks
            if c.heading_path and re.match(r"^[IVX]+\s*[.\-–]", c.heading_path[0])
        }
        assert len(romans) >= 2, (name, romans)


def test_handbook_chapter_paths_are_chapter_then_procedure_then_label():
    loaded, chunks = _chunks(HANDBOOK / "01-dat-dai.md")
    sections = _sections(chunks)
    assert sections[0] == "Chương 1. ĐẤT ĐAI"
    procedure = "Chương 1. ĐẤT ĐAI › 1.1. Đăng ký đất đai, cấp Giấy chứng nhận lần đầu cho hộ gia đình, cá nhân"
    # each handbook label ("**Thời hạn giải quyết:** ...") is the finest section: one fact
    assert f"{procedure} › Thời hạn giải quyết" in sections
    assert f"{procedure} › Thành phần hồ sơ" in sections
    assert "Chương 1. ĐẤT ĐAI › 1.3. Tách thửa, hợp thửa đất › Căn cứ pháp lý" in sections
    # every path is the chapter, at most one procedure under it, at most one label under that
    assert all(1 <= len(c.heading_path) <= 3 for c in chunks)
    # numbered steps of a procedure ("1. Người dân nộp hồ sơ...") are a list, not headings
    steps = [
        c
        for c in chunks
        if "\n1. Người dân nộp hồ sơ" in c.text or c.text.startswith("1. Người dân")
    ]
    assert steps and all("Người dân nộp" not in c.section for c in chunks)
    assert not any(re.search(r"› \d+\. (Người|Công chức|Trình)", s) for s in sections)


def test_every_seed_chunk_points_back_into_its_document():
    for path in sorted(RESOLUTIONS.glob("*.txt")) + [HANDBOOK / "05-tu-phap-ho-tich.md"]:
        loaded, chunks = _chunks(path)
        assert chunks, path.name
        for c in chunks:
            assert loaded.text[c.start : c.end] == c.text
            assert c.page is None  # text files have no pages


# --- PDFs: the page of every chunk ---------------------------------------------------------------


@pytest.mark.skipif(
    not FONT.exists(), reason="DejaVu font missing: apt-get install fonts-dejavu-core"
)
def test_pdf_chunks_record_the_page_they_start_on(tmp_path):
    fpdf = pytest.importorskip("fpdf", reason="pip install fpdf2")
    pages = [
        ("Điều 1. Phạm vi điều chỉnh", "Kế hoạch quy định việc đăng ký khai sinh tại xã. " * 4),
        (
            "Điều 2. Hồ sơ",
            "Người yêu cầu nộp tờ khai và giấy chứng sinh cho công chức tư pháp. " * 4,
        ),
        (
            "Điều 3. Thời hạn",
            "Ngay trong ngày làm việc, công chức tư pháp ghi vào sổ hộ tịch. " * 4,
        ),
    ]
    pdf = fpdf.FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    for heading, body in pages:
        pdf.add_page()
        pdf.set_font("DejaVu", size=12)
        pdf.multi_cell(0, 7, heading)
        pdf.ln(6)
        pdf.multi_cell(0, 7, body)
    path = tmp_path / "ke-hoach.pdf"
    pdf.output(str(path))

    loaded, chunks = _chunks(path, size=200, overlap=40)
    by_article = {}
    for c in chunks:
        by_article.setdefault(c.heading_path[0], set()).add(c.page)
    assert by_article == {
        "Điều 1. Phạm vi điều chỉnh": {1},
        "Điều 2. Hồ sơ": {2},
        "Điều 3. Thời hạn": {3},
    }
    assert all(loaded.text[c.start : c.end] == c.text for c in chunks)
