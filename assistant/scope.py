"""Which documents a question names: "Theo Nghị quyết 34 của Tây Ninh, …".

A province or a document number in a question says which document to answer from; it says
nothing about which passage of it. Left in the query, those words match the document's
preamble (which repeats its own name) better than the passage that answers, and they pull in
another province's resolution on the same topic. So they become a document prior, and the
passage is ranked on the rest of the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.statute import STATUTE_TYPES
from ingest.text import fold

SHARED = {"", "dung chung", "toan quoc", "chung"}  # handbooks that apply in every province
_TOKEN = re.compile(r"\S+")
# a province named after these words is where someone lives, studies or files ("quê ở Thanh
# Hóa", "Ở Đồng Nai đăng ký khai sinh …"), not the author of a rule the question asks about
_WHERE = {"o", "tai", "que", "ve", "vao", "ra", "len", "tu", "den", "sang", "di"}
# the words between such a word and the name: "ở tỉnh Thanh Hóa", "tại TP. Hồ Chí Minh"
_PLACE_KIND = {"tinh", "thanh", "pho", "tp"}
# a place named after these words is compared with ("giống Hưng Yên"), not asked about
_LIKE = {"giong", "nhu", "tuong tu", "kieu"}
# what a province decides for itself: its plans, policies, targets and support
_OWN_RULE = re.compile(
    r"\b(quy dinh|chinh sach|ke hoach|nghi quyet|de an|chuong trinh|chi tieu|muc tieu|"
    r"ho tro|muc chi|mo hinh|trien khai|ban hanh|thu hut|to chuc)\b"
)


@dataclass(frozen=True)
class Scope:
    named: frozenset[str]  # doc ids the question names
    other: frozenset[str]  # doc ids of another named place: the question is not about them
    rest: str  # the question without the words that named them (or a place none covers)
    names: tuple[str, ...] = ()  # those words, as the question wrote them
    uncovered: tuple[str, ...] = ()  # provinces named that no document is about
    provincial: frozenset[str] = frozenset()  # the named doc ids that are a province's own text
    # uncovered provinces asked about as the author of a plan, policy or figure ("Hà Tĩnh quy
    # định mức chi …"), not only as a place ("quê ở Thanh Hóa"): no shared text answers that
    asked_of: tuple[str, ...] = ()


def _phrase(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", fold(text).lower()) if w]


def _number_phrases(number: str) -> list[list[str]]:
    """ "34-NQ/TU" is named as "34-NQ/TU", "nghị quyết 34", "nghị quyết số 34"."""
    words = _phrase(number)
    if not words:
        return []
    lead = words[0]
    # written whole ("12/2019/QĐ-UBND") it is one token of the question, split it is several
    out = [words, [" ".join(words)]] if len(words) > 1 else [words]
    if lead.isdigit():
        for kind in (["nghi", "quyet"], ["nq"], ["ke", "hoach"], ["kh"], ["quyet", "dinh"]):
            out += [[*kind, lead], [*kind, "so", lead]]
    return out


def _statute_phrases(meta: dict) -> list[list[str]]:
    """A law is named by its title: "Luật Cư trú", "bo luat dan su", "Hiến pháp"."""
    if str(meta.get("doc_type") or "") not in STATUTE_TYPES:
        return []
    title = str(meta.get("title") or "")
    if title.startswith("Hiến pháp"):
        title = "Hiến pháp"
    words = _phrase(title)
    return [words] if len(words) >= 2 else []


def _mark(keys: list[str], drop: list[bool], phrase: tuple[str, ...]) -> list[int]:
    """Marks every free occurrence of `phrase` in `keys` as dropped; where each one starts."""
    n, starts = len(phrase), []
    for i in range(len(keys) - n + 1):
        if not any(drop[i : i + n]) and tuple(keys[i : i + n]) == phrase:
            drop[i : i + n] = [True] * n
            starts.append(i)
    return starts


def _word_before(keys: list[str], start: int) -> str:
    """The word before a place name, past "tỉnh", "thành phố", "TP.": "ở", "của", "giống"."""
    i = start - 1
    while i >= 0 and keys[i] in _PLACE_KIND:
        i -= 1
    if i < 0:
        return ""
    # "tương tự" is two tokens
    return f"{keys[i - 1]} {keys[i]}" if i and f"{keys[i - 1]} {keys[i]}" in _LIKE else keys[i]


class ScopeDetector:
    """Built from the index manifest: each document's province and number."""

    def __init__(self, docs: dict[str, dict], provinces: tuple[str, ...] = ()) -> None:
        self.places: dict[str, str] = {}  # doc id -> its province, folded
        self.covered: list[str] = []  # the provinces documents are about, as written
        by_phrase: dict[tuple[str, ...], set[str]] = {}
        for doc_id, meta in docs.items():
            province = str(meta.get("province") or "")
            place = " ".join(_phrase(province))
            if place not in SHARED:
                self.places[doc_id] = place
                by_phrase.setdefault(tuple(place.split()), set()).add(doc_id)
                if province not in self.covered:
                    self.covered.append(province)
            for phrase in _number_phrases(str(meta.get("number") or "")):
                by_phrase.setdefault(tuple(phrase), set()).add(doc_id)
            for phrase in _statute_phrases(meta):
                by_phrase.setdefault(tuple(phrase), set()).add(doc_id)
        self.covered.sort()
        covered = set(self.places.values())
        # longest first, so "Bà Rịa - Vũng Tàu" is taken whole before "Vũng Tàu"
        self.uncovered = {
            tuple(_phrase(name)): name
            for name in sorted(provinces, key=lambda n: -len(_phrase(n)))
            if " ".join(_phrase(name)) not in covered
        }
        # longest first, so "nghị quyết số 34" is taken whole before "34"
        self.phrases = sorted(by_phrase.items(), key=lambda x: -len(x[0]))
        # the chain, the retriever and the refusal model all ask about the same few texts
        self.detect = lru_cache(maxsize=1024)(self._detect)

    def _detect(self, question: str) -> Scope:
        tokens = _TOKEN.findall(question)
        keys = [" ".join(_phrase(t)) for t in tokens]
        drop = [False] * len(tokens)
        named: set[str] = set()
        compared: set[str] = set()
        for phrase, ids in self.phrases:
            for start in _mark(keys, drop, phrase):
                like = _word_before(keys, start) in _LIKE and ids <= self.places.keys()
                (compared if like else named).update(ids)
        own_rule = bool(_OWN_RULE.search(" ".join(keys)))
        found = {name: _mark(keys, drop, phrase) for phrase, name in self.uncovered.items()}
        uncovered = tuple(name for name, starts in found.items() if starts)
        asked_of = tuple(
            name
            for name, starts in found.items()
            if own_rule and any(_word_before(keys, i) not in _WHERE for i in starts)
        )
        rest = " ".join(t for t, dropped in zip(tokens, drop, strict=True) if not dropped)
        if not named:
            # a place no document covers: every province's own resolution is about elsewhere
            # (and one only compared with: "Phú Thọ có làm … giống Hưng Yên không?")
            other = frozenset(self.places) if uncovered else frozenset(compared)
            return Scope(frozenset(), other, rest, (), uncovered, asked_of=asked_of)
        named_places = {self.places[d] for d in named if d in self.places}
        other = {
            d for d, place in self.places.items() if d not in named and place not in named_places
        }
        names = [t.strip(",.;:?!()\"'") for t, dropped in zip(tokens, drop, strict=True) if dropped]
        provincial = frozenset(d for d in named if d in self.places)
        return Scope(
            frozenset(named),
            frozenset(other),
            rest,
            tuple(names),
            uncovered,
            provincial,
            asked_of,
        )
