"""PDF: the text layer via pdfium, scanned pages via tesseract, running headers removed."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections import Counter
from itertools import pairwise
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract

from ingest.errors import LoadError
from ingest.loaders.plain import clean_text
from ingest.loaders.registry import register
from ingest.model import LoadedText

log = logging.getLogger(__name__)

OCR_INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"

_MIN_PAGE_CHARS = 20  # fewer letters/digits than this on a page with graphics = scanned page
_EDGE_LINES = 2  # how many lines at the top and bottom of a page may be running headers
_HEADING_LIKE = re.compile(
    r"^(?:(?:điều|chương|mục|phần|phụ lục)\s+[\divxlc]+|[ivxlc]+\.\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)|\(\d+\))",
    re.I,
)
PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:trang|page)\s*)?\d{1,4}(?:\s*(?:/|of|trên)\s*\d{1,4})?[-–—\s]*$", re.I
)


@register(".pdf")
def load_pdf(data: bytes, ocr_languages: str = "vie") -> LoadedText:
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
        body = clean_text("\n".join(lines))
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
            if seen[(place, key(lines[i]))] >= needed or PAGE_NUMBER.match(lines[i])
        }
        result.append([line for i, line in enumerate(lines) if i not in drop])
    return result
