#!/usr/bin/env python3
"""Standalone validator for the phrasing-consistency DEVELOPMENT set (stdlib only).

Usage: python3 check.py [questions.jsonl] [topics.md]
Exit code 0 if all checks pass, 1 otherwise.
"""

import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "questions.jsonl")
# the same topic list is kept beside eval/dev_trust
TOPICS = (
    sys.argv[2]
    if len(sys.argv) > 2
    else os.path.join(os.path.dirname(HERE), "dev_trust", "topics.md")
)

FIELDS = {"id", "question", "answerable", "doc", "section", "tags", "group"}
MEMBERS = ("a", "b", "c", "d")
EXPECTED_TAGS = {
    "a": {"phrasing", "clean"},
    "b": {"phrasing", "no-diacritic"},
    "c": {"phrasing", "clean", "everyday"},
    "d": {"phrasing", "clean", "everyday", "long"},
}
OPTIONAL_TAGS = {"concept"}
EXCLUDED = {
    ("05-tu-phap-ho-tich", "5.1"),
    ("01-dat-dai", "1.4"),
    ("02-xay-dung", "2.1"),
    ("10-cu-tru", "10.2"),
}
MAX_PER_DOC = 3
MIN_LONG = 110
ID_RE = re.compile(r"^pg-([a-z0-9]+(?:-[a-z0-9]+)*)-([abcd])$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

errors = []


def err(msg):
    errors.append(msg)


def load_topics(path):
    """Return {doc_id: set(section numbers)} for handbook docs in topics.md."""
    pairs = defaultdict(set)
    doc = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = unicodedata.normalize("NFC", line.rstrip("\n"))
            m = re.match(r"^###\s+doc\s+`([^`]+)`", line)
            if m:
                doc = m.group(1)
                continue
            if line.startswith("## "):
                doc = None
                continue
            if doc is None:
                continue
            m = re.match(r"^-\s+((?:Tình huống\s+)?\d+\.\d+)\.\s", line)
            if m:
                pairs[doc].add(m.group(1))
    return pairs


def has_non_ascii_letter(s):
    return any(ord(ch) > 127 and ch.isalpha() for ch in s)


def main():
    topics = load_topics(TOPICS)
    if not topics:
        err(f"no handbook sections parsed from {TOPICS}")
    rows = []
    with open(QFILE, encoding="utf-8") as f:
        raw = f.read()
    if unicodedata.normalize("NFC", raw) != raw:
        err("file is not NFC-normalised")
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            err(f"line {n}: blank line")
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"line {n}: invalid JSON ({e})")
            continue
        if not isinstance(r, dict):
            err(f"line {n}: not a JSON object")
            continue
        if set(r) != FIELDS:
            err(f"line {n}: fields {sorted(r)} != {sorted(FIELDS)}")
            continue
        rows.append((n, r))

    ids = Counter(r["id"] for _, r in rows)
    for i, c in ids.items():
        if c > 1:
            err(f"duplicate id {i} ({c}x)")

    groups = defaultdict(dict)
    for n, r in rows:
        rid, q, g = r["id"], r["question"], r["group"]
        for k in ("id", "question", "doc", "section", "group"):
            if not isinstance(r[k], str) or not r[k].strip():
                err(f"line {n}: field {k} must be a non-empty string")
        if not isinstance(q, str):
            continue
        if r["answerable"] is not True:
            err(f"{rid}: answerable must be true")
        if not isinstance(r["tags"], list) or not all(isinstance(t, str) for t in r["tags"]):
            err(f"{rid}: tags must be a list of strings")
            continue
        for k in ("question", "doc", "section", "group"):
            if unicodedata.normalize("NFC", r[k]) != r[k]:
                err(f"{rid}: field {k} not NFC")
        if not SLUG_RE.match(g):
            err(f"{rid}: group {g!r} is not an ascii slug")
        m = ID_RE.match(rid)
        if not m:
            err(f"{rid}: id does not match pg-<group>-<a|b|c|d>")
            continue
        gslug, mem = m.group(1), m.group(2)
        if gslug != g:
            err(f"{rid}: id group {gslug!r} != group field {g!r}")
        if mem in groups[g]:
            err(f"{rid}: member {mem} repeated in group {g}")
        groups[g][mem] = r

        # per-member text checks
        if mem == "b":
            if not q.isascii():
                err(f"{rid}: b question is not pure ASCII")
        else:
            if not has_non_ascii_letter(q):
                err(f"{rid}: {mem} question has no non-ASCII (diacritic) letters")
        if mem == "d" and len(q) < MIN_LONG:
            err(f"{rid}: d question has {len(q)} chars < {MIN_LONG}")

        # tags
        tags = set(r["tags"])
        if len(tags) != len(r["tags"]):
            err(f"{rid}: duplicate tags")
        extra = tags - EXPECTED_TAGS[mem]
        missing = EXPECTED_TAGS[mem] - tags
        if missing:
            err(f"{rid}: missing tags {sorted(missing)}")
        if extra - OPTIONAL_TAGS:
            err(f"{rid}: unexpected tags {sorted(extra - OPTIONAL_TAGS)}")

        # doc/section present in topics
        if r["section"] not in topics.get(r["doc"], set()):
            err(f"{rid}: doc/section ({r['doc']}, {r['section']}) not in {TOPICS}")
        if (r["doc"], r["section"]) in EXCLUDED:
            err(f"{rid}: section {r['section']} is excluded (already used elsewhere)")

    # group-level checks
    per_doc = Counter()
    pair_groups = defaultdict(list)
    for g, mem in sorted(groups.items()):
        if set(mem) != set(MEMBERS):
            err(f"group {g}: members {sorted(mem)} != a-d")
            continue
        docs = {r["doc"] for r in mem.values()}
        secs = {r["section"] for r in mem.values()}
        if len(docs) != 1 or len(secs) != 1:
            err(f"group {g}: members disagree on doc/section {docs} {secs}")
            continue
        concept = {("concept" in r["tags"]) for r in mem.values()}
        if len(concept) != 1:
            err(f"group {g}: 'concept' tag not consistent across members")
        doc, sec = docs.pop(), secs.pop()
        per_doc[doc] += 1
        pair_groups[(doc, sec)].append(g)
    for doc, c in per_doc.items():
        if c > MAX_PER_DOC:
            err(f"doc {doc}: {c} groups > {MAX_PER_DOC}")
    for pair, gs in pair_groups.items():
        if len(gs) > 1:
            err(f"doc/section {pair} used by several groups: {gs}")

    n_groups = len(groups)
    n_concept = sum(1 for m in groups.values() if any("concept" in r["tags"] for r in m.values()))
    print(
        f"rows: {len(rows)}  groups: {n_groups}  docs: {len(per_doc)}  concept groups: {n_concept}"
    )
    print("groups per doc: " + ", ".join(f"{d}={c}" for d, c in sorted(per_doc.items())))
    if errors:
        print(f"FAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  - " + e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
