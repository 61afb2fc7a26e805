"""What a document's own text says about it: số hiệu, type, issuer, province, dates, title.

Extraction reads the document's *header* (the lines before the body starts) for the number,
type, issuer and date, because bodies cite other documents ("Thực hiện Kế hoạch số 64/KH-UBND
ngày 05/02/2026...") whose numbers and dates are not this document's own. When a file holds
two documents (a công văn forwarding a nghị quyết), the first header is the one read; which
document the file "is" is an editorial decision that belongs in the sidecar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ingest.text import fold, nfc
from ingest.vocabulary import AGENCIES, DOC_TYPES, ISSUER_CODES, PROVINCES, TYPE_CODES

_ADMIN_WORDS = {"tinh", "thanh", "pho", "xa", "phuong", "huyen", "quan", "thi", "tran"}
_ABBREVIATIONS = {"UBND": "ỦY BAN NHÂN DÂN", "HĐND": "HỘI ĐỒNG NHÂN DÂN"}


def _key(text: str) -> str:
    """Comparison form: no accents, upper case, single spaces ("Tỉnh ủy" -> "TINH UY")."""
    return " ".join(fold(text).upper().split())


_PROVINCE_BY_KEY = {_key(p): p for p in PROVINCES}
_TYPE_BY_KEY = {_key(t): t for t in DOC_TYPES}
# Longest first, so "Ban Thường vụ Tỉnh ủy" wins over "Ban Thường vụ", "Thừa Thiên Huế" over "Huế".
_AGENCY_KEYS = sorted(((_key(a).split(), a) for a in AGENCIES), key=lambda x: -len(x[0]))
_TYPE_KEYS = sorted(((k.split(), t) for k, t in _TYPE_BY_KEY.items()), key=lambda x: -len(x[0]))
_NAME_ALTERNATION = "|".join(re.escape(k.title()) for k in sorted(_PROVINCE_BY_KEY, key=len)[::-1])
# Without "thành phố"/"tỉnh" in front, "Hồ Chí Minh" is the person ("phong cách Hồ Chí Minh").
_BARE_NAMES = "|".join(
    re.escape(k.title()) for k in sorted(_PROVINCE_BY_KEY, key=len)[::-1] if k != "HO CHI MINH"
)


# --------------------------------------------------------------------------- header lines

_BOLD_SPLIT = re.compile(r"\*\*")
_MD_ESCAPE = re.compile(r"\\([*_#\-\[\]()])")
_ROMAN_HEADING = re.compile(r"^[IVX]{1,4}\s*[.\-–]\s")
_BODY_START = re.compile(r"^(KINH GUI|CAN CU|THUC HIEN)\b")
_HEADER_MAX_LINES = 40
_BODY_LINE_LEN = 160


def _clean(line: str) -> str:
    """A line without markdown decoration ("**TỈNH ỦY TÂY NINH**", "## 1. ...", "\\*")."""
    line = _MD_ESCAPE.sub(r"\1", line)
    line = re.sub(r"^#{1,6}\s+", "", line.strip())
    return line.strip(" *_\t")


def header_lines(text: str) -> list[str]:
    """The lines before the body starts: letterhead, số hiệu, place-date line, type and title.

    Markdown bold is treated as a line break, because converters glue a heading to its
    subtitle ("KẾ HOẠCH**Triển khai...**"). The body starts at the first paragraph-length
    line, the first "I. ..." section, or "Kính gửi" / "Căn cứ" / "Thực hiện".
    """
    out: list[str] = []
    for raw in text.splitlines():
        for piece in _BOLD_SPLIT.split(raw):
            line = _clean(piece)
            key = _key(line)
            if len(line) > _BODY_LINE_LEN or _ROMAN_HEADING.match(line) or _BODY_START.match(key):
                return out
            if out or line:  # skip leading blank lines
                out.append(line)
            if len(out) >= _HEADER_MAX_LINES:
                return out
    return out


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# --------------------------------------------------------------------------- số hiệu

_NUMBER = (
    r"(?P<n>\d{1,6})\s*(?P<sep>[-/])\s*"
    r"(?P<rest>(?:\d{4}\s*/\s*)?[A-ZĐ][A-Za-zĐđ]*(?:\s*[-/]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*)(?!\w)"
)
# "Số: 6018 /SYT-TCCB", "SỐ 34-NQ/TU", OCR "S6: ..." - only at the start of a header line.
_NUMBER_LINE = re.compile(r"^s[oốôóòồỗ6é]\s*[:.]?\s*" + _NUMBER, re.IGNORECASE)
_NUMBER_ALONE = re.compile(_NUMBER + r"$")


def find_number(lines: list[str]) -> str | None:
    """The document's own số hiệu: a header line "Số: ..." or a line that is just a number."""
    for line in lines:
        m = _NUMBER_LINE.match(line) or _NUMBER_ALONE.match(line)
        if m:
            return m.group("n") + m.group("sep") + re.sub(r"\s+", "", m.group("rest"))
    return None


def number_codes(number: str) -> tuple[str | None, str | None]:
    """(type code, issuer code) of a số hiệu.

    Party style puts the type first: "34-NQ/TU" -> ("NQ", "TU"). State style puts it after
    the slash: "64/KH-UBND" -> ("KH", "UBND"); a công văn has no type code:
    "6018/SYT-TCCB" -> (None, "SYT").
    """
    party = re.fullmatch(r"\d+-([^/]+)/([^-/]+).*", number)
    if party:
        return party.group(1), party.group(2)
    state = re.fullmatch(r"\d+/(?:\d{4}/)?([^-/]+)(?:-([^/]+))?", number)
    if not state:
        return None, None
    first, second = state.group(1), state.group(2)
    if first in TYPE_CODES:
        return first, (second.split("-")[0] if second else None)
    return None, first


# --------------------------------------------------------------------------- type


def canonical_type(value: str) -> str | None:
    """ "NGHI QUYET", "nghị quyết", "NGHỊ QUYẾT" -> "Nghị quyết"; unknown -> None."""
    return _TYPE_BY_KEY.get(_key(value))


def _heading_type(line: str) -> str | None:
    """The type named by a heading line ("NGHỊ QUYẾT", OCR "NGHI QUYET", "QUYẾT ĐỊNH VỀ ...")."""
    if not _is_upper(line):
        return None
    words = _key(line).split()
    for key_words, name in _TYPE_KEYS:
        if words[: len(key_words)] == key_words:
            return name
    return None


_VV_LINE = re.compile(r"^V/v\b\s*[:.]?\s*", re.IGNORECASE)


def find_type(lines: list[str], number: str | None) -> tuple[str | None, int | None]:
    """(type, index of its heading line). A "V/v" line means công văn; else the số hiệu's code."""
    for i, line in enumerate(lines):
        found = _heading_type(line)
        if found:
            return found, i
    for i, line in enumerate(lines):
        if _VV_LINE.match(line):
            return "Công văn", i
    if number:
        code, _ = number_codes(number)
        if code in TYPE_CODES:
            return TYPE_CODES[code], None
    return None, None


# --------------------------------------------------------------------------- province


def canonical_province(value: str) -> str | None:
    """ "TÂY NINH", "Tay Ninh", "Thanh Hoá" -> canonical name; also strips "tỉnh"/"TP."."""
    key = re.sub(r"^(TINH|THANH PHO|TP\.?)\s+", "", _key(value))
    return _PROVINCE_BY_KEY.get(key)


# "tỉnh X", "Tỉnh ủy X", "thành phố X", and "TUQuangNgai" in a signature address. "TU" is
# case-sensitive: folded "từ Hà Nội" is "tu Ha Noi".
_TINH_MENTION = re.compile(
    rf"(?:\b(?i:tinh(?:\s+uy)?|thanh\s+pho|tp\.)\s*|\bTU\s*)({_NAME_ALTERNATION})\b"
)
_NAME_MENTION = re.compile(rf"\b({_BARE_NAMES})\b")


def _mentions(pattern: re.Pattern[str], folded: str) -> Counter[str]:
    """Province names matched in the folded text, skipping longer proper nouns.

    "vùng Đồng Tháp Mười" is a region, not the province Đồng Tháp: a name followed by another
    capitalised word is part of a longer name.
    """
    counts: Counter[str] = Counter()
    for m in pattern.finditer(folded):
        if re.match(r"\s+[A-Z]", folded[m.end() :]):
            continue
        counts[_PROVINCE_BY_KEY[_key(m.group(1))]] += 1
    return counts


def _most_common(counts: Counter[str]) -> str | None:
    return counts.most_common(1)[0][0] if counts else None


def find_province(text: str, place: str | None, letterhead_province: str | None) -> str | None:
    """Province: place-date line > letterhead > "tỉnh X"/"Tỉnh ủy X" mentions > bare names.

    Folded matching makes OCR text without diacritics ("Tinh uy Quang Ngai") and digital
    signature addresses ("VanThu@TUQuangNgai") count too.
    """
    if place and canonical_province(place):
        return canonical_province(place)
    if letterhead_province:
        return letterhead_province
    folded = fold(text)
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", folded)  # "TUQuangNgai" -> "TUQuang Ngai"
    return _most_common(_mentions(_TINH_MENTION, spaced)) or _most_common(
        _mentions(_NAME_MENTION, folded)
    )


# --------------------------------------------------------------------------- issuer


def _title_words(words: list[str]) -> str:
    """ "TÂY NINH" -> "Tây Ninh", "XÃ HƯƠNG SƠN" -> "xã Hương Sơn"."""
    province = canonical_province(" ".join(words))
    if province:
        lead = words[: len(words) - len(_key(province).split())]
        return " ".join([w.lower() for w in lead] + [province])
    return " ".join(w.lower() if _key(w).lower() in _ADMIN_WORDS else w.capitalize() for w in words)


def agency_name(line: str) -> tuple[str, str | None] | None:
    """(proper-cased body, province it names) for a letterhead-style line, else None.

    "TỈNH ỦY TÂY NINH" -> ("Tỉnh ủy Tây Ninh", "Tây Ninh"); "CUA BAN THUONG VU TINH UY" ->
    ("Ban Thường vụ Tỉnh ủy", None). Works on OCR text because matching is accent-free.
    """
    words = line.split()
    if words and _key(words[0]) == "CUA":
        words = words[1:]
    words = [w for word in words for w in _ABBREVIATIONS.get(word, word).split()]
    keys = [_key(w) for w in words]
    for key_words, name in _AGENCY_KEYS:
        if keys[: len(key_words)] == key_words:
            rest = words[len(key_words) :]
            cut = next(
                (i for i, k in enumerate(keys[len(key_words) :]) if k in ("VE", "V/V")), None
            )
            rest = rest[:cut] if cut is not None else rest
            province = canonical_province(" ".join(rest)) if rest else None
            return (f"{name} {_title_words(rest)}".strip(), province)
    return None


# The preamble names the body: "..., Ban Thường vụ Tỉnh ủy ban hành Kế hoạch ... như sau:".
_ISSUES_PHRASE = re.compile(
    r"\b(?P<body>(?:Ban Thường vụ|Ban Chấp hành|Ủy ban nhân dân|Hội đồng nhân dân|Sở)"
    r"[\w ]{0,40}?) (?i:ban hành) (?i:" + "|".join(DOC_TYPES) + ")"
)
# The signature block: "T/M BAN THƯỜNG VỤ" (thay mặt = on behalf of the collective body).
_SIGN_FOR = re.compile(r"\bT/M\s+(?P<body>[^\n*]+)")


def _with_province(issuer: str, province: str | None) -> str:
    """ "Ban Thường vụ Tỉnh ủy" + Bắc Ninh -> "Ban Thường vụ Tỉnh ủy Bắc Ninh"; "Sở Y tế" +
    Tây Ninh -> "Sở Y tế tỉnh Tây Ninh". Bodies that may sit at any level are left alone."""
    if not province or _key(province) in _key(issuer):
        return issuer
    if re.search(r"(tỉnh|Tỉnh ủy)$", issuer):
        return f"{issuer} {province}"
    if issuer.startswith("Sở "):
        return f"{issuer} tỉnh {province}"
    return issuer


def find_issuer(
    lines: list[str], text: str, type_index: int | None, number: str | None
) -> tuple[str | None, str | None]:
    """(issuer without province, province named in the letterhead).

    Strongest first: the "CỦA <body>" line under the type heading (the body that adopted it:
    "CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH" beats the letterhead "TỈNH ỦY"), the last letterhead line
    (for "UBND TỈNH X / SỞ Y TẾ" the lower one issues), the preamble "<body> ban hành Kế hoạch",
    the signature "T/M <body>", and finally the issuer code in the số hiệu.
    """
    letterhead: tuple[str, str | None] | None = None
    letterhead_province = None
    # Under a heading only: "V/v ... / của Ban Chấp hành ..." is the subject, not the issuer.
    if type_index is not None and not _VV_LINE.match(lines[type_index]):
        for line in lines[type_index + 1 : type_index + 3]:
            if _is_upper(line) and _key(line).startswith("CUA ") and (found := agency_name(line)):
                return found
    for line in lines:
        if _is_upper(line) and not _key(line).startswith("CUA ") and (found := agency_name(line)):
            letterhead = found
            letterhead_province = letterhead_province or found[1]
    if letterhead:
        return letterhead[0], letterhead_province
    if (m := _ISSUES_PHRASE.search(text[:3000])) and (found := agency_name(m.group("body"))):
        return found
    for m in _SIGN_FOR.finditer(fold(text)):
        body = _key(m.group("body"))
        if body.startswith("BAN THUONG VU") and "TINH UY" in _key(text):
            return "Ban Thường vụ Tỉnh ủy", None
        if found := agency_name(body):
            return found
    if number:
        _, code = number_codes(number)
        if code in ISSUER_CODES:
            return ISSUER_CODES[code], None
    return None, None


# --------------------------------------------------------------------------- date

# "Tây Ninh, ngày 02 tháng 6 năm 2026", OCR "Quang Ngai, ngay 1 thang 6 nim 2022",
# "Hà Nội, ngày 06/6/2026" - matched on folded text; the place is optional at line start.
_DAY_MONTH_YEAR = (
    r"(?i:ng[a-z]y\s+(?P<d>\d{1,2})\s*"
    r"(?:th[a-z]ng\s+(?P<m>\d{1,2})\s*n[a-z]m\s+(?P<y>\d{4})"
    r"|[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>\d{4})))"
)
_PLACE_DATE = re.compile(
    r"(?:^|(?P<place>(?:TP\.\s*)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,4}),\s*)" + _DAY_MONTH_YEAR
)
# Digital signature stamps: "2022-06-01T15:42:41+0700", OCR'd "01-06-2022 15:43:09 +07:00".
_SIGNED_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2})?\s*[+-]\d{2}:?\d{2}")
_SIGNED_DMY = re.compile(r"\b(\d{2})-(\d{2})-(\d{4})\s+\d{2}:\d{2}:\d{2}\s*[+-]\d{2}:?\d{2}")


def iso_date(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def find_place_date(lines: list[str]) -> tuple[str | None, str | None]:
    """(place, ISO date) from the header's "<Place>, ngày ..." line.

    Only a date that starts a line or follows "<Place>," counts: "số 34-NQ/TU ngày 06/6/2026"
    in a V/v line is a citation of another document's date.
    """
    for line in lines:
        m = _PLACE_DATE.search(fold(line))
        if not m or (m.group("place") is None and m.start() != 0):
            continue
        date = iso_date(m.group("y") or m.group("y2"), m.group("m") or m.group("m2"), m.group("d"))
        if date:
            return m.group("place"), date
    return None, None


# A law's closing lines: "Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2021." and
# "Luật này được Quốc hội ... khóa XIV, kỳ họp thứ 10 thông qua ngày 13 tháng 11 năm 2020."
_STATUTE_EFFECTIVE = re.compile(
    r"^(?:\d+\.\s*)?(?:Bộ luật|Luật|Hiến pháp|Pháp lệnh) này có hiệu lực(?: thi hành)? từ ngày "
    r"(?P<d>\d{1,2}) tháng (?P<m>\d{1,2}) năm (?P<y>\d{4})",
    re.MULTILINE,
)
_STATUTE_PASSED = re.compile(
    r"^(?:Bộ luật|Luật|Hiến pháp|Pháp lệnh) này (?:đã )?được (?P<by>Quốc hội|Ủy ban Thường vụ Quốc hội)"
    r"[^\n]{0,120}? thông qua ngày (?P<d>\d{1,2}) tháng\s+(?P<m>\d{1,2}) năm (?P<y>\d{4})",
    re.MULTILINE,
)


def find_statute_dates(text: str) -> tuple[str | None, str | None, str | None]:
    """(issuer, date passed, date in force) from a statute's closing lines, where it has them."""
    passed = _STATUTE_PASSED.search(text)
    effective = _STATUTE_EFFECTIVE.search(text)
    return (
        passed.group("by") if passed else None,
        iso_date(passed.group("y"), passed.group("m"), passed.group("d")) if passed else None,
        iso_date(effective.group("y"), effective.group("m"), effective.group("d"))
        if effective
        else None,
    )


def find_signed_date(text: str) -> str | None:
    """Earliest digital-signature date: the ngày ký số, when the header lost its date (OCR)."""
    dates = [iso_date(*m.groups()) for m in _SIGNED_ISO.finditer(text)]
    dates += [iso_date(y, mo, d) for d, mo, y in (m.groups() for m in _SIGNED_DMY.finditer(text))]
    return min((d for d in dates if d), default=None)


# --------------------------------------------------------------------------- title


def _restore_provinces(text: str) -> str:
    """Capitals back on "tỉnh hưng yên" after lower-casing; only after tỉnh/thành phố, so
    "thuế" keeps its "huế" and "hòa bình" (peace) stays a word."""
    for name in PROVINCES:
        text = re.sub(rf"\b(tỉnh|thành phố|tp\.) {re.escape(name.lower())}\b", rf"\1 {name}", text)
    return text


def _title_piece(line: str, first: bool) -> str:
    """One title line in sentence case: "CỦA BAN THƯỜNG VỤ TỈNH ỦY" -> "của Ban Thường vụ Tỉnh ủy"."""
    if _key(line).startswith("CUA ") and (found := agency_name(line)):
        return "của " + found[0]
    if _is_upper(line):
        return _restore_provinces(line.lower())
    words = line.split()
    # "Triển khai, thực hiện ..." continues a sentence; "Ban Thường vụ ..." is a proper noun.
    if first and len(words) > 1 and not words[1][:1].isupper():
        return line[:1].lower() + line[1:]
    return line


def _is_title_end(line: str) -> bool:
    folded = fold(line)
    return (
        not line
        or not any(c.isalnum() for c in line)
        or bool(_PLACE_DATE.search(folded))
        or bool(_NUMBER_LINE.match(line) or _NUMBER_ALONE.match(line))
    )


def find_title(lines: list[str], doc_type: str | None, type_index: int | None) -> str | None:
    """Type + the heading lines under it: "NGHỊ QUYẾT / CỦA ... / về ..." -> one sentence."""
    if type_index is None:
        return None
    line = lines[type_index]
    if _VV_LINE.match(line):
        parts = ["Công văn về việc", _VV_LINE.sub("", line)]
    else:
        parts = [doc_type or _title_piece(line, first=False)]
    for i, nxt in enumerate(lines[type_index + 1 : type_index + 6]):
        if _is_title_end(nxt):
            break
        parts.append(_title_piece(nxt, first=i == 0 and not _VV_LINE.match(line)))
    title = " ".join(" ".join(parts).split())
    return title[:1].upper() + title[1:] if title else None


# --------------------------------------------------------------------------- assembling


def extract_from_text(text: str) -> dict:
    """What the text itself says, keyed like a sidecar; missing values are None."""
    text = nfc(text)
    lines = header_lines(text)
    number = find_number(lines)
    doc_type, type_index = find_type(lines, number)
    place, date = find_place_date(lines)
    issuer, letterhead_province = find_issuer(lines, text, type_index, number)
    province = find_province(text, place, letterhead_province)
    passed_by, passed, effective = find_statute_dates(text)
    return {
        "title": find_title(lines, doc_type, type_index),
        "number": number,
        "type": doc_type,
        "issuer": _with_province(issuer, province) if issuer else passed_by,
        "province": province,
        "date": date or passed or find_signed_date(text),
        "effective": effective,
    }
