"""Loaders read real files generated here: encodings, docx, html, text and scanned PDFs."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from ingest.errors import LoadError
from ingest.loaders import SUPPORTED_EXTENSIONS, load_file
from ingest.loaders.pdf import PAGE_NUMBER
from ingest.loaders.plain import looks_vietnamese

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
needs_font = pytest.mark.skipif(
    not FONT.exists(), reason="DejaVu fonts missing: apt-get install fonts-dejavu-core"
)

VI = "Nghị quyết về chuyển đổi số của tỉnh Quảng Ngãi: người dân được hướng dẫn sử dụng dịch vụ công trực tuyến."


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 has ê, ơ, ư... precomposed but tone marks only as combining characters,
    so decompose fully, recompose everything except the five tones, then encode."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = nfd(char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- text files --------------------------------------------------------------------


def test_markdown_front_matter_is_parsed_and_removed(tmp_path):
    source = (
        "---\n"
        "title: Kế hoạch chuyển đổi số\n"
        "number: 12/KH-UBND\n"
        "date: 2024-03-01\n"
        "fields: [chuyển đổi số, dịch vụ công]\n"
        "---\n"
        "# Kế hoạch   \r\n"
        "\r\n"
        f"{nfd(VI)}\r\n"
        "\r\n\r\n\r\n"
        "**Điều 1.** Mục tiêu\n"
    )
    loaded = load_file(write(tmp_path, "ke-hoach.md", source))
    assert loaded.format == "md"
    assert loaded.front_matter == {
        "title": "Kế hoạch chuyển đổi số",
        "number": "12/KH-UBND",
        "date": datetime.date(2024, 3, 1),
        "fields": ["chuyển đổi số", "dịch vụ công"],
    }
    assert loaded.text == f"# Kế hoạch\n\n{VI}\n\n**Điều 1.** Mục tiêu"
    assert is_nfc(loaded.text) and loaded.page_starts is None


def test_markdown_invalid_front_matter_names_the_problem(tmp_path):
    path = write(tmp_path, "bad.md", "---\ntitle: [chưa đóng\nnumber: 1\n---\nNội dung\n")
    with pytest.raises(LoadError) as err:
        load_file(path)
    assert "YAML" in err.value.reason_en
    assert "line" in err.value.reason_en and "dòng" in err.value.reason_vi


def test_markdown_without_front_matter_keeps_horizontal_rules(tmp_path):
    loaded = load_file(write(tmp_path, "a.md", "# Tiêu đề\n\nĐoạn một.\n\n---\n\nĐoạn hai.\n"))
    assert loaded.front_matter == {}
    assert loaded.text == "# Tiêu đề\n\nĐoạn một.\n\n---\n\nĐoạn hai."


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_unicode_text_with_and_without_bom(tmp_path, codec):
    source = f"I. MỤC TIÊU\r\n\r\n{VI}  \r\n2.1. Nhiệm vụ\r\n"
    loaded = load_file(write(tmp_path, "van-ban.txt", source.encode(codec)))
    assert loaded.format == "txt"
    assert loaded.text == f"I. MỤC TIÊU\n\n{VI}\n2.1. Nhiệm vụ"


def test_windows_1258_text_is_decoded_and_composed(tmp_path):
    source = f"Chương II\n\n{VI}\nĐiều 5. Trách nhiệm của Sở Thông tin và Truyền thông.\n"
    data = cp1258_bytes(source)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8
    loaded = load_file(write(tmp_path, "cu.txt", data))
    assert loaded.text == source.strip()
    assert is_nfc(loaded.text)
    assert not any(unicodedata.combining(c) for c in loaded.text)


def test_non_vietnamese_legacy_text_goes_to_charset_detection(tmp_path):
    """Windows-1258 decodes any byte soup; only text that composes into Vietnamese may win."""
    russian = "Правительство утвердило постановление о цифровой трансформации регионов страны."
    assert not looks_vietnamese(
        unicodedata.normalize("NFC", russian.encode("cp1251").decode("cp1258"))
    )
    assert looks_vietnamese(unicodedata.normalize("NFC", cp1258_bytes(VI).decode("cp1258")))
    assert load_file(write(tmp_path, "ru.txt", russian.encode("cp1251"))).text == russian


# --- docx and html -------------------------------------------------------------------


def zip_bomb_docx(path: Path, xml_mb: int = 150) -> Path:
    """A real .docx whose document.xml is rewritten to `xml_mb` MB of repeated paragraphs:
    about 0.5 MB on disk, as in the hardening report."""
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph("Lệ phí đăng ký khai sinh.")
    plain = path.with_suffix(".plain.docx")
    document.save(plain)
    paragraph = (
        b"<w:p><w:r><w:t>Th\xe1\xbb\xa7 t\xe1\xbb\xa5c h\xc3\xa0nh ch\xc3\xadnh.</w:t></w:r></w:p>"
    )
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                body = paragraph * (xml_mb * 1024 * 1024 // len(paragraph))
                data = head + b"<w:body>" + body + tail
            out.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def test_a_docx_that_expands_to_150_mb_is_refused_before_it_is_parsed(tmp_path):
    import tracemalloc

    bomb = zip_bomb_docx(tmp_path / "bom.docx")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    with pytest.raises(LoadError) as refused:
        load_file(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "giải nén quá lớn" in refused.value.reason_vi
    assert "expands beyond the limits" in refused.value.reason_en
    # parsing 150 MB of XML takes gigabytes; the check reads the zip directory only
    assert peak < 10 * 1024 * 1024 + bomb.stat().st_size


def test_docx_headings_paragraphs_and_table_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Kế hoạch chuyển đổi số", level=1)
    document.add_paragraph("Căn cứ Nghị quyết số 34-NQ/TU của Tỉnh ủy.")
    document.add_heading("Điều 1. Mục tiêu", level=2)
    document.add_paragraph("a) Đưa dịch vụ công trực tuyến đến người dân.")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["STT", "Nội dung", "Thời hạn"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["1", "Tập huấn cán bộ", "Quý II/2024"], strict=True
    ):
        cell.text = text
    document.add_paragraph("Nơi nhận: như trên.")
    path = tmp_path / "ke-hoach.docx"
    document.save(path)

    loaded = load_file(path)
    assert loaded.format == "docx"
    assert loaded.text == (
        "# Kế hoạch chuyển đổi số\n\n"
        "Căn cứ Nghị quyết số 34-NQ/TU của Tỉnh ủy.\n\n"
        "## Điều 1. Mục tiêu\n\n"
        "a) Đưa dịch vụ công trực tuyến đến người dân.\n\n"
        "STT | Nội dung | Thời hạn\n"
        "1 | Tập huấn cán bộ | Quý II/2024\n\n"
        "Nơi nhận: như trên."
    )


def test_html_keeps_content_and_drops_chrome(tmp_path):
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cổng thông tin</title>
    <style>p { color: red }</style><script>var tracking = "xin chào";</script></head>
    <body><header>Trang chủ | Liên hệ</header><nav><a href="/">Menu điều hướng</a></nav>
    <main><h1>Hướng dẫn   nộp hồ sơ</h1>
    <p>Người dân có thể nộp hồ sơ
       trực tuyến&nbsp;tại cổng dịch vụ công.</p>
    <h2>1. Các bước</h2>
    <ul><li>Đăng nhập bằng VNeID</li><li>Chọn thủ tục<br>và điền tờ khai</li></ul>
    <table><tr><th>Bước</th><th>Thời gian</th></tr><tr><td>Duyệt hồ sơ</td><td>3 ngày</td></tr></table>
    <h4>Ghi chú</h4><div>Miễn phí.</div></main>
    <footer>Bản quyền © UBND tỉnh</footer><script>console.log(1)</script></body></html>"""
    loaded = load_file(write(tmp_path, "huong-dan.html", page))
    assert loaded.format == "html"
    assert loaded.text == (
        "# Hướng dẫn nộp hồ sơ\n\n"
        "Người dân có thể nộp hồ sơ trực tuyến tại cổng dịch vụ công.\n\n"
        "## 1. Các bước\n\n"
        "Đăng nhập bằng VNeID\n\n"
        "Chọn thủ tục\nvà điền tờ khai\n\n"
        "Bước | Thời gian\n"
        "Duyệt hồ sơ | 3 ngày\n\n"
        "Ghi chú\n\n"
        "Miễn phí."
    )


def test_html_declared_legacy_charset(tmp_path):
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body><p>{VI}</p></body></html>'
    loaded = load_file(write(tmp_path, "cu.htm", cp1258_bytes(page)))
    assert loaded.text == VI


# --- pdf -----------------------------------------------------------------------------


def _fpdf():
    fpdf = pytest.importorskip(
        "fpdf", reason="fpdf2 is needed to generate test PDFs: pip install fpdf2"
    )
    return fpdf.FPDF


@needs_font
def test_text_pdf_drops_running_header_and_page_numbers(tmp_path):
    footers = ["Trang 1/3", "- 2 -", "3"]

    class Report(_fpdf()):
        def header(self):
            self.set_font("DejaVu", size=9)
            self.cell(0, 8, f"UBND TỈNH QUẢNG NGÃI - Kế hoạch 12/KH-UBND - trang {self.page_no()}")
            self.ln(12)

        def footer(self):
            self.set_y(-15)
            self.set_font("DejaVu", size=9)
            self.cell(0, 10, footers[self.page_no() - 1], align="C")

    bodies = [
        ["Điều 1. Phạm vi điều chỉnh", "Kế hoạch này quy định việc triển khai " + VI * 2],
        ["Điều 4. Kinh phí", "Kinh phí thực hiện từ ngân sách tỉnh và nguồn xã hội hóa."],
        ["Điều 9. Tổ chức thực hiện", "Sở Thông tin và Truyền thông chủ trì, theo dõi, báo cáo."],
    ]
    pdf = Report()
    pdf.add_font("DejaVu", "", str(FONT))
    for paragraphs in bodies:
        pdf.add_page()
        pdf.set_font("DejaVu", size=12)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 7, paragraph)
            pdf.ln(6)
    path = tmp_path / "ke-hoach.pdf"
    pdf.output(str(path))

    loaded = load_file(path)
    assert loaded.format == "pdf"
    text = loaded.text
    assert "UBND TỈNH" not in text and "Trang 1" not in text
    assert all(line.strip() not in {"- 2 -", "3"} for line in text.split("\n"))
    assert len(loaded.page_starts) == 3 and loaded.page_starts[0] == 0
    for start, paragraphs in zip(loaded.page_starts, bodies, strict=True):
        assert text[start:].startswith(paragraphs[0] + "\n\n")
    assert loaded.page_at(text.index("Kinh phí thực hiện")) == 2
    assert loaded.page_at(text.index("Sở Thông tin")) == 3
    # the long first paragraph wraps over several lines but stays one paragraph
    first = text[: loaded.page_starts[1]].strip().split("\n\n")
    assert first[0] == "Điều 1. Phạm vi điều chỉnh"
    assert " ".join(first[1].split()) == " ".join(bodies[0][1].split()) and "\n" in first[1]
    assert is_nfc(text)


def _tesseract_has(lang: str) -> bool:
    if not shutil.which("tesseract"):
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    return lang in out.split()


def _scanned_pdf(tmp_path: Path, lines: list[str]) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (2480, 1400), 255)  # A4 width at 300 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 56)
    for i, line in enumerate(lines):
        draw.text((150, 150 + i * 110), line, font=font, fill=0)
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF", resolution=300)
    return path


SCAN_LINES = [
    "QUYẾT ĐỊNH",
    "Về việc phê duyệt đề án chuyển đổi số",
    "Người dân được hướng dẫn sử dụng dịch vụ công",
]


@needs_font
@pytest.mark.skipif(
    not _tesseract_has("vie"),
    reason="tesseract Vietnamese model missing: apt-get install tesseract-ocr tesseract-ocr-vie",
)
def test_scanned_pdf_is_read_by_ocr(tmp_path):
    loaded = load_file(_scanned_pdf(tmp_path, SCAN_LINES))
    assert loaded.format == "pdf-ocr"
    assert loaded.page_starts == [0]
    words = set(loaded.text.split())
    expected = {
        "QUYẾT",
        "ĐỊNH",
        "phê",
        "duyệt",
        "chuyển",
        "đổi",
        "số",
        "Người",
        "dân",
        "được",
        "hướng",
        "dẫn",
        "dịch",
        "vụ",
    }
    assert len(expected & words) >= len(expected) - 2, loaded.text
    assert is_nfc(loaded.text)


@needs_font
def test_scanned_pdf_without_tesseract_says_how_to_install(tmp_path, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(LoadError) as err:
        load_file(_scanned_pdf(tmp_path, SCAN_LINES))
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in err.value.reason_en
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in err.value.reason_vi


@needs_font
@pytest.mark.skipif(
    not shutil.which("tesseract"), reason="tesseract not installed: apt-get install tesseract-ocr"
)
def test_scanned_pdf_with_missing_language_pack(tmp_path):
    with pytest.raises(LoadError) as err:
        load_file(_scanned_pdf(tmp_path, SCAN_LINES), ocr_languages="vie+xyz_abc")
    assert "apt-get install tesseract-ocr-xyz-abc" in err.value.reason_en


def _encrypted_pdf(tmp_path: Path, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    source = _fpdf()()
    source.add_font("DejaVu", "", str(FONT))
    source.add_page()
    source.set_font("DejaVu", size=12)
    source.multi_cell(0, 7, VI)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(source.output()))))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="RC4-128")
    path = tmp_path / f"khoa-{len(user_password)}.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    return path


@needs_font
def test_password_protected_pdf(tmp_path):
    with pytest.raises(LoadError) as err:
        load_file(_encrypted_pdf(tmp_path, "mat-khau"))
    assert "password-protected" in err.value.reason_en and "mật khẩu" in err.value.reason_vi


@needs_font
def test_pdf_encrypted_with_empty_user_password_opens(tmp_path):
    loaded = load_file(_encrypted_pdf(tmp_path, ""))
    assert " ".join(loaded.text.split()) == VI


# --- failures ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hong.docx", "hong.pdf"])
def test_corrupt_files(tmp_path, name):
    path = write(tmp_path, name, os.urandom(2048))
    with pytest.raises(LoadError) as err:
        load_file(path)
    assert "corrupt" in err.value.reason_en and "hỏng" in err.value.reason_vi


def test_old_doc_saved_as_docx(tmp_path):
    path = write(tmp_path, "cu.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(512))
    with pytest.raises(LoadError, match="old Word .doc"):
        load_file(path)


@pytest.mark.parametrize(
    "name, data", [("rong.txt", b""), ("trang.md", b"  \n\r\n\t\n"), ("rong.pdf", b"")]
)
def test_empty_files(tmp_path, name, data):
    with pytest.raises(LoadError) as err:
        load_file(write(tmp_path, name, data))
    assert "empty" in err.value.reason_en and "rỗng" in err.value.reason_vi


def test_front_matter_only_markdown_has_no_text(tmp_path):
    with pytest.raises(LoadError, match="no text"):
        load_file(write(tmp_path, "chi-meta.md", "---\ntitle: Trống\n---\n\n"))


@pytest.mark.parametrize("name", ["bang.xlsx", "anh.png", "README"])
def test_unsupported_extension(tmp_path, name):
    with pytest.raises(LoadError) as err:
        load_file(write(tmp_path, name, "nội dung"))
    assert "unsupported" in err.value.reason_en and "Không hỗ trợ" in err.value.reason_vi


def test_supported_extensions():
    assert {".md", ".txt", ".docx", ".pdf", ".html", ".htm"} == SUPPORTED_EXTENSIONS


@pytest.mark.parametrize(
    "line", ["3", "- 3 -", "Trang 3", "trang 3/12", "3/12", "Page 3 of 12", "— 12 —"]
)
def test_page_number_lines(line):
    assert PAGE_NUMBER.match(line)


@pytest.mark.parametrize(
    "line", ["2024 là năm chuyển đổi số", "Điều 3", "1. Mục tiêu", "Quý II/2024"]
)
def test_not_page_number_lines(line):
    assert not PAGE_NUMBER.match(line)
