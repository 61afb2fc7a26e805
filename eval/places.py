"""Scores for question sets labelled by place (a document and a handbook section) instead of by
a verbatim quote: `eval/trust/` and the development sets written from the topic list alone.

A writer who saw only headings cannot quote the text, so such a set says *where* the answer is
("05-tu-phap-ho-tich", "5.1") and the scorer checks the place of what the chain cited. It
measures the three things the trust issue asks for: answered from the right place, refused when
the documents do not cover the question, and the same place for four phrasings of one question
(rows sharing a `group`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.text import fold

# Places the sets' READMEs accept as a second source for a handbook section: chapter 10
# (cư trú) restates Luật Cư trú and 5.4-5.5 (kết hôn, ly hôn) Luật Hôn nhân và gia đình.
ALTERNATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("10-cu-tru", ""): ("luat-cu-tru",),
    ("05-tu-phap-ho-tich", "5.4"): ("luat-hon-nhan-va-gia-dinh",),
    ("05-tu-phap-ho-tich", "5.5"): ("luat-hon-nhan-va-gia-dinh",),
}


def is_place_labelled(rows: list[dict]) -> bool:
    """A set whose answerable rows name a doc (and maybe a section) but carry no quote."""
    answerable = [r for r in rows if r.get("answerable", True)]
    return bool(answerable) and all(r.get("doc") and not r.get("quote") for r in answerable)


def _label_key(label: str) -> str:
    return fold(label).lower().strip().rstrip(".")


def section_matches(path: str, label: str | None) -> bool:
    """Whether a heading path ("Chương 5. … › 5.1. Đăng ký khai sinh") is the labelled section
    ("5.1", "Tình huống 10.2"), or below it."""
    if not label:
        return True
    key = _label_key(label)
    for part in path.split("›"):
        head = fold(part).lower().strip()
        if re.match(re.escape(key) + r"(?:\.(?!\d)|[:)\s]|$)", head):
            return True
    return False


def at_place(doc_id: str, section: str, row: dict) -> bool:
    """The passage or citation (doc_id, heading path) is where the row says the answer is."""
    doc, label = row.get("doc"), row.get("section")
    if doc_id == doc and section_matches(section, label):
        return True
    chapter_alt = ALTERNATES.get((doc, ""), ())
    section_alt = ALTERNATES.get((doc, label or ""), ())
    return doc_id in chapter_alt + section_alt


def place_metrics(
    answers: list[tuple[dict, object, float]], k: int = 5, plain: list[bool] | None = None
) -> dict:
    """Answer-level scores of a place-labelled set. `answers` are (row, AnswerResult, ms);
    `plain`, each question's refusal without the uncovered-topic check (same run; without it
    those two rates are None)."""
    right_first, right_any, hit1, hitk, false_ref, correct_ref = [], [], [], [], [], []
    false_plain, correct_plain = [], []
    by_group: dict[str, list[bool]] = {}
    for i, (row, res, _) in enumerate(answers):
        refused_plain = plain[i] if plain is not None else None
        if not row.get("answerable", True):
            correct_ref.append(res.refused)
            correct_plain.append(refused_plain)
            continue
        false_plain.append(refused_plain)
        cites = [(c.doc_id, c.section) for c in res.citations]
        first = not res.refused and bool(cites) and at_place(*cites[0], row)
        right_first.append(first)
        right_any.append(not res.refused and any(at_place(d, s, row) for d, s in cites))
        ranks = [i for i, p in enumerate(res.retrieved, 1) if at_place(p.doc_id, p.section, row)]
        hit1.append(bool(ranks) and ranks[0] == 1)
        hitk.append(bool(ranks) and ranks[0] <= k)
        false_ref.append(res.refused)
        if row.get("group"):
            by_group.setdefault(row["group"], []).append(first)

    def share(values: list[bool]) -> float | None:
        return sum(values) / len(values) if values else None

    members = [v for group in by_group.values() for v in group]
    return {
        "n_answerable": len(right_first),
        "n_unanswerable": len(correct_ref),
        "answered_right_place": share(right_first),
        "cited_right_place": share(right_any),
        "retrieved_place_hit@1": share(hit1),
        f"retrieved_place_hit@{k}": share(hitk),
        "correct_refusal": share(correct_ref),
        "false_refusal": share(false_ref),
        "correct_refusal_without_topics": share(correct_plain) if plain is not None else None,
        "false_refusal_without_topics": share(false_plain) if plain is not None else None,
        "n_groups": len(by_group),
        # one question asked four ways: each phrasing answered from the group's right place
        "phrasing_consistency": share(members),
        "groups_all_right": share([all(g) for g in by_group.values()]),
    }


# -- the report --------------------------------------------------------------------------------

PREVIOUS = Path(__file__).resolve().parent / "previous_release.json"
PLACE_ROWS = (
    ("answered from the right place", "answered_right_place"),
    ("a citation from the right place", "cited_right_place"),
    ("right place retrieved first", "retrieved_place_hit@1"),
    ("right place in the top 5", "retrieved_place_hit@5"),
    ("correct refusal", "correct_refusal"),
    ("false refusal", "false_refusal"),
    ("correct refusal without the topic check", "correct_refusal_without_topics"),
    ("false refusal without the topic check", "false_refusal_without_topics"),
    ("phrasings answered from the right place", "phrasing_consistency"),
    ("groups with all four phrasings right", "groups_all_right"),
)


def read_previous(path: Path = PREVIOUS) -> dict:
    """The previous release's figures per question set, recorded when it was released, so a
    report shows what a change moved on the same sets: {"release": "...", "<set>": {...}}."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def with_previous(value: float | None, previous: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if previous is None else f"{value:.3f} ({previous:.3f})"


def build_place_report(assistant, path: Path, out_dir: Path, previous: dict | None) -> dict:
    """Answer every question of a place-labelled set with the full chain; write its scores,
    every answer line and a Markdown table (beside the previous release's figures)."""
    from eval.harness import answer_all, output_line, read_questions, refused_without_topics

    rows = read_questions(path)
    answers = list(answer_all(assistant, rows))
    plain = refused_without_topics(assistant, answers)
    root = Path(__file__).resolve().parent.parent
    shown = path.resolve().relative_to(root) if path.resolve().is_relative_to(root) else path
    result = {
        "questions": str(shown),
        "n_questions": len(rows),
        **place_metrics(answers, plain=plain),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    with open(out_dir / "answers.jsonl", "w", encoding="utf-8") as fh:
        for row, res, ms in answers:
            fh.write(json.dumps(output_line(row, res, ms), ensure_ascii=False) + "\n")
    (out_dir / "report.md").write_text(
        place_section({path.parent.name: result}, {path.parent.name: previous or {}}),
        encoding="utf-8",
    )
    return result


def place_section(results: dict[str, dict], previous: dict) -> str:
    out = [
        "",
        "## Sets labelled by place (refusal and consistency)\n",
        "Written from the list of headings only (see each README); scored by where the first "
        "citation comes from. In brackets: the previous release on the same set.\n",
        "| metric | " + " | ".join(results) + " |",
        "|---" * (len(results) + 1) + "|",
        "| questions | " + " | ".join(str(r["n_questions"]) for r in results.values()) + " |",
    ]
    for label, key in PLACE_ROWS:
        cells = [
            with_previous(r.get(key), previous.get(n, {}).get(key)) for n, r in results.items()
        ]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
