"""Turn .md/.txt/.docx/.html/.pdf files into NFC text that keeps paragraph structure.

The structure-aware chunker runs next, so every loader keeps one blank line between
paragraphs and puts headings on their own lines. Failures raise LoadError with an
English reason for logs and a Vietnamese one for users.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from itertools import pairwise
from pathlib import Path
from statistics import median

import charset_normalizer
import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract
import yaml
from bs4 import BeautifulSoup
from docx.table import Table

from ingest.errors import LoadError
from ingest.model import LoadedText
from ingest.text import nfc

log = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset({".md", ".txt", ".docx", ".pdf", ".html", ".htm"})

OCR_INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"


def load_file(path: Path, *, ocr_languages: str = "vie") -> LoadedText:
    """Read one supported file into NFC text; LoadError says why not (callers name the file)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        allowed = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise LoadError(
            f"unsupported file type '{ext or path.name}' (supported: {allowed})",
            f"Không hỗ trợ định dạng tệp '{ext or path.name}' (chỉ nhận: {allowed}).",
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror or e}", "Không đọc được tệp.") from e
    if not data.strip():
        raise LoadError("file is empty", "Tệp rỗng, không có nội dung.")

    if ext == ".pdf":
        loaded = _load_pdf(data, ocr_languages)
    elif ext == ".docx":
        loaded = _load_docx(data)
    elif ext in (".html", ".htm"):
        loaded = _load_html(data)
    elif ext == ".md":
        loaded = _load_markdown(data)
    else:
        loaded = LoadedText(text=_clean(_decode(data)), format="txt")

    if not loaded.text.strip():
        raise LoadError(
            "no text could be extracted from the file",
            "Không trích xuất được chữ nào từ tệp (tệp trống hoặc chỉ có hình ảnh).",
        )
    return loaded


# --- shared text clean-up ---------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff\ufffe]")
_MANY_BLANKS = re.compile(r"\n{3,}")


def _clean(text: str) -> str:
    """NFC, '\\n' line ends, no trailing spaces, at most one blank line between paragraphs."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _MANY_BLANKS.sub("\n\n", text).strip("\n")


# --- plain text and markdown -----------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VI_LETTERS = frozenset(
    nfc(base + tone) for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" for tone in _TONES
) - set("aeiouyAEIOUY") | {"đ", "Đ"}


def _decode(data: bytes) -> str:
    """Decode bytes the way Vietnamese text files really arrive.

    BOM first, then BOM-less UTF-16 (Notepad "Unicode"), strict UTF-8, Windows-1258
    (the old Vietnamese code page, which stores tone marks as combining characters, hence
    NFC), and finally charset-normalizer's guess.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as e:
                raise _undecodable(f"invalid {codec} text after its byte-order mark") from e
    for codec in (_bomless_utf16(data), "utf-8"):
        if codec:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
    try:
        text = nfc(data.decode("cp1258"))
        if _looks_vietnamese(text):
            return text
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    raise _undecodable("could not detect the text encoding (tried UTF-8, UTF-16, Windows-1258)")


def _undecodable(reason: str) -> LoadError:
    return LoadError(
        reason, "Không nhận dạng được bảng mã của tệp; hãy lưu lại tệp dưới dạng UTF-8."
    )


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM shows NUL bytes in every other position (ASCII chars)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls > 0.3 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.3 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def _looks_vietnamese(text: str) -> bool:
    """Enough Vietnamese letters, and the tone marks all composed onto vowels."""
    letters = sum(c.isalpha() for c in text)
    vietnamese = sum(c in _VI_LETTERS for c in text)
    stray_marks = sum(unicodedata.combining(c) > 0 for c in text)
    return letters > 0 and vietnamese >= 0.03 * letters and stray_marks <= 0.05 * vietnamese


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _load_markdown(data: bytes) -> LoadedText:
    """Markdown keeps its own headings; YAML front matter becomes metadata, not text."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    front: object = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1) or "") or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark else ""  # +2: 0-based, after the '---'
            where_vi = f" (dòng {mark.line + 2})" if mark else ""
            problem = getattr(e, "problem", None) or str(e)
            raise LoadError(
                f"invalid YAML front matter: {problem}{where}",
                f"Phần thông tin đầu tệp (YAML front matter) bị lỗi cú pháp: {problem}{where_vi}.",
            ) from e
        if not isinstance(front, dict):
            raise LoadError(
                "YAML front matter must be a mapping of 'key: value' lines",
                "Phần thông tin đầu tệp (YAML front matter) phải gồm các dòng 'khóa: giá trị'.",
            )
        text = text[match.end() :]
    return LoadedText(text=_clean(text), format="md", front_matter=_plain(front))


def _plain(value):
    """NFC strings, so metadata compares equal to the normalized text (dates stay dates)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- docx ------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^(?:heading|tiêu đề)\s*(\d)$", re.I)


def _load_docx(data: bytes) -> LoadedText:
    """Paragraphs and tables in body order; Heading styles become markdown headings."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE container: old .doc, or an encrypted .docx
        raise LoadError(
            "not a .docx file: old Word .doc format or password-protected",
            "Tệp không phải .docx hợp lệ (định dạng .doc cũ hoặc có mật khẩu); "
            "hãy mở bằng Word và lưu lại dưới dạng .docx không mật khẩu.",
        )
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_docx_block(item) for item in document.iter_inner_content()]
    except Exception as e:  # python-docx raises zipfile, lxml, KeyError... on damaged files
        raise LoadError(
            f"corrupt or unreadable .docx: {type(e).__name__}: {e}",
            "Tệp .docx bị hỏng hoặc không đọc được.",
        ) from e
    return LoadedText(text=_clean("\n\n".join(b for b in blocks if b)), format="docx")


def _docx_block(item) -> str:
    if isinstance(item, Table):
        rows = []
        for row in item.rows:
            cells, previous = [], None
            for cell in row.cells:
                # a horizontally merged cell is listed once per grid column it spans
                if cell._tc is previous:
                    continue
                previous = cell._tc
                cells.append(" ".join(cell.text.split()))
            if any(cells):
                rows.append(" | ".join(cells))
        return "\n".join(rows)
    text = item.text.strip()
    style = item.style.name if item.style is not None else ""
    match = _HEADING_STYLE.match(style or "")
    level = 1 if style == "Title" else int(match.group(1)) if match else 0
    if text and level:
        return "#" * min(max(level, 1), 6) + " " + " ".join(text.split())
    return text


# --- html ------------------------------------------------------------------------

_PARA, _LINE = "\ue000", "\ue001"  # private-use markers that survive whitespace collapsing
_DROP_TAGS = ["script", "style", "nav", "header", "footer", "noscript", "template", "svg", "head"]
_BLOCK_TAGS = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "main",
    "aside",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "address",
    "table",
    "caption",
    "form",
    "h4",
    "h5",
    "h6",
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _load_html(data: bytes) -> LoadedText:
    """Visible page text: no scripts or site chrome, h1-h3 as markdown, blocks as paragraphs."""
    soup = BeautifulSoup(_decode_html(data), "html.parser")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for level in (1, 2, 3):
        for heading in soup(f"h{level}"):
            for br in heading("br"):
                br.replace_with(" ")
            heading.insert_before(_PARA + "#" * level + " ")
            heading.insert_after(_PARA)
    for pre in soup("pre"):
        for piece in pre(string=True):
            piece.replace_with(piece.replace("\n", _LINE))
    for br in soup("br"):
        br.replace_with(_LINE)
    for cell in soup(["td", "th"]):
        if cell.find_previous_sibling(["td", "th"]):
            cell.insert_before(" | ")
    for row in soup("tr"):
        row.insert_after(_LINE)
    for block in soup(_BLOCK_TAGS):
        block.insert_before(_PARA)
        block.insert_after(_PARA)

    text = re.sub(r"\s+", " ", soup.get_text())  # HTML whitespace, including source newlines
    text = re.sub(f" *([{_PARA}{_LINE}]) *", r"\1", text)
    text = text.replace(_PARA, "\n\n").replace(_LINE, "\n")
    return LoadedText(text=_clean(text), format="html")


def _decode_html(data: bytes) -> str:
    """A BOM wins, then a <meta charset> that actually decodes, then the text-file guesses."""
    match = _META_CHARSET.search(data[:4096])
    if match and not any(data.startswith(bom) for bom, _ in _BOMS):
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode(data)


# --- pdf -------------------------------------------------------------------------

_MIN_PAGE_CHARS = 20  # fewer letters/digits than this on a page with graphics = scanned page
_EDGE_LINES = 2  # how many lines at the top and bottom of a page may be running headers
_HEADING_LIKE = re.compile(
    r"^(?:(?:điều|chương|mục|phần|phụ lục)\s+[\divxlc]+|[ivxlc]+\.\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)|\(\d+\))",
    re.I,
)
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:trang|page)\s*)?\d{1,4}(?:\s*(?:/|of|trên)\s*\d{1,4})?[-–—\s]*$", re.I
)


def _load_pdf(data: bytes, ocr_languages: str) -> LoadedText:
    """Text layer via pdfium; scanned pages via tesseract; running headers/footers removed."""
    pdf = _open_pdf(data)
    try:
        pages = [_pdf_lines(page) for page in pdf]
        scanned = [i for i, lines in enumerate(pages) if _needs_ocr(pdf[i], lines)]
        ocr_used = False
        if scanned:
            problem = _ocr_problem(ocr_languages)
            if problem is None:
                for i in scanned:
                    pages[i] = _ocr_page(pdf[i], ocr_languages)
                ocr_used = True
            elif len(scanned) == len(pages) or not any(_letters(lines) for lines in pages):
                raise problem
            else:
                log.warning(
                    "skipping %d scanned page(s), OCR unavailable: %s", len(scanned), problem
                )
    except pdfium.PdfiumError as e:
        raise _corrupt_pdf(e) from e
    finally:
        pdf.close()

    text, page_starts = "", []
    for lines in _drop_running_lines(pages):
        body = _clean("\n".join(lines))
        if text and body:
            text += "\n\n"
        page_starts.append(len(text))
        text += body
    return LoadedText(text=text, format="pdf-ocr" if ocr_used else "pdf", page_starts=page_starts)


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open with the empty user password (owner-only protection); a real password fails."""
    try:
        return pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as e:
        if e.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise LoadError(
                "PDF is password-protected",
                "Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi thêm lại tệp.",
            ) from e
        raise _corrupt_pdf(e) from e


def _corrupt_pdf(e: Exception) -> LoadError:
    return LoadError(f"corrupt or unreadable PDF: {e}", "Tệp PDF bị hỏng hoặc không đọc được.")


def _pdf_lines(page: pdfium.PdfPage) -> list[str]:
    """Lines in pdfium reading order, with "" where the vertical gap says a paragraph ends.

    PDFs have no paragraphs, only positioned lines; a gap clearly larger than the page's
    normal line spacing is the best signal the chunker can get.
    """
    textpage = page.get_textpage()
    raw = textpage.get_text_range()
    if len(raw) != textpage.count_chars():  # characters outside the BMP: no char geometry
        return [" ".join(line.split()) for line in raw.splitlines()]
    lines = []  # (text, top, bottom)
    for match in re.finditer(r"[^\r\n]+", raw):
        boxes = [
            textpage.get_charbox(i, loose=True)
            for i in range(match.start(), match.end())
            if not raw[i].isspace()
        ]
        if boxes:
            lines.append(
                (
                    " ".join(match.group().split()),
                    max(b[3] for b in boxes),
                    min(b[1] for b in boxes),
                )
            )
    if not lines:
        return []
    height = median(top - bottom for _, top, bottom in lines) or 1.0
    pairs = list(pairwise(lines))
    gaps_down = [a[2] - b[1] for a, b in pairs if b[1] < a[1] - height / 2]
    threshold = min(max(0.0, min(gaps_down, default=0.0)) + 0.3 * height, 0.8 * height)
    out = [lines[0][0]]
    for (_, a_top, a_bottom), (text, b_top, b_bottom) in pairs:
        moved_up = b_bottom > a_top  # next column or text box
        if moved_up or (b_top < a_top - height / 2 and a_bottom - b_top > threshold):
            out.append("")
        out.append(text)
    return out


def _letters(lines: list[str]) -> int:
    return sum(c.isalnum() and not 0xE000 <= ord(c) <= 0xF8FF for line in lines for c in line)


def _needs_ocr(page: pdfium.PdfPage, lines: list[str]) -> bool:
    """Little text but something drawn (a scan is an image): treat the page as scanned."""
    if _letters(lines) >= _MIN_PAGE_CHARS:
        return False
    return any(obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT for obj in page.get_objects())


def _ocr_problem(languages: str) -> LoadError | None:
    """Why OCR cannot run (tesseract or a language pack missing), or None if it can."""
    command = pytesseract.pytesseract.tesseract_cmd
    if not shutil.which(command):
        return LoadError(
            f"PDF has no text layer and needs OCR, but tesseract is not installed; "
            f"install it with: {OCR_INSTALL_HINT}",
            f"Tệp PDF là bản scan, cần nhận dạng chữ (OCR) nhưng máy chưa cài tesseract; "
            f"hãy cài bằng lệnh: {OCR_INSTALL_HINT}",
        )
    result = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=60)
    installed = set(result.stdout.split())
    missing = [lang for lang in languages.split("+") if lang not in installed]
    if missing:
        packages = " ".join("tesseract-ocr-" + lang.lower().replace("_", "-") for lang in missing)
        return LoadError(
            f"PDF needs OCR but tesseract has no language data for {'+'.join(missing)}; "
            f"install it with: apt-get install {packages}",
            f"Tệp PDF là bản scan, cần OCR nhưng tesseract chưa có dữ liệu ngôn ngữ "
            f"{'+'.join(missing)}; hãy cài bằng lệnh: apt-get install {packages}",
        )
    return None


def _ocr_page(page: pdfium.PdfPage, languages: str) -> list[str]:
    """Render at 300 dpi (tesseract's sweet spot) and read it; tesseract keeps blank lines."""
    image = page.render(scale=300 / 72, grayscale=True).to_pil()
    text = pytesseract.image_to_string(image, lang=languages)
    return [" ".join(line.split()) for line in text.splitlines()]


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers and page numbers: noise that would land in every chunk.

    A running line is one of the first/last few lines of a page that, with digits
    ignored, recurs in the same place on most pages. Digits are not ignored in lines that
    look like headings, so "Điều 5." and "Điều 9." opening two pages are kept.
    """

    def edges(lines: list[str]) -> tuple[list[int], list[int]]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return filled[:_EDGE_LINES], filled[-_EDGE_LINES:]

    def key(line: str) -> str:
        line = " ".join(line.split()).casefold()
        return line if _HEADING_LIKE.match(line) else re.sub(r"\d+", "#", line)

    seen: Counter[tuple[str, str]] = Counter()
    for lines in pages:
        top, bottom = edges(lines)
        seen.update(
            {("top", key(lines[i])) for i in top} | {("bottom", key(lines[i])) for i in bottom}
        )
    needed = max(2, len(pages) // 2 + 1)

    result = []
    for lines in pages:
        top, bottom = edges(lines)
        drop = {
            i
            for place, indexes in (("top", top), ("bottom", bottom))
            for i in indexes
            if seen[(place, key(lines[i]))] >= needed or _PAGE_NUMBER.match(lines[i])
        }
        result.append([line for i, line in enumerate(lines) if i not in drop])
    return result
