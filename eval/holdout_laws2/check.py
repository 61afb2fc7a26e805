#!/usr/bin/env python3
"""Standalone validator for the held-out question set (standard library only).

Usage:
    python3 check.py [QUESTIONS_JSONL] [LAWS_DIR]

Defaults: questions.jsonl beside this script, /work/shared/corpora/laws.
Exit status 0 when every check passes, 1 otherwise.

Checks:
  * every line is a JSON object with exactly the fields
    id, question, answerable, quote, doc, article, tags
  * every string is NFC; ids unique; "lo2-N" for answerable, "lu2-N" for unanswerable
  * tags come from the allowed set; exactly one of clean / no-diacritic;
    a question is pure ASCII  <=>  it is tagged no-diacritic;
    unanswerable lines carry "unanswerable" and exactly one of near-domain / out-of-domain,
    answerable lines carry none of these three
  * unanswerable lines: quote, doc, article are null
  * answerable lines: quote is 30-160 characters, lies on a single line of <doc>.txt,
    occurs exactly once in that file, and lies inside the named article
    ("Điều N": from the line starting "Điều N." up to the next line starting "Điều"),
    and also occurs exactly once in the NFC-normalised file text
  * counts: >= 130 questions, >= 105 answerable, >= 25 unanswerable,
    >= 30 no-diacritic; every law file has at least one answerable question
"""

import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_Q = os.path.join(HERE, "questions.jsonl")
DEFAULT_LAWS = "/work/shared/corpora/laws"

FIELDS = {"id", "question", "answerable", "quote", "doc", "article", "tags"}
ALLOWED_TAGS = {"clean", "no-diacritic", "everyday", "unanswerable", "near-domain", "out-of-domain"}
MIN_TOTAL, MIN_ANS, MIN_UNANS, MIN_ASCII = 130, 105, 25, 30
QMIN, QMAX = 30, 160


def is_nfc(s):
    return unicodedata.normalize("NFC", s) == s


def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def count_occurrences(text, sub):
    n, i = 0, text.find(sub)
    while i != -1:
        n += 1
        i = text.find(sub, i + 1)
    return n


def load_laws(laws_dir):
    laws = {}
    for name in sorted(os.listdir(laws_dir)):
        if name.endswith(".txt"):
            with open(os.path.join(laws_dir, name), encoding="utf-8") as f:
                laws[name[:-4]] = f.read()
    return laws


def article_of_line(lines, idx):
    """Return the 'Điều ...' heading line governing line idx (or None)."""
    for j in range(idx, -1, -1):
        if lines[j].startswith("Điều"):
            return lines[j]
    return None


def main(argv):
    qpath = argv[1] if len(argv) > 1 else DEFAULT_Q
    laws_dir = argv[2] if len(argv) > 2 else DEFAULT_LAWS
    errors = []

    def err(lineno, msg):
        errors.append(f"line {lineno}: {msg}")

    laws = load_laws(laws_dir)
    if not laws:
        print(f"FAIL: no .txt law files in {laws_dir}")
        return 1
    law_lines = {d: t.split("\n") for d, t in laws.items()}
    # some law files contain decomposed (non-NFC) characters; a quote must also be
    # unambiguous in the NFC-normalised text, so that NFC-normalising tools still find it once
    laws_nfc = {d: unicodedata.normalize("NFC", t) for d, t in laws.items()}

    rows = []
    try:
        with open(qpath, encoding="utf-8") as f:
            raw = f.read()
    except (OSError, UnicodeDecodeError) as e:
        print(f"FAIL: cannot read {qpath}: {e}")
        return 1
    if not is_nfc(raw):
        errors.append("file: content is not NFC-normalised")
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            err(lineno, f"invalid JSON ({e})")
            continue
        if not isinstance(obj, dict):
            err(lineno, "not a JSON object")
            continue
        keys = set(obj)
        if keys != FIELDS:
            err(
                lineno,
                f"fields must be exactly {sorted(FIELDS)}; missing {sorted(FIELDS - keys)}, extra {sorted(keys - FIELDS)}",
            )
            continue
        rows.append((lineno, obj))

    ids = Counter()
    n_ans = n_unans = n_ascii = 0
    per_doc = Counter()
    per_tag = Counter()

    for lineno, o in rows:
        qid, q, ans, quote, doc, art, tags = (
            o["id"],
            o["question"],
            o["answerable"],
            o["quote"],
            o["doc"],
            o["article"],
            o["tags"],
        )
        # types
        if not isinstance(qid, str) or not isinstance(q, str) or not q.strip():
            err(lineno, "id and question must be non-empty strings")
            continue
        if not isinstance(ans, bool):
            err(lineno, "answerable must be true/false")
            continue
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            err(lineno, "tags must be a list of strings")
            continue
        for v in (qid, q, quote, doc, art, *tags):
            if isinstance(v, str) and not is_nfc(v):
                err(lineno, f"{qid}: string not NFC: {v[:40]!r}")
        ids[qid] += 1
        # id prefix
        if ans and not re.fullmatch(r"lo2-[1-9][0-9]*", qid):
            err(lineno, f"{qid}: answerable ids must be lo2-N")
        if not ans and not re.fullmatch(r"lu2-[1-9][0-9]*", qid):
            err(lineno, f"{qid}: unanswerable ids must be lu2-N")
        # tags
        tagset = set(tags)
        if len(tagset) != len(tags):
            err(lineno, f"{qid}: duplicate tags")
        bad = tagset - ALLOWED_TAGS
        if bad:
            err(lineno, f"{qid}: unknown tags {sorted(bad)}")
        if len(tagset & {"clean", "no-diacritic"}) != 1:
            err(lineno, f"{qid}: needs exactly one of clean / no-diacritic")
        if is_ascii(q) and "no-diacritic" not in tagset:
            err(lineno, f"{qid}: pure-ASCII question must be tagged no-diacritic")
        if not is_ascii(q) and "no-diacritic" in tagset:
            err(lineno, f"{qid}: tagged no-diacritic but question is not pure ASCII")
        if "no-diacritic" in tagset and is_ascii(q):
            n_ascii += 1
        per_tag.update(tagset)
        if ans:
            n_ans += 1
            if tagset & {"unanswerable", "near-domain", "out-of-domain"}:
                err(lineno, f"{qid}: answerable question carries unanswerable tags")
            # quote checks
            if not isinstance(quote, str) or not isinstance(doc, str) or not isinstance(art, str):
                err(lineno, f"{qid}: answerable needs string quote, doc, article")
                continue
            if not (QMIN <= len(quote) <= QMAX):
                err(lineno, f"{qid}: quote length {len(quote)} not in {QMIN}-{QMAX}")
            if quote != quote.strip() or "\n" in quote:
                err(lineno, f"{qid}: quote has surrounding whitespace or a newline")
            if doc not in laws:
                err(lineno, f"{qid}: unknown doc {doc!r}")
                continue
            m = re.fullmatch(r"Điều ([1-9][0-9]*)", art)
            if not m:
                err(lineno, f"{qid}: article must look like 'Điều N', got {art!r}")
                continue
            per_doc[doc] += 1
            text = laws[doc]
            occ = count_occurrences(text, quote)
            if occ != 1:
                err(lineno, f"{qid}: quote occurs {occ} times in {doc}.txt (must be exactly 1)")
                continue
            occ_nfc = count_occurrences(laws_nfc[doc], quote)
            if occ_nfc != 1:
                err(
                    lineno,
                    f"{qid}: quote occurs {occ_nfc} times in the NFC-normalised {doc}.txt (must be exactly 1)",
                )
            lines = law_lines[doc]
            hits = [i for i, line in enumerate(lines) if quote in line]
            if len(hits) != 1:
                err(lineno, f"{qid}: quote is not a substring of a single line")
                continue
            head = article_of_line(lines, hits[0])
            want = f"Điều {m.group(1)}."
            if head is None or not head.startswith(want):
                err(lineno, f"{qid}: quote lies in {(head or 'no article')[:30]!r}, not in {art}")
        else:
            n_unans += 1
            if quote is not None or doc is not None or art is not None:
                err(lineno, f"{qid}: unanswerable must have null quote/doc/article")
            if "unanswerable" not in tagset:
                err(lineno, f"{qid}: unanswerable question lacks the 'unanswerable' tag")
            if len(tagset & {"near-domain", "out-of-domain"}) != 1:
                err(lineno, f"{qid}: needs exactly one of near-domain / out-of-domain")

    dup = [k for k, v in ids.items() if v > 1]
    if dup:
        errors.append(f"duplicate ids: {dup}")
    total = len(rows)
    if total < MIN_TOTAL:
        errors.append(f"total {total} < {MIN_TOTAL}")
    if n_ans < MIN_ANS:
        errors.append(f"answerable {n_ans} < {MIN_ANS}")
    if n_unans < MIN_UNANS:
        errors.append(f"unanswerable {n_unans} < {MIN_UNANS}")
    if n_ascii < MIN_ASCII:
        errors.append(f"no-diacritic {n_ascii} < {MIN_ASCII}")
    missing = sorted(set(laws) - set(per_doc))
    if missing:
        errors.append(f"laws without any answerable question: {missing}")

    print(f"questions file: {qpath}")
    print(f"laws dir:       {laws_dir} ({len(laws)} files)")
    print(f"total {total}, answerable {n_ans}, unanswerable {n_unans}, no-diacritic {n_ascii}")
    print("per tag: " + ", ".join(f"{t}={per_tag[t]}" for t in sorted(per_tag)))
    print(
        "per law: "
        + ", ".join(f"{d}={per_doc[d]}" for d in sorted(per_doc, key=lambda d: (-per_doc[d], d)))
    )
    if errors:
        print(f"FAIL: {len(errors)} problem(s)")
        for e in errors[:200]:
            print("  - " + e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
