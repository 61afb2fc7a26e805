"""Phone shorthand in a question written out: "co dc ko", "giay to j", "lam ntn".

Officials and citizens type on phones: "k"/"ko" for "không", "dc"/"đc" for "được", "j" for "gì",
"ntn" for "như thế nào". None of these is in a document, so each is a word the retriever, the
accent restorer and the refusal model cannot read ("ko" counted as a word the corpus never
uses). The question is searched and judged with the words written out; the answer shows it as
typed. Only shorthand that means one thing in a question is listed ("dk" is "đăng ký", "được" or
"điều kiện"; "bn" is "bao nhiêu" or "bạn"). Abbreviated names ("CCCD", "sđt") are left: beside
a number they label it, and written out they would add words to every such question. Written
here because no kept library normalises Vietnamese chat shorthand (underthesea's
`text_normalize` fixes tone-mark placement only).
"""

from __future__ import annotations

import re

from ingest.text import fold, has_diacritics

# shorthand -> (written out with diacritics, without)
SHORTHAND: dict[str, tuple[str, str]] = {
    "k": ("không", "khong"),
    "ko": ("không", "khong"),
    "kg": ("không", "khong"),
    "khg": ("không", "khong"),
    "hok": ("không", "khong"),
    "dc": ("được", "duoc"),
    "đc": ("được", "duoc"),
    "j": ("gì", "gi"),
    "ntn": ("như thế nào", "nhu the nao"),
    "cx": ("cũng", "cung"),
    "ms": ("mới", "moi"),
    "vs": ("với", "voi"),
    "mk": ("mình", "minh"),
    "nhg": ("nhưng", "nhung"),
    "trc": ("trước", "truoc"),
}
_TOKEN = re.compile(
    r"(?<![\w.])("
    + "|".join(sorted(map(re.escape, SHORTHAND), key=len, reverse=True))
    + r")(?![\w.)])",
    re.IGNORECASE,
)
# A single letter is shorthand only in lower case and not after a word that names a label:
# "phim loại K" is a film rating and "điểm k khoản 2" a point of a law, neither is "không"
_LABEL = re.compile(r"\b(diem|tai|loai|nhan|hang|muc|phim)\s*$")


def expand_shorthand(text: str) -> str:
    """`text` with its shorthand written out, accented when the text carries diacritics."""
    accented = has_diacritics(text)

    def written(m: re.Match[str]) -> str:
        typed = m.group(1)
        word = typed.lower()
        if len(word) == 1 and (typed != word or _LABEL.search(fold(text[: m.start()]).lower())):
            return typed
        return SHORTHAND[word][0 if accented else 1]

    return _TOKEN.sub(written, text)
