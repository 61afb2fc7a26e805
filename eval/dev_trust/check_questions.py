#!/usr/bin/env python3
"""Standalone checker for dev_trust/questions.jsonl.

Checks: every line is valid JSON with exactly the expected fields; text is NFC;
ids unique and prefixed da-/du- according to `answerable`; tags from the allowed
set, exactly one phrasing-style tag per row, exactly one category tag
(province / near-domain / out-of-domain) per unanswerable row and none on
answerable rows; no-diacritic questions are pure ASCII, other questions contain
diacritics; answerable rows name a doc id and (for handbook docs) a heading number
that exist in /work/topics/topics.md, resolution rows have section null;
unanswerable rows have doc and section null.
Usage: python3 check_questions.py [questions.jsonl] [topics.md]
"""

import collections
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
QPATH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "questions.jsonl")
TPATH = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "topics.md")

STYLE = {"clean", "no-diacritic", "everyday", "long"}
CATEG = {"province", "near-domain", "out-of-domain"}
ALLOWED = STYLE | CATEG | {"concept"}
FIELDS = {"id", "question", "answerable", "doc", "section", "tags"}

# --- parse the topic list
handbook = {}  # doc id -> set of heading numbers
resolutions = set()
laws = set()
cur = None
part = None
with open(TPATH, encoding="utf-8") as fh:
    topic_lines = fh.readlines()
for line in topic_lines:
    line = line.rstrip("\n")
    if line.startswith("## "):
        part = line
        cur = None
        continue
    m = re.match(r"### doc `([^`]+)`", line)
    if m:
        cur = m.group(1)
        handbook[cur] = set()
        continue
    if cur and line.startswith("- "):
        h = line[2:]
        m = re.match(r"(Tình huống \d+\.\d+)\.", h) or re.match(r"(\d+\.\d+)\.", h)
        if m:
            handbook[cur].add(m.group(1))
        continue
    m = re.match(r"- doc `([^`]+)`", line)
    if m and part:
        (resolutions if "resolution" in part.lower() else laws).add(m.group(1))

errors = []
rows = []
with open(QPATH, encoding="utf-8") as f:
    for i, line in enumerate(f, 1):
        if not line.strip():
            errors.append(f"line {i}: blank line")
            continue
        if unicodedata.normalize("NFC", line) != line:
            errors.append(f"line {i}: not NFC")
        try:
            r = json.loads(line)
        except Exception as e:
            errors.append(f"line {i}: bad JSON {e}")
            continue
        rows.append(r)
        if set(r) != FIELDS:
            errors.append(f"line {i}: fields {sorted(r)}")
            continue
        rid, q, ans, doc, sec, tags = (
            r[k] for k in ("id", "question", "answerable", "doc", "section", "tags")
        )
        if not isinstance(ans, bool):
            errors.append(f"{rid}: answerable not bool")
        if not re.fullmatch(r"d[au]-\d+", rid or "") or (rid.startswith("da-") != bool(ans)):
            errors.append(f"{rid}: id prefix does not match answerable")
        if not isinstance(q, str) or len(q.strip()) < 8:
            errors.append(f"{rid}: question too short")
        bad = set(tags) - ALLOWED
        if bad:
            errors.append(f"{rid}: unknown tags {bad}")
        if len(tags) != len(set(tags)):
            errors.append(f"{rid}: duplicate tags")
        if len(set(tags) & STYLE) != 1:
            errors.append(f"{rid}: needs exactly one style tag, has {tags}")
        cats = set(tags) & CATEG
        if ans and cats:
            errors.append(f"{rid}: answerable row has category tag {cats}")
        if not ans and len(cats) != 1:
            errors.append(f"{rid}: unanswerable row needs exactly one category tag")
        is_ascii = all(ord(c) < 128 for c in q)
        if "no-diacritic" in tags and not is_ascii:
            errors.append(f"{rid}: no-diacritic row is not pure ASCII")
        if "no-diacritic" not in tags and is_ascii:
            errors.append(f"{rid}: row without no-diacritic tag has no diacritics")
        if ans:
            if doc in handbook:
                if sec not in handbook[doc]:
                    errors.append(f"{rid}: section {sec!r} not a heading of {doc}")
            elif doc in resolutions:
                if sec is not None:
                    errors.append(f"{rid}: resolution row should have section null")
            else:
                errors.append(f"{rid}: doc {doc!r} not a handbook/resolution doc in topic list")
        else:
            if doc is not None or sec is not None:
                errors.append(f"{rid}: unanswerable row must have doc/section null")

ids = [r.get("id") for r in rows]
for k, v in collections.Counter(ids).items():
    if v > 1:
        errors.append(f"duplicate id {k}")
qs = collections.Counter(unicodedata.normalize("NFC", r.get("question", "")).lower() for r in rows)
for k, v in qs.items():
    if v > 1:
        errors.append(f"duplicate question text: {k}")

print(
    f"rows: {len(rows)}  handbook docs: {len(handbook)}  resolutions: {len(resolutions)}  laws: {len(laws)}"
)
for half in (True, False):
    sub = [r for r in rows if r.get("answerable") is half]
    c = collections.Counter(t for r in sub for t in r.get("tags", []))
    print(("answerable" if half else "unanswerable"), len(sub), dict(sorted(c.items())))
c = collections.Counter(t for r in rows for t in r.get("tags", []))
print("all tags", dict(sorted(c.items())))
print(
    "answerable by doc",
    dict(sorted(collections.Counter(r["doc"] for r in rows if r.get("answerable")).items())),
)
if errors:
    print(f"FAILED: {len(errors)} problem(s)")
    for e in errors:
        print("  ", e)
    sys.exit(1)
print("OK: all checks passed")
