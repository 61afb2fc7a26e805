"""What kind of fact a question asks for, and where the handbook states that kind of fact.

Handbook procedures are written as labelled paragraphs (**Thẩm quyền:**, **Thời hạn giải
quyết:**, **Lệ phí:** ...). A question that asks "bao lâu" wants the deadline paragraph of the
procedure, not its legal basis; both the retriever and the extractive composer use this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.text import fold, nfc


@dataclass(frozen=True)
class QuestionType:
    asked: re.Pattern[str]  # how the question asks it (accent-folded)
    looks_like: re.Pattern[str] | None  # what such a fact looks like in a sentence
    label: re.Pattern[str] | None  # the handbook label that introduces exactly that fact


QUESTION_TYPES: dict[str, QuestionType] = {
    "deadline": QuestionType(
        re.compile(
            r"\b(khi nao|bao lau|thoi han|may ngay|bao nhieu ngay|han chot|trong vong|luc nao|thoi gian|cham nhat)\b"
        ),
        re.compile(
            r"\b(\d+|mot|hai|ba|muoi)\s*(ngay|thang|nam|gio)\b|ngay lam viec|trong ngay|thoi han|quy [iv]+"
        ),
        re.compile(r"^thoi han"),
    ),
    "fee": QuestionType(
        re.compile(r"\b(le phi|phi|bao nhieu tien|mat tien|chi phi|thu tien|ton tien)\b"),
        re.compile(r"le phi|\bphi\b|dong\b|\d+\.\d{3}|mien|khong thu"),
        re.compile(r"^(le phi|phi)"),
    ),
    "who": QuestionType(
        re.compile(
            r"\b(ai|co quan nao|don vi nao|tham quyen|cap nao|noi nao|o dau|xa nao|chu tri|phu trach|ai ky|nguoi ky|ky giay)\b"
        ),
        re.compile(
            r"tham quyen|ubnd|uy ban|chu tich|so |cong an|van phong|bo phan|ban |co quan|chu tri|cong chuc|giao"
        ),
        re.compile(r"^tham quyen"),
    ),
    "coordination": QuestionType(
        re.compile(
            r"\b(phoi hop|lien thong|chuyen cho|chuyen sang|gui cho|bao cao len|trach nhiem)\b"
        ),
        None,
        re.compile(r"^trach nhiem phoi hop"),
    ),
    "papers": QuestionType(
        re.compile(
            r"\b(giay to|ho so|can mang|mang theo|can nop|nop gi|thanh phan|lam don|don gi|ban ve)\b"
        ),
        re.compile(r"thanh phan ho so|ban sao|ban chinh|giay|to khai|don "),
        re.compile(r"^thanh phan ho so"),
    ),
    "steps": QuestionType(
        re.compile(
            r"\b(cac buoc|trinh tu|quy trinh|lam the nao|lam sao|nhu the nao|ra sao|thuc hien|niem yet|gom nhung)\b"
        ),
        re.compile(r"trinh tu|^\s*\d+\.|buoc", re.M),
        re.compile(r"^trinh tu"),
    ),
    "form": QuestionType(
        re.compile(r"\b(mau|bieu mau|to khai|mau so|mau don)\b"), None, re.compile(r"^bieu mau")
    ),
    "basis": QuestionType(
        re.compile(
            r"\b(can cu|van ban nao|dieu nao|dieu may|luat nao|nghi dinh nao|thong tu nao|quy dinh o dau|quy dinh tai|theo quy dinh nao)\b"
        ),
        None,
        re.compile(r"^can cu phap ly"),
    ),
    "subject": QuestionType(
        re.compile(r"\b(ai duoc|doi tuong|ai phai|nguoi nao|truong hop nao)\b"),
        None,
        re.compile(r"^doi tuong"),
    ),
    "handling": QuestionType(
        re.compile(
            r"\b(co duoc|duoc khong|xu ly|lam gi|lam sao|the nao|thi sao|phai lam|co phai)\b"
        ),
        None,
        re.compile(r"^cach xu ly"),
    ),
    "number": QuestionType(
        re.compile(r"\b(bao nhieu|ty le|may|so luong|phan tram|chi tieu|muc tieu)\b"),
        re.compile(r"\d+\s*%|\d+"),
        None,
    ),
}

# Labels that mention many of a question's words without being its answer, unless asked for.
_DEMOTED = {
    "can cu phap ly": ("basis", 1.0),
    "luu y": (None, 0.4),
    "tinh huong": (None, 0.6),
    "doi tuong thuc hien": ("subject", 0.4),
    "bieu mau": ("form", 0.3),
}


# What a figure is counted in: "mấy lần", "bao nhiêu ngày", "bao nhiêu tiền một trang", "bao lâu
# một lần". The sentence that answers states a number in that measure ("tối đa 02 lần", "01 ngày
# trong tuần", "2.000 đồng/trang", "hằng năm"); a paragraph labelled for the kind of fact (a
# deadline, a fee) may state another one.
_MEASURES = r"ngay|thang|nam|lan|tuan|gio|trang|nguoi|buoi|ky|dot|phut|ban|cap|quy"
_ASKS_COUNT = re.compile(rf"\b(?:may|bao nhieu)\s+({_MEASURES})\b")
_ASKS_PER = re.compile(rf"\b(?:may|bao nhieu|bao lau)(?:\s+\w+)?\s+(?:mot|moi)\s+({_MEASURES})\b")
_NUMERAL = r"(?:\d+|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi)"
# a number in words before a noun counted (not "tư": folded it is also "từ", as in "từ hồ sơ")
_WRITTEN = r"(?:mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)"
_FREQUENCY = r"hang (?:ngay|tuan|thang|quy|nam)|dinh ky|moi (?:ngay|tuan|thang|quy|nam)"


@lru_cache(maxsize=1024)
def asked_measures(question: str) -> tuple[re.Pattern[str], ...]:
    """What a sentence stating the figure a question asks for looks like (accent-folded), one
    pattern for each thing asked: a number in the measure asked ("mấy lần" -> "02 lần"), per the
    unit asked ("bao nhiêu tiền một trang" -> "/trang", "mỗi trang"; "bao lâu một lần" -> "hằng
    năm"). "mấy ngày một tuần" asks two: "01 ngày" and "trong tuần". Empty when the question asks
    for no counted figure."""
    q = fold(question).lower()
    parts = [rf"\b{_NUMERAL}\s*(?:{m.group(1)})\b" for m in _ASKS_COUNT.finditer(q)]
    per = [m.group(1) for m in _ASKS_PER.finditer(q)]
    if "lan" in per and re.search(r"\bbao lau\b", q):
        per.remove("lan")  # "bao lâu một lần": how often, not "một lần"
        parts.append(rf"\b(?:{_FREQUENCY})\b")
    parts += [rf"(?:/\s*|\b(?:moi|trong|mot)\s+){unit}\b" for unit in per]
    return tuple(re.compile(part) for part in dict.fromkeys(parts))


# A time or an age asked for: "bao lâu", "mấy ngày", "bao nhiêu năm", "mấy tuổi". Not "đã mấy năm
# nay", "mấy ngày trước" or "trong mấy năm tới" (when, not how long), nor "mấy bản", "mấy người"
# ("mấy" also means "a few"), nor "ở với nhau mấy năm nhưng không đăng ký…" (the story's "a few
# years, but"): those ask no period. "Bao lâu" is answered by any stated period or
# frequency ("trong thời hạn 15 ngày", "hằng năm", "ngay khi"), "mấy ngày" by a number of days.
_PERIOD_UNITS = r"ngay|thang|nam|tuan|gio|tuoi"
_ASKS_PERIOD = re.compile(
    rf"\b(?:may|bao nhieu)\s+({_PERIOD_UNITS})\b"
    r"(?!\s+(?:nay|roi|truoc|qua|lien|sau|tuoi|ve|di|toi|gan day|nhung)\b)"
)
_PAST = re.compile(r"\bda (?:may|bao nhieu)\b")
_HOW_LONG = re.compile(r"\bbao lau\b")
ANY_PERIOD = re.compile(
    QUESTION_TYPES["deadline"].looks_like.pattern
    + rf"|\b(?:{_FREQUENCY})\b|\bngay (?:khi|sau khi|lap tuc)\b|khong thoi han|vo thoi han"
    + r"|theo tien do"
)


def _counted_in(units: str) -> str:
    """A number of one of `units` stated: "03 ngày", "mười tám tuổi" (accent-folded; not "sau năm
    2025": folded, "sau" is also "sáu", six)."""
    return rf"\b{_NUMERAL}\s*(?:{units})\b(?!\s+\d{{4}}\b)"


# A period stated as a number, or as having none: what states a period of a named kind ("Giấy có
# giá trị 06 tháng"), where "bao lâu" alone is answered by any mention of a time limit
NUMBERED_PERIOD = re.compile(
    _counted_in("ngay|thang|nam|tuan|gio") + r"|khong thoi han|vo thoi han|khong thoi hieu"
)


# What a stated time or age counted in each unit looks like
_STATED = {unit: re.compile(_counted_in(unit)) for unit in _PERIOD_UNITS.split("|")}
AGE_STATED = _STATED["tuoi"]


@lru_cache(maxsize=1024)
def asked_period(question: str) -> re.Pattern[str] | None:
    """What a sentence stating the time or age the question asks for looks like (accent-folded;
    `AGE_STATED` for an age), or None when it asks for none."""
    q = fold(question).lower()
    if _PAST.search(q):
        return None
    if m := _ASKS_PERIOD.search(q):
        return _STATED[m.group(1)]
    return ANY_PERIOD if _HOW_LONG.search(q) else None


# A period whose kind the question names: a limitation period ("thời hiệu khiếu nại"), how long
# a paper stays valid ("giấy xác nhận … dùng được bao lâu"), a term of office, a probation. A
# procedure's processing time ("Thời hạn giải quyết: 07 ngày làm việc") is another period: the
# sentence that answers names the kind asked ("Giấy có giá trị 06 tháng", "còn thời hiệu 90 ngày").
_PERIOD_KINDS = (
    (re.compile(r"\bthoi hieu\b"), re.compile(r"\bthoi hieu\b")),
    (
        re.compile(r"\b(?:dung duoc|co gia tri|con gia tri|gia tri su dung|con hieu luc)\b"),
        re.compile(r"\b(?:gia tri|hieu luc|su dung|dung duoc|het han)\b"),
    ),
    (re.compile(r"\bnhiem ky\b"), re.compile(r"\bnhiem ky\b")),
    (re.compile(r"\b(?:tap su|thu viec)\b"), re.compile(r"\b(?:tap su|thu viec)\b")),
)


# what a limitation period is of: "thời hiệu tố cáo" is not the "thời hiệu 90 ngày" of a complaint
_LIMITATION_OF = re.compile(r"\bthoi hieu (?:de |cua |doi voi |ve )?(?!la\b|bao\b)(\w+ \w+)")


@lru_cache(maxsize=1024)
def period_kind(question: str) -> re.Pattern[str] | None:
    """What the sentence stating the period asked (with its heading) must also name; None for
    any period."""
    q = fold(question).lower()
    names = next((names for asked, names in _PERIOD_KINDS if asked.search(q)), None)
    if names is not None and (of := _LIMITATION_OF.search(q)):
        return re.compile(rf"(?s)^(?=.*{names.pattern})(?=.*\b{of.group(1)}\b)")
    return names


# a number stated, not a list item's or a heading's ("1. Thu: …", "2) …", "5.9. Hòa giải …")
NUMBER = r"(?<![\d.,])\d(?:[\d.,]*\d)?(?![\d.,]*[.)]\s)"


def _number_of(noun: str) -> re.Pattern[str]:
    """A number of `noun` stated: "05 vụ", "100% hồ sơ", "hai hồ sơ" (accent-folded)."""
    noun = re.escape(noun)
    return re.compile(rf"{NUMBER}\s*(?:\S+\s+)?{noun}\b|\b{_WRITTEN}\s+{noun}\b")


# A count of cases asked for: "đã hòa giải thành bao nhiêu vụ", "có bao nhiêu hồ sơ"; stated as a
# number of them ("05 vụ", "100% hồ sơ", "hai hồ sơ"). Not "mấy": "mấy hộ" is also "a few
# households".
_COUNTED = r"vu viec|vu|ho so|truong hop|ho gia dinh|ho|don|xa|nguoi|thanh vien"
# … or how many times in a period: "mấy lần một tháng" (not "đã mấy lần": several times)
_ASKS_COUNTED = re.compile(
    rf"\bbao nhieu\s+({_COUNTED})\b|\b(?:may|bao nhieu)\s+lan\s+(?:mot|moi|trong)\s+"
    r"(ngay|tuan|thang|quy|nam)\b"
)


@lru_cache(maxsize=1024)
def asked_count(question: str) -> re.Pattern[str] | None:
    """What a text stating the count asked for looks like (accent-folded); None if none asked.
    Times in a period are stated with the period: "02 lần mỗi tháng", "hằng tháng 01 lần", not
    "gia hạn 01 lần"."""
    q = fold(question).lower()
    m = _ASKS_COUNTED.search(q)
    if m is None:
        return None
    if m.group(1):
        return _number_of(m.group(1))
    times = rf"(?:{NUMBER}|\b{_WRITTEN})\s*lan\b"
    per = rf"(?:/\s*|\b(?:moi|mot|trong|hang)\s+){m.group(2)}\b"
    return re.compile(rf"{times}[^.;]{{0,30}}?{per}|{per}[^.;]{{0,30}}?{times}")


# Words after "bao nhiêu" or "bao nhiêu %" that name nothing counted ("tối đa bao nhiêu thì …",
# "tối đa là bao nhiêu?", "bao nhiêu % trên tổng số") nor a unit per time ("lấy lãi tối đa bao
# nhiêu một năm")
_NOT_A_NOUN = frozenset(
    [
        "thi",
        "la",
        "vay",
        "a",
        "the",
        "ha",
        "nhi",
        "duoc",
        "de",
        "mot",
        "moi",
        "tren",
        "so",
        "cua",
        "trong",
    ]
)

# A bound asked for with no unit a period or a count names: "tồn quỹ tối đa bao nhiêu", "cao
# tối đa mấy tầng", "tối thiểu mấy hòa giải viên" (after "tối đa", "mấy" cannot mean "a few").
# Stated as a number, in the thing counted when the question names it ("07 tầng").
_ASKS_BOUND = re.compile(
    r"\b(?:toi da|toi thieu|it nhat|nhieu nhat)\s+(?:la\s+)?(?:may|bao nhieu)\b(?:\s+(\w+))?"
)


# "tối đa" and "tôi đã" fold alike: with diacritics the words say which; without, "toi da" that
# opens a sentence is "tôi đã" ("Tôi đã mấy lần nộp hồ sơ …")
_I_HAVE = re.compile(r"\btôi đã\b|(?:^|[,.;?!]\s*)toi da\b")


@lru_cache(maxsize=1024)
def asked_bound(question: str) -> re.Pattern[str] | None:
    """What a text stating the upper or lower bound asked for looks like; None if none asked."""
    m = _ASKS_BOUND.search(fold(_I_HAVE.sub(" ", nfc(question).lower().strip())))
    if m is None:
        return None
    noun = m.group(1)
    if noun is None or noun in _NOT_A_NOUN:
        return re.compile(rf"{NUMBER}\s*[a-z%]|\b{_WRITTEN}\s+\w+")
    return _number_of(noun)


_TEXT_TYPES = "nghi quyet|ke hoach|quyet dinh|thong tu|nghi dinh|van ban|cong van|chi thi"

# A share of something named: "bao nhiêu % hồ sơ công việc …" is stated as a share of it, within
# a few words ("90% việc xây dựng cơ sở dữ liệu", "từ 90% trở lên cán bộ cơ sở"), not as "100% cán
# bộ sử dụng thành thạo …" in the same paragraph
_ASKS_SHARE = re.compile(r"\b(?:bao nhieu|may) (?:phan tram|%)\s+(\w+) (\w+)")


@lru_cache(maxsize=1024)
def asked_share(question: str) -> re.Pattern[str] | None:
    """What a text stating the share of the thing named looks like; None when the question asks
    no share or names nothing after it."""
    m = _ASKS_SHARE.search(fold(question).lower())
    if m is None or m.group(1) in _NOT_A_NOUN:
        return None
    # the scanned resolution's "60% hd so công việc": a short first syllable the scan broke
    first, second = m.group(1), m.group(2)
    return re.compile(rf"(?:\d\s*%|phan tram)\s*(?:\S+\s+){{0,4}}?(?:{first}|\S{{1,3}}) {second}\b")


@dataclass(frozen=True)
class AskedFigure:
    """A figure the question asks for, which the answer must state."""

    kind: str  # as a refusal names it: "mức tiền, …", "độ tuổi", "thời hạn, thời gian", "số lượng"
    stated: re.Pattern[str]  # what a text stating it looks like (accent-folded)
    # what the clause stating it must name too: the kind of period asked ("thời hiệu")
    about: re.Pattern[str] | None = None
    # what looks like it and is not it: the date of a text cited ("Thông báo số 21-TB/VPTW ngày
    # 07/3/2026") is no date of what the text asks about
    not_it: re.Pattern[str] | None = None


# A reference asked for: a form's number ("tờ khai là mẫu số mấy"), a text's number or date
# ("kế hoạch số mấy, ban hành ngày nào"), a date ("hạn chót là ngày nào", "trước tháng mấy").
# Each is answered only by a text that states one: "theo mẫu ban hành kèm Thông tư …" names no
# form number, "hằng năm" no date. Not "mẫu gì" (which form: its name answers), not "khi nào"
# ("khi nào phải đăng ký tạm trú" is answered by a condition). Each row: (kind, how the question
# asks it, what stating it looks like, what looks like it and is not it: the date of a text cited,
# "số 21-TB/VPTW ngày 07/3/2026", is no date of what a question asks about).
_TEXT_DATE = re.compile(
    r"\bso\s*:?\s*\d[\w./-]*\s*,?\s*ngay\s+\d{1,2}(?:\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"|\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
)
_REFERENCES = (
    (
        "số hiệu biểu mẫu",
        re.compile(r"\bmau\b(?:\s+\w+){0,4}?\s+so (?:may|bao nhieu)\b|\bmau (?:may|bao nhieu)\b"),
        re.compile(r"\bmau(?: so)?\s*:?\s*[a-z]{0,4}\s*\d"),
        None,
    ),
    (
        "số hiệu văn bản",
        re.compile(
            rf"\b({_TEXT_TYPES})\b.*\bso (?:may|bao nhieu)\b|\bso hieu (?:la )?(?:gi|bao nhieu|may)\b"
        ),
        # a text's own header ("Số: 34-NQ/TU"); or the number after the type asked ("Kế hoạch số
        # 12/KH-UBND"), not any text's ("Chỉ thị số 18-CT/TTg" is no plan's number)
        re.compile(r"\bso\s*:\s*\d+\s*[-/]"),
        None,
    ),
    (
        "ngày, thời điểm",
        re.compile(r"\b(?:ngay (?:nao|may)|thang may|nam nao|thoi diem nao)\b"),
        re.compile(
            r"\bngay \d{1,2}\b|\b\d{1,2}\s*/\s*\d{1,2}\b|\bthang \d{1,2}\b|\bnam \d{4}\b"
            r"|\bquy (?:i|ii|iii|iv|\d)\b|\bthu (?:hai|ba|tu|nam|sau|bay)\b|\bchu nhat\b"
        ),
        _TEXT_DATE,
    ),
)


# "không đóng bảo hiểm cho tôi ngày nào": "not one day", no date asked
_NOT_ONE = re.compile(r"\bkhong\b[^,.?]*\b(?:ngay|nam) nao\b")


@lru_cache(maxsize=1024)
def asked_reference(question: str) -> AskedFigure | None:
    """The reference asked for: how a refusal names it, what stating it looks like."""
    q = _NOT_ONE.sub(" ", fold(question).lower())
    for kind, asked, stated, not_it in _REFERENCES:
        if m := asked.search(q):
            if m.groups() and m.group(1):
                own = rf"\b{m.group(1)}\s+(?:so\s*:?\s*)?\d+\s*[-/]"
                stated = re.compile(f"{stated.pattern}|{own}")
            return AskedFigure(kind, stated, not_it=not_it)
    return None


# The two cases a figure may be given for, one against the other: a question about one
# ("khiếu nại lần hai", "khai sinh quá hạn", "kết hôn với người nước ngoài") is not answered by
# the figure of the other ("6.3. Giải quyết khiếu nại lần đầu … 30 ngày", "Miễn lệ phí khi đăng
# ký đúng hạn", "Miễn lệ phí … của công dân Việt Nam cư trú trong nước"). Accent-folded: "sử
# dụng hạn mức" is no "đúng hạn".
_CASES = (
    (r"\blan dau\b", r"\blan (?:hai|2|thu hai)\b"),
    (r"(?<!su )\bdung han\b", r"\b(?:qua|tre) han\b"),
    (r"\btrong nuoc\b", r"\bnuoc ngoai\b"),
    (r"\btruc tuyen\b", r"\btruc tiep\b"),
    (r"\bchuyen dung\b", r"\bcong cong\b"),  # chữ ký số chuyên dùng công vụ, or công cộng
)
_CASE_PAIRS = tuple(
    (re.compile(a), re.compile(b)) for pair in _CASES for a, b in (pair, pair[::-1])
)
# a text read a clause at a time: "Miễn lệ phí khi đăng ký đúng hạn. Quá hạn thì thu …"
_CLAUSE_END = re.compile(r"(?<=[.;!?])\s+|\n+")


@lru_cache(maxsize=1024)  # asked of every quotable unit of an answer (`figure_missing`)
def case_asked(question: str) -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
    """(the case the question names, its other case) for each pair it names one side of."""
    q = fold(question).lower()
    return tuple(
        (own, other) for own, other in _CASE_PAIRS if own.search(q) and not other.search(q)
    )


def clauses(text: str) -> list[str]:
    """A text's sentences and the parts of them between semicolons."""
    return [c for c in _CLAUSE_END.split(text) if c.strip()]


def of_case_asked(question: str, heading: str, text: str) -> str:
    """`text` (accent-folded) without the clauses given for the other case than the one asked:
    a clause that, read under its heading, names the other case and not the one asked."""
    cases = case_asked(question)
    if not cases:
        return text
    kept = [
        clause
        for clause in clauses(text)
        if not any(
            other.search(f"{heading} {clause}") and not own.search(f"{heading} {clause}")
            for own, other in cases
        )
    ]
    return "\n".join(kept)


def titled_other_case(question: str, title: str, carrying: list[str]) -> bool:
    """Whether the question names one case of a pair ("khiếu nại lần hai") and `title`, the
    title of the procedure it would be answered from, names the other ("Giải quyết khiếu nại
    lần đầu"), with none of the `carrying` texts (what states the answer) naming the case
    asked. Every overlap signal favours that procedure: its deadline answered "Thời hạn giải
    quyết khiếu nại lần hai là bao lâu?" at confidence 0.88, while its note that a second
    complaint goes to the province still answers "Khiếu nại lần hai gửi ai?"."""
    head = fold(title).lower()
    return any(
        other.search(head)
        and not own.search(head)
        and not any(own.search(fold(text).lower()) for text in carrying)
        for own, other in case_asked(question)
    )


# A figure of the rules before: "(trước đây Mẫu số 04 kèm Thông tư 01/2018/TT-VPCP; đối chiếu mẫu
# hiện hành …)", "Theo Nghị định 254/2025/NĐ-CP; trước đây Nghị định 99/2021/NĐ-CP quy định …
# trong 04 ngày làm việc", "Theo Nghị định 99/2021/NĐ-CP trước đây: …". It is not the figure in
# force; the words from "trước đây" to the end of the bracket or the sentence are the former
# rule. Not "nơi đã đăng ký khai sinh trước đây" (a place the person used before): the marker
# opens a bracket or a clause, or introduces a list.
_FORMER = re.compile(
    r"\(\s*truoc day\b[^)]*\)?"
    r"|(?:^|(?<=[;:,]))\s*truoc day\b[^\n]*?(?=\.\s|\.$|\n|$)"
    r"|\btruoc day\s*:[^\n]*?(?=\.\s|\.$|\n|$)"
)
_ASKS_FORMER = re.compile(r"\b(?:truoc day|truoc kia|hoi truoc|ngay truoc|cu la)\b")


@lru_cache(maxsize=1024)
def _asks_former(question: str) -> bool:
    return bool(_ASKS_FORMER.search(fold(question).lower()))


def in_force(question: str, text: str) -> str:
    """`text` (accent-folded) without the rules it names as former ones, unless the question
    asks about the former rule ("trước đây là mẫu số mấy")."""
    return text if _asks_former(question) else _FORMER.sub(" ", text)


# "… quy định thế nào về X", "quy định gì về X": the words ask what a text says about X. As
# terms they match any "theo quy định của luật" and pulled the Hiến pháp's khoản on organ
# donation ahead of "Không ai bị bắt …" for "Hiến pháp quy định thế nào về việc bắt người?".
_WHAT_IT_SAYS = re.compile(
    r"\b(?:duoc |co )?quy dinh(?= (?:(?:nhu )?the nao|ra sao|gi|nhung gi|ve|cu the)\b)"
)


def without_frame(question: str) -> str:
    """The question without the words that only ask what a text says ("quy định thế nào về")."""
    q = nfc(question)
    folded = fold(q).lower()  # the same length as an NFC text: offsets carry over
    spans = [m.span() for m in _WHAT_IT_SAYS.finditer(folded)]
    for start, end in reversed(spans):
        q = q[:start] + q[end:]
    return q


_BARE_PROCEDURE = re.compile(r"^\W*thu tuc\b(?!.*(?:\b(?:gi|khong|nao|sao|ai|dau|bao)\b|\?))")


def question_types(question: str) -> list[str]:
    q = fold(question).lower()
    types = [name for name, t in QUESTION_TYPES.items() if t.asked.search(q)]
    # a procedure named as in a search box ("thủ tục đăng ký kết hôn"), nothing asked of it:
    # its steps ("làm thủ tục gì", "thủ tục … có cần … không" ask something else)
    return types or (["steps"] if _BARE_PROCEDURE.match(q) else [])


def last_heading(section: str) -> str:
    """The last heading of a section path, folded: "thoi han giai quyet", "cach xu ly"..."""
    return fold(section.rsplit("›", 1)[-1]).lower().strip()


def label_affinity(types: list[str], label: str) -> float:
    """+1 when the section's label states the fact asked for, negative for labels that only
    mention the question's words (a legal-basis list, a caveat, the case description)."""
    for t in types:
        pattern = QUESTION_TYPES[t].label
        if pattern is not None and pattern.search(label):
            return 1.0
    for prefix, (unless, weight) in _DEMOTED.items():
        if label.startswith(prefix) and unless not in types:
            return -weight
    return 0.0
