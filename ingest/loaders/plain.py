"""Plain text and Markdown, and the text clean-up every loader shares.

Vietnamese text files arrive as UTF-8, UTF-16 with or without BOM, or Windows-1258; the
decoder tries them in that order and checks the result looks Vietnamese.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer
import yaml

from ingest.errors import LoadError
from ingest.loaders.registry import register
from ingest.model import LoadedText
from ingest.text import nfc

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff\ufffe]")
_MANY_BLANKS = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """NFC, '\\n' line ends, no trailing spaces, at most one blank line between paragraphs."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _MANY_BLANKS.sub("\n\n", text).strip("\n")


BOMS = (
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


def decode_text(data: bytes) -> str:
    """Decode bytes the way Vietnamese text files really arrive.

    BOM first, then BOM-less UTF-16 (Notepad "Unicode"), strict UTF-8, Windows-1258
    (the old Vietnamese code page, which stores tone marks as combining characters, hence
    NFC), and finally charset-normalizer's guess.
    """
    for bom, codec in BOMS:
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
        if looks_vietnamese(text):
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


def looks_vietnamese(text: str) -> bool:
    """Enough Vietnamese letters, and the tone marks all composed onto vowels."""
    letters = sum(c.isalpha() for c in text)
    vietnamese = sum(c in _VI_LETTERS for c in text)
    stray_marks = sum(unicodedata.combining(c) > 0 for c in text)
    return letters > 0 and vietnamese >= 0.03 * letters and stray_marks <= 0.05 * vietnamese


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@register(".md")
def load_markdown(data: bytes, ocr_languages: str = "") -> LoadedText:
    """Markdown keeps its own headings; YAML front matter becomes metadata, not text."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
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
    return LoadedText(text=clean_text(text), format="md", front_matter=_plain(front))


def _plain(value):
    """NFC strings, so metadata compares equal to the normalized text (dates stay dates)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@register(".txt")
def load_text(data: bytes, ocr_languages: str = "") -> LoadedText:
    return LoadedText(text=clean_text(decode_text(data)), format="txt")
