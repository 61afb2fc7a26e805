"""Matters the documents do not guide, named in a question: refuse instead of answering nearby.

Overlap scores cannot tell "làm hộ chiếu cho con cần giấy tờ gì" from "đăng ký khai sinh cho con
cần giấy tờ gì": both match a list of papers for a child well. What tells them apart is that the
question names a matter (a passport) that the passage it would be answered from never mentions.
A general rule on "a question word the passage lacks" refuses too many everyday questions
("mảnh đất", "bờ rào": eval/dev_trust/README.md), so the matters are a short list kept in
`data/uncovered_topics.yaml`, written from the fields of commune work that the documents do not
cover. A question naming one is refused unless a sentence the answer would quote uses the phrase it
names (the documents may mention it: "thẻ bảo hiểm y tế" in a list of papers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.query_terms import content_terms, procedure_title
from assistant.questions import clauses
from ingest.text import LOST_DIACRITICS, diacritic_ratio, fold, has_diacritics, nfc, words

DEFAULT_PATH = Path(__file__).parent / "data" / "uncovered_topics.yaml"


def _phrase(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")


# abbreviations read as the words they stand for, in questions and passages alike: "thẻ bhyt"
# asks about what a section on "thẻ bảo hiểm y tế" mentions
ABBREVIATIONS = {
    "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội",
    "bhtn": "bảo hiểm thất nghiệp",
    "pccc": "phòng cháy chữa cháy",
    "gplx": "giấy phép lái xe",
}
_FOLDED_ABBREVIATIONS = {short: fold(full) for short, full in ABBREVIATIONS.items()}
_ABBREVIATION = re.compile(rf"(?<!\w)({'|'.join(ABBREVIATIONS)})(?!\w)")


def read_as(text: str, accented: bool) -> tuple[str, bool]:
    """`text` as phrases are matched in it: lower-case, abbreviations written out, with its
    diacritics when `accented` (NFC), folded otherwise; and which of the two it is."""
    lowered = nfc(text).lower() if accented else fold(text).lower()
    spelled = ABBREVIATIONS if accented else _FOLDED_ABBREVIATIONS
    return _ABBREVIATION.sub(lambda m: spelled[m.group(1)], lowered), accented


# "Bên mang thai hộ được hưởng chế độ thai sản theo quy định của pháp luật về lao động và bảo
# hiểm xã hội": a matter named in a clause that leaves it to another law is not guided here
# (accent-folded: the clause may be read with its diacritics or without)
_DEFERS = re.compile(r"theo quy dinh cua (?:phap luat|luat)\b")


@dataclass(frozen=True)
class Topic:
    name: str  # as the refusal names it ("hộ chiếu, xuất nhập cảnh")
    accented: tuple[re.Pattern[str], ...]  # the phrases as written (lower-case, NFC)
    folded: tuple[re.Pattern[str], ...]  # the same without diacritics
    asks: tuple[bool, ...]  # which phrases, named in a question, ask about the matter

    def asked_in(self, question: tuple[str, bool]) -> tuple[int, ...]:
        """Which of its phrases the question (`read_as`) asks about: with diacritics when it is
        typed with them ("thuê đất" is no "thuế đất")."""
        lowered, accented = question
        patterns = self.accented if accented else self.folded
        return tuple(
            i
            for i, (p, ask) in enumerate(zip(patterns, self.asks, strict=True))
            if ask and p.search(lowered)
        )

    def mentioned_in(self, text: tuple[str, bool], phrases: tuple[int, ...]) -> bool:
        """Whether a passage (`read_as`) uses one of `phrases` (those the question asks about: a
        passage on "hợp tác xã" does not answer "hộ kinh doanh", though both are one matter), in
        a clause that does not leave the matter to another law (`_DEFERS`)."""
        lowered, accented = text
        patterns = self.accented if accented else self.folded
        return any(
            patterns[i].search(clause) and not _DEFERS.search(fold(clause))
            for clause in clauses(lowered)
            for i in phrases
        )


class TopicList:
    def __init__(self, entries: list[dict], covered: str = "") -> None:
        """`covered`: the documents' titles and headings; a phrase they use asks nothing
        uncovered ("Điều 49. Quảng cáo phân bón", or a section on taxes a province adds): the
        documents guide something about it, and the usual evidence decides. The index, not
        the list, has the last word on what is covered."""
        self.entries = entries
        self._covered: tuple[tuple[str, ...], TopicList] | None = None
        self.topics: list[Topic] = []
        for e in entries:
            phrases = [nfc(str(p)).lower() for p in e["phrases"]]
            accented = tuple(_phrase(p) for p in phrases)
            asks = tuple(not p.search(covered) for p in accented)
            if any(asks):
                folded = tuple(_phrase(fold(p)) for p in phrases)
                self.topics.append(Topic(str(e["topic"]), accented, folded, asks))

    def without_covered(self, headings: tuple[str, ...]) -> TopicList:
        """The same list, less what `headings` (an index's titles and section headings) cover;
        kept for the last headings asked about (one index generation serves many questions)."""
        covered = self._covered
        if covered is None or covered[0] is not headings:
            covered = (headings, TopicList(self.entries, "\n".join(headings)))
            self._covered = covered
        return covered[1]

    def uncovered(self, question: str, texts: list[str]) -> str:
        """The first matter the question asks about that none of `texts` mentions ("" if none).
        Asked in its last sentence when that sentence asks on its own: "Bố tôi mất … để còn làm
        các thủ tục khác như lương hưu. Cho tôi hỏi đi làm khai tử cần giấy tờ gì?" asks about
        a death registration, not a pension."""
        question = asking_part(question)
        accented = has_diacritics(question)
        asked = read_as(question, accented)
        read: list[tuple[str, bool]] | None = None  # the passages, read once a matter is asked
        for topic in self.topics:
            phrases = topic.asked_in(asked)
            if not phrases:
                continue
            if read is None:
                # as written when the question and the passage both carry diacritics ("Giá thuê
                # khoán" does not mention "thuế khoán"), folded otherwise (a scanned text or a
                # question typed without them)
                read = [
                    read_as(t, accented and diacritic_ratio(words(t)) >= LOST_DIACRITICS)
                    for t in texts
                ]
            if not any(topic.mentioned_in(t, phrases) for t in read):
                return topic.name
        return ""


# The last sentence asks on its own with at least this many meaningful syllables ("Cho tôi hỏi
# đi làm khai tử … giấy tờ gì?"); a shorter one ("Mua ở đâu?") leans on the sentences before.
# On the development sets the rule answered one law question ("Tôi là y sĩ ở trạm y tế xã … .
# Lãnh đạo định cử tôi đi biệt phái …") and one everyday one (the death registration above), and
# answered one unanswerable ("… công ty không đóng bảo hiểm xã hội … . Giờ tôi muốn khiếu nại thì
# gửi đơn đến cơ quan nào?", answered from the handbook's complaint procedure).
ASKING_SENTENCE_TERMS = 4
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def asking_part(question: str) -> str:
    """The part of a question that asks: its last sentence when that sentence asks on its own,
    the whole question otherwise."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s.strip()]
    if len(sentences) > 1 and len(content_terms(sentences[-1])) >= ASKING_SENTENCE_TERMS:
        return sentences[-1]
    return question


# The question names the procedure it is answered from ("đăng ký tạm trú … có cần hợp đồng lao
# động không"): the matter it also names is a detail of that procedure, not the question's topic.
# Named = one part of the procedure's title, of at least this many meaningful syllables ("đăng ký
# tạm trú" of "10.2. Đăng ký tạm trú, gia hạn tạm trú"), found word for word; two ("hồ sơ") would
# name half the handbook. Parts are separated by commas, colons and "và" (two procedures in one
# title), and a part is named by its head too, the words before what it applies to ("chứng thực
# bản sao" of "Chứng thực bản sao từ bản chính"): "Chứng thực bản sao giấy phép lái xe" asks
# for a certified copy, not about driving licences. On the development sets the heads changed
# one answer: an unanswerable question refused for weak evidence instead of by its topic.
NAMED_PROCEDURE_TERMS = 3
_TITLE_PARTS = re.compile(r"[,;:]|\s+và\s+")
_APPLIES_TO = re.compile(r"\s+(?:từ|cho|đối với)\s+")


def names_procedure(question: str, section: str) -> bool:
    """Whether the question names the procedure or article that `section` belongs to."""
    asked = f" {' '.join(content_terms(question))} "
    title = re.sub(r"^Điều \d+\w*\.?\s*", "", procedure_title(section))
    for part in _TITLE_PARTS.split(title):
        for named in (part, _APPLIES_TO.split(part)[0]):
            terms = content_terms(named)
            if len(terms) >= NAMED_PROCEDURE_TERMS and f" {' '.join(terms)} " in asked:
                return True
    return False


@lru_cache
def load_topics(path: Path = DEFAULT_PATH) -> TopicList:
    return TopicList(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
