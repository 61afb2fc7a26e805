"""Checks of the gold evaluation set (eval/gold/questions.jsonl).

Independent of the project code: it reads the knowledge base straight from the file system.
Every answerable question must carry a quote that occurs exactly in the NFC text of its
document, so retrieval and citation can be scored against it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold" / "questions.jsonl"
HOLDOUTS = sorted((ROOT / "eval").glob("holdout*/questions.jsonl"))
KNOWLEDGE = ROOT / "knowledge"
OCR_DOC = "quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr"

REQUIRED = ("id", "question", "answerable", "quote", "doc", "tags")
ALLOWED_TAGS = {
    "clean",
    "no-diacritic",
    "everyday",
    "ocr",
    "follow-up",
    "unanswerable",
    "out-of-domain",
    "near-domain",
}
MIN_TOTAL = 170
MIN_TAGS = {
    "no-diacritic": 30,
    "everyday": 20,
    "ocr": 15,
    "unanswerable": 20,
    "out-of-domain": 10,
    "near-domain": 10,
    "follow-up": 10,
}
QUOTE_MIN, QUOTE_MAX = 30, 160
ID_PATTERN = re.compile(r"^(r-\d+|h\d{2}-\d+|u-\d+|fu-\d+[ab])$")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return nfc(stripped.replace("đ", "d").replace("Đ", "D"))


def load_rows(path: Path = GOLD) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as a failure
                pytest.fail(f"line {n} is not valid JSON: {exc}")
    return rows


def doc_texts() -> dict[str, str]:
    """Document id (file stem) -> NFC text, front matter stripped from Markdown."""
    texts: dict[str, str] = {}
    for path in sorted(KNOWLEDGE.rglob("*")):
        if path.suffix not in (".md", ".txt") or not path.is_file():
            continue
        text = nfc(path.read_text(encoding="utf-8"))
        if path.suffix == ".md":
            text = FRONT_MATTER.sub("", text, count=1)
        assert path.stem not in texts, f"two documents share the id {path.stem}"
        texts[path.stem] = text
    return texts


ROWS = load_rows() if GOLD.exists() else []
HOLDOUT_ROWS = {path.parent.name: load_rows(path) for path in HOLDOUTS}
DOCS = doc_texts() if KNOWLEDGE.exists() else {}


def assert_quote_in_document(doc: str, quote: str) -> None:
    assert isinstance(doc, str) and doc in DOCS, f"unknown doc {doc!r}"
    assert isinstance(quote, str), "answerable line needs a quote"
    assert quote == nfc(quote), "quote is not NFC"
    assert quote == quote.strip(), "quote has leading/trailing whitespace"
    assert QUOTE_MIN <= len(quote) <= QUOTE_MAX, f"quote length {len(quote)}"
    assert " ".join(quote.split()) in " ".join(DOCS[doc].split()), f"not in {doc}: {quote!r}"


def test_file_exists_and_has_enough_lines():
    assert GOLD.exists(), GOLD
    assert len(ROWS) >= MIN_TOTAL, f"{len(ROWS)} lines, want >= {MIN_TOTAL}"


def test_every_line_is_utf8_json_object():
    raw = GOLD.read_bytes().decode("utf-8")
    for n, line in enumerate(raw.splitlines(), 1):
        assert line.strip(), f"blank line {n}"
        assert isinstance(json.loads(line), dict), f"line {n} is not an object"


def test_required_fields_and_types():
    for row in ROWS:
        missing = [k for k in REQUIRED if k not in row]
        assert not missing, f"{row.get('id')}: missing {missing}"
        assert isinstance(row["id"], str) and ID_PATTERN.match(row["id"]), row["id"]
        assert isinstance(row["question"], str) and row["question"].strip(), row["id"]
        assert isinstance(row["answerable"], bool), row["id"]
        assert isinstance(row["tags"], list) and row["tags"], row["id"]
        assert all(isinstance(t, str) for t in row["tags"]), row["id"]
        assert len(set(row["tags"])) == len(row["tags"]), f"{row['id']}: duplicate tags"
        unknown = set(row["tags"]) - ALLOWED_TAGS
        assert not unknown, f"{row['id']}: unknown tags {unknown}"


def test_ids_unique():
    counts = Counter(row["id"] for row in ROWS)
    dupes = [i for i, c in counts.items() if c > 1]
    assert not dupes, dupes


def test_questions_unique():
    counts = Counter(nfc(row["question"]).strip().lower() for row in ROWS)
    dupes = [q for q, c in counts.items() if c > 1]
    assert not dupes, dupes


@pytest.mark.parametrize("row", [r for r in ROWS if r.get("answerable")], ids=lambda r: r["id"])
def test_answerable_quote_is_exact_substring_of_its_document(row):
    doc, quote = row["doc"], row["quote"]
    assert isinstance(doc, str) and doc in DOCS, f"unknown doc {doc!r}"
    assert isinstance(quote, str), "answerable line needs a quote"
    assert quote == nfc(quote), "quote is not NFC"
    assert quote == quote.strip(), "quote has leading/trailing whitespace"
    assert QUOTE_MIN <= len(quote) <= QUOTE_MAX, f"quote length {len(quote)}"
    assert quote in DOCS[doc], f"quote not found in {doc}: {quote!r}"
    assert not BLANK_LINE.search(quote), "quote spans a blank line"
    assert not any(line.lstrip().startswith("#") for line in quote.split("\n")[1:]), (
        "quote spans a Markdown heading"
    )
    assert "unanswerable" not in row["tags"]


ALSO = [
    (r, alt)
    for r in ROWS + [row for rows in HOLDOUT_ROWS.values() for row in rows]
    for alt in r.get("also") or []
]


@pytest.mark.parametrize("row,alt", ALSO, ids=[f"{r['id']}-{a['doc']}" for r, a in ALSO])
def test_other_accepted_quotes_are_found_where_they_say(row, alt):
    """`also`: other passages a reviewer found to state the same answer (see eval/metrics.py)."""
    assert set(alt) == {"doc", "quote"}, row["id"]
    assert row["answerable"], row["id"]
    assert_quote_in_document(alt["doc"], alt["quote"])


@pytest.mark.parametrize("name", sorted(HOLDOUT_ROWS))
def test_holdout_set_is_well_formed(name):
    rows = HOLDOUT_ROWS[name]
    assert len(rows) >= 60
    assert len({r["id"] for r in rows}) == len(rows)
    gold_questions = {nfc(r["question"]).lower() for r in ROWS}
    for row in rows:
        assert set(row) >= set(REQUIRED), row["id"]
        if row["answerable"]:  # stock out-of-domain questions ("cách nấu phở") may coincide
            assert nfc(row["question"]).lower() not in gold_questions, row["id"]
        assert not set(row["tags"]) - ALLOWED_TAGS, row["id"]
        if row["answerable"]:
            assert_quote_in_document(row["doc"], row["quote"])
        else:
            assert row["quote"] is None and row["doc"] is None, row["id"]


def test_quote_not_copied_into_question():
    for row in ROWS:
        if row.get("answerable"):
            assert fold(row["quote"]).lower() not in fold(row["question"]).lower(), row["id"]


def test_unanswerable_lines_have_no_quote():
    for row in ROWS:
        tags = set(row["tags"])
        if not row["answerable"]:
            assert row["quote"] is None and row["doc"] is None, row["id"]
            assert "unanswerable" in tags, row["id"]
            assert tags & {"out-of-domain", "near-domain"}, row["id"]
            assert row["id"].startswith("u-"), row["id"]
        else:
            assert not tags & {"unanswerable", "out-of-domain", "near-domain"}, row["id"]


@pytest.mark.parametrize("tag,minimum", sorted(MIN_TAGS.items()))
def test_tag_minimum_counts(tag, minimum):
    count = sum(tag in row["tags"] for row in ROWS)
    assert count >= minimum, f"{tag}: {count} < {minimum}"


def test_no_diacritic_questions_have_no_diacritics():
    for row in ROWS:
        q = row["question"]
        if "no-diacritic" in row["tags"]:
            assert fold(q) == q, f"{row['id']}: has diacritics"
            assert "clean" not in row["tags"], row["id"]
        elif "clean" in row["tags"]:
            assert fold(q) != q, f"{row['id']}: tagged clean but typed without accents"


def test_ocr_lines_point_at_the_ocr_resolution():
    for row in ROWS:
        if "ocr" in row["tags"]:
            assert row["doc"] == OCR_DOC, row["id"]
        elif row.get("doc") == OCR_DOC:
            pytest.fail(f"{row['id']}: question on the OCR resolution without the ocr tag")


def test_follow_ups_have_history_and_a_first_turn():
    ids = {row["id"] for row in ROWS}
    for row in ROWS:
        is_second = row["id"].startswith("fu-") and row["id"].endswith("b")
        if "follow-up" in row["tags"] or is_second:
            assert "follow-up" in row["tags"] and is_second, row["id"]
            history = row.get("history")
            assert isinstance(history, list) and history, f"{row['id']}: no history"
            for turn in history:
                assert set(turn) >= {"question", "answer"}, row["id"]
                assert turn["question"].strip() and turn["answer"].strip(), row["id"]
            first = row["id"][:-1] + "a"
            assert first in ids, f"{row['id']}: no first turn {first}"
            first_row = next(r for r in ROWS if r["id"] == first)
            assert history[0]["question"] == first_row["question"], row["id"]
        else:
            assert "history" not in row, f"{row['id']}: history on a first turn"


def test_every_resolution_is_covered():
    resolutions = [p.stem for p in (KNOWLEDGE / "resolutions").glob("*.txt")]
    counts = Counter(row["doc"] for row in ROWS if row.get("doc"))
    for stem in resolutions:
        minimum = 15 if stem == OCR_DOC else 6
        assert counts[stem] >= minimum, f"{stem}: {counts[stem]} questions"


@pytest.mark.parametrize("name", ["trust", "dev_trust"])
def test_the_sets_labelled_by_place_are_well_formed(name):
    """eval/trust (held out) and eval/dev_trust (for tuning) are labelled by section, not by
    quote: their writers saw the headings only."""
    rows = [json.loads(line) for line in (ROOT / "eval" / name / "questions.jsonl").open()]
    assert len(rows) >= 120 and len({r["id"] for r in rows}) == len(rows)
    answerable = [r for r in rows if r["answerable"]]
    assert 0.4 <= len(answerable) / len(rows) <= 0.6
    docs = {p.name.split(".")[0] for p in KNOWLEDGE.rglob("*.*")}
    for row in rows:
        if row["answerable"]:
            assert row["doc"] in docs, row["id"]
        else:
            assert row["doc"] is None and row["section"] is None, row["id"]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if "group" in row:
            groups.setdefault(row["group"], []).append(row)
    assert name != "trust" or len(groups) >= 12
    for members in groups.values():
        assert len(members) == 4 and len({(m["doc"], m["section"]) for m in members}) == 1
