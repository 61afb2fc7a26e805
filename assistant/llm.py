"""Optional LLM composer over any OpenAI-compatible endpoint, and the checks on what it wrote.

The LLM may phrase the answer; it may not invent. After generation every `[n]` must point at a
passage we gave it and every sentence must be supported by the passage it cites. What fails is
removed; an answer left with no valid citation is replaced by the extractive answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.query_terms import content_terms
from assistant.settings import PROJECT_ROOT, Settings
from assistant.snapshot import Passage

log = logging.getLogger(__name__)
PROMPTS = PROJECT_ROOT / "prompts"
_MARKER = re.compile(r"\[(\d{1,2})\]")
_SENTENCE_SPLIT = re.compile(r"(?<=[^\d\s][.!?])\s+|\n+")  # not after "5.1." numbering


def load_prompt(name: str, directory: Path = PROMPTS) -> str:
    return (directory / name).read_text(encoding="utf-8")


def format_passages(passages: list[Passage]) -> str:
    return "\n\n".join(
        f"[{i}] {p.title}{' — ' + p.section if p.section else ''}\n{p.text}"
        for i, p in enumerate(passages, 1)
    )


class LLMClient:
    """LangChain's ChatOpenAI pointed at the configured endpoint (vLLM, Ollama, llama.cpp...)."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        self.model = ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model or "default",
            api_key=settings.llm_api_key or "not-needed",
            timeout=settings.llm_timeout_s,
            max_retries=0,
            temperature=0,
        )
        self.system = load_prompt("answer_system.txt")
        self.user = load_prompt("answer_user.txt")
        self.condense_template = load_prompt("condense.txt")

    def messages(self, question: str, passages: list[Passage]) -> list[tuple[str, str]]:
        return [
            ("system", self.system),
            ("human", self.user.format(passages=format_passages(passages), question=question)),
        ]

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        for chunk in self.model.stream(self.messages(question, passages)):
            if chunk.content:
                yield str(chunk.content)

    def condense(self, question: str, history: list[tuple[str, str]]) -> str:
        text = "\n".join(f"Hỏi: {q}\nĐáp: {a[:300]}" for q, a in history[-3:])
        out = self.model.invoke(self.condense_template.format(history=text, question=question))
        rewritten = str(out.content).strip().splitlines()[0].strip() if out.content else ""
        return rewritten or question


@dataclass
class CheckedAnswer:
    text: str
    cited: list[int]  # passage numbers (1-based) that support kept sentences, in order of use
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def support(sentence: str, passage_text: str) -> float:
    """How much of a sentence its cited passage says: the mean of the shares of its content
    syllables (accent-folded) and of its pairs of adjacent ones that the passage contains. Single
    syllables alone let a long passage "support" an invented sentence: "… mang theo hộ chiếu
    ngoại giao và bằng lái tàu biển quốc tế" found 0.67 of its syllables in the section on birth
    registration, but few of its words ("bằng lái", "tàu biển")."""
    terms = content_terms(_MARKER.sub("", sentence))
    if not terms:
        return 1.0
    have, have_pairs = _said(passage_text)
    single = sum(t in have for t in terms) / len(terms)
    pairs = list(zip(terms, terms[1:], strict=False))
    if not pairs:
        return single
    return (single + sum(p in have_pairs for p in pairs) / len(pairs)) / 2


@lru_cache(maxsize=64)  # every sentence of an answer is checked against the same few passages
def _said(passage_text: str) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """A passage's content syllables and its pairs of adjacent ones."""
    words = content_terms(passage_text)
    return frozenset(words), frozenset(zip(words, words[1:], strict=False))


def check_answer(text: str, passages: list[Passage], min_support: float = 0.6) -> CheckedAnswer:
    """Keep the sentences whose every [n] exists and whose cited passages support them."""
    kept: list[str] = []
    cited: list[int] = []
    removed: list[str] = []
    warnings: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE_SPLIT.split(text)):
        if not sentence:
            continue
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        if not numbers:
            # Uncited sentences are allowed only when they say the documents lack the answer.
            if "không nêu" in sentence or "không có thông tin" in sentence:
                kept.append(sentence)
            else:
                removed.append(sentence)
                warnings.append(f"Đã bỏ câu không có trích dẫn: «{sentence[:80]}»")
            continue
        bad = [n for n in numbers if not 1 <= n <= len(passages)]
        if bad:
            removed.append(sentence)
            warnings.append(f"Đã bỏ câu trích dẫn đoạn không tồn tại {bad}: «{sentence[:80]}»")
            continue
        best = max(support(sentence, passages[n - 1].text) for n in numbers)
        if best < min_support:
            removed.append(sentence)
            warnings.append(f"Đã bỏ câu không được tài liệu trích dẫn hỗ trợ: «{sentence[:80]}»")
            continue
        kept.append(sentence)
        for n in numbers:
            if n not in cited:
                cited.append(n)
    return CheckedAnswer(" ".join(kept), cited, removed, warnings)
