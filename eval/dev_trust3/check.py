#!/usr/bin/env python3
"""Standalone validator for the dev_trust3 held-out question set (standard library only).

Usage: python3 check.py [questions.jsonl] [topics.md]
Defaults: questions.jsonl and topics.md next to this script.
Exit code 0 when every check passes, 1 otherwise.
"""

import collections
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "questions.jsonl")
TOPICS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "topics.md")

ALLOWED_TAGS = {
    "clean",
    "no-diacritic",
    "everyday",
    "long",
    "concept",
    "province",
    "near-domain",
    "out-of-domain",
    "phrasing",
}
REQUIRED = ("id", "question", "answerable", "doc", "section", "tags")
GROUP_LETTER_TAG = {"a": "clean", "b": "no-diacritic", "c": "everyday", "d": "long"}
MINIMUMS = {
    "answerable": 150,
    "phrasing_groups": 16,
    "phrasing_rows": 64,
    "unanswerable": 130,
    "no-diacritic": 70,
    "everyday": 40,
    "long": 15,
    "concept_answerable": 10,
    "concept_unanswerable": 10,
    "province_answerable": 8,
    "province_unanswerable": 15,
    "group_docs_distinct": 8,
}
CONCEPT_MARKERS = ("là gì", "gồm", "khác nhau", "la gi", "gom", "khac nhau")

errors = []


def err(msg):
    errors.append(msg)


# ---------------------------------------------------------------- topics.md
def parse_topics(path):
    """Return (sections_by_doc, handbook_docs, province_docs, law_docs)."""
    text = Path(path).read_text(encoding="utf-8")
    text = unicodedata.normalize("NFC", text)
    sections = {}
    handbook, province, law = set(), set(), set()
    part = None
    cur = None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("## "):
            low = s.lower()
            part = (
                "handbook"
                if "handbook" in low
                else "province"
                if "provincial" in low
                else "law"
                if "law" in low
                else part
            )
            cur = None
            continue
        m = re.match(r"^### doc `([^`]+)`", s)
        if m:
            cur = m.group(1)
            sections[cur] = set()
            handbook.add(cur)
            continue
        m = re.match(r"^- doc `([^`]+)`", s)
        if m:
            d = m.group(1)
            sections[d] = set()
            (province if part == "province" else law).add(d)
            cur = None
            continue
        if cur and s.startswith("- "):
            body = s[2:]
            m = (
                re.match(r"^(Tình huống \d+\.\d+)\.", body)
                or re.match(r"^(Chương \d+)\.", body)
                or re.match(r"^(\d+\.\d+)\.", body)
            )
            if m:
                sections[cur].add(m.group(1))
    return sections, handbook, province, law


SECTIONS, HANDBOOK, PROVINCE_DOCS, LAW_DOCS = parse_topics(TOPICS)
if len(HANDBOOK) != 10 or len(PROVINCE_DOCS) != 4 or len(LAW_DOCS) != 17:
    err(
        f"topics.md parse looks wrong: handbook={len(HANDBOOK)} province={len(PROVINCE_DOCS)} laws={len(LAW_DOCS)}"
    )

# ---------------------------------------------------------------- questions
raw = Path(QFILE).read_bytes()
try:
    content = raw.decode("utf-8")
except UnicodeDecodeError as e:
    print(f"FAIL: not UTF-8: {e}")
    sys.exit(1)
if content.startswith("\ufeff"):
    err("file starts with a BOM")

rows = []
for ln, line in enumerate(content.split("\n"), 1):
    if not line.strip():
        if line != "":
            err(f"line {ln}: whitespace-only line")
        continue
    if unicodedata.normalize("NFC", line) != line:
        err(f"line {ln}: not NFC")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        err(f"line {ln}: invalid JSON: {e}")
        continue
    if not isinstance(obj, dict):
        err(f"line {ln}: not a JSON object")
        continue
    obj["_ln"] = ln
    rows.append(obj)

ids = collections.Counter(r.get("id") for r in rows)
for i, c in ids.items():
    if c > 1:
        err(f"duplicate id {i} ({c}x)")
qtexts = collections.Counter(r.get("question") for r in rows)
for q, c in qtexts.items():
    if c > 1:
        err(f"duplicate question text ({c}x): {q!r}")

groups = collections.defaultdict(dict)
for r in rows:
    ln = r["_ln"]
    for k in REQUIRED:
        if k not in r:
            err(f"line {ln}: missing field {k}")
    extra = set(r) - set(REQUIRED) - {"group", "_ln"}
    if extra:
        err(f"line {ln}: unexpected fields {sorted(extra)}")
    rid, q, ans = r.get("id"), r.get("question"), r.get("answerable")
    doc, sec, tags = r.get("doc"), r.get("section"), r.get("tags")
    if not isinstance(rid, str):
        err(f"line {ln}: id not a string")
        continue
    if not isinstance(q, str) or not q.strip() or q != q.strip():
        err(f"{rid}: question empty or has surrounding whitespace")
        q = q if isinstance(q, str) else ""
    if not isinstance(ans, bool):
        err(f"{rid}: answerable must be boolean")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        err(f"{rid}: tags must be a non-empty list of strings")
        tags = []
    if len(set(tags)) != len(tags):
        err(f"{rid}: duplicate tags")
    bad = set(tags) - ALLOWED_TAGS
    if bad:
        err(f"{rid}: unknown tags {sorted(bad)}")

    m_a = re.fullmatch(r"dt3a-[1-9]\d*", rid)
    m_u = re.fullmatch(r"dt3u-[1-9]\d*", rid)
    m_g = re.fullmatch(r"dt3g-([a-z0-9]+(?:-[a-z0-9]+)*)-([abcd])", rid)
    if not (m_a or m_u or m_g):
        err(f"{rid}: id does not match dt3a-N / dt3u-N / dt3g-<group>-<a|b|c|d>")
    if m_g:
        g, letter = m_g.group(1), m_g.group(2)
        if r.get("group") != g:
            err(f"{rid}: group field {r.get('group')!r} does not match id")
        if letter in groups[g]:
            err(f"{rid}: duplicate member {letter} in group {g}")
        groups[g][letter] = r
        if "phrasing" not in tags:
            err(f"{rid}: group member lacks 'phrasing' tag")
        if GROUP_LETTER_TAG[letter] not in tags:
            err(f"{rid}: member {letter} must carry tag {GROUP_LETTER_TAG[letter]!r}")
        if ans is not True:
            err(f"{rid}: phrasing-group rows must be answerable")
    else:
        if "group" in r:
            err(f"{rid}: 'group' field only allowed on dt3g rows")
        if "phrasing" in tags:
            err(f"{rid}: 'phrasing' tag only allowed on dt3g rows")
    if m_a and ans is not True:
        err(f"{rid}: dt3a rows must be answerable")
    if m_u and ans is not False:
        err(f"{rid}: dt3u rows must be unanswerable")

    # diacritics
    is_ascii = q.isascii()
    if "no-diacritic" in tags and (not is_ascii or "đ" in q.lower()):
        err(f"{rid}: tagged no-diacritic but not pure ASCII")
    if is_ascii and "no-diacritic" not in tags:
        err(f"{rid}: pure ASCII question must be tagged no-diacritic")
    if "clean" in tags and is_ascii:
        err(f"{rid}: 'clean' rows must carry diacritics")
    if "long" in tags:
        n_sent = len([s for s in re.split(r"[.?!]+(?:\s+|$)", q) if s.strip()])
        if len(q) < 150 or not (2 <= n_sent <= 4):
            err(
                f"{rid}: 'long' row should be >=150 chars and 2-4 sentences (got {len(q)} chars, {n_sent} sentences)"
            )
    if "concept" in tags and not any(mk in q.lower() for mk in CONCEPT_MARKERS):
        err(f"{rid}: 'concept' row lacks a concept marker (là gì / gồm / khác nhau)")

    # labels
    if ans is True:
        if "near-domain" in tags or "out-of-domain" in tags:
            err(f"{rid}: answerable row tagged near-/out-of-domain")
        if doc not in SECTIONS:
            err(f"{rid}: doc {doc!r} not in topics.md")
        elif doc in HANDBOOK:
            if sec not in SECTIONS[doc]:
                err(f"{rid}: section {sec!r} not listed under {doc}")
        else:
            if sec is not None:
                err(f"{rid}: resolution/law doc {doc} must have section null")
        if doc in PROVINCE_DOCS and "province" not in tags:
            err(f"{rid}: question on provincial doc lacks 'province' tag")
        if "province" in tags and doc not in PROVINCE_DOCS:
            err(f"{rid}: answerable 'province' row must point at a provincial doc")
    elif ans is False:
        if doc is not None or sec is not None:
            err(f"{rid}: unanswerable row must have doc and section null")
        if ("near-domain" in tags) == ("out-of-domain" in tags):
            err(f"{rid}: unanswerable row needs exactly one of near-domain / out-of-domain")

# groups
for g, members in sorted(groups.items()):
    if set(members) != set("abcd"):
        err(f"group {g}: members {sorted(members)} (need exactly a,b,c,d)")
        continue
    ds = {(m.get("doc"), m.get("section")) for m in members.values()}
    if len(ds) != 1:
        err(f"group {g}: members disagree on doc/section {ds}")
    texts = {m.get("question") for m in members.values()}
    if len(texts) != 4:
        err(f"group {g}: members must have four different phrasings")


# ---------------------------------------------------------------- counts
def count(pred):
    return sum(1 for r in rows if pred(r))


def T(r, t):
    return t in (r.get("tags") or [])


counts = {
    "total": len(rows),
    "answerable": count(lambda r: r.get("answerable") is True),
    "unanswerable": count(lambda r: r.get("answerable") is False),
    "phrasing_groups": sum(1 for g in groups.values() if set(g) == set("abcd")),
    "phrasing_rows": count(lambda r: T(r, "phrasing")),
    "no-diacritic": count(lambda r: T(r, "no-diacritic")),
    "everyday": count(lambda r: T(r, "everyday")),
    "long": count(lambda r: T(r, "long")),
    "concept_answerable": count(lambda r: T(r, "concept") and r.get("answerable") is True),
    "concept_unanswerable": count(lambda r: T(r, "concept") and r.get("answerable") is False),
    "province_answerable": count(lambda r: T(r, "province") and r.get("answerable") is True),
    "province_unanswerable": count(lambda r: T(r, "province") and r.get("answerable") is False),
    "group_docs_distinct": len({m.get("doc") for g in groups.values() for m in g.values()}),
}
for k, v in MINIMUMS.items():
    if counts[k] < v:
        err(f"count {k} = {counts[k]} below minimum {v}")

print("counts:")
for k, v in counts.items():
    req = f"  (min {MINIMUMS[k]})" if k in MINIMUMS else ""
    print(f"  {k:24s} {v}{req}")
by_doc = collections.Counter(r.get("doc") for r in rows if r.get("answerable") is True)
print(f"  answerable docs covered  {len(by_doc)} of {len(SECTIONS)}")
hb_secs = {(d, s) for d in HANDBOOK for s in SECTIONS[d] if not s.startswith("Chương")}
used = {(r.get("doc"), r.get("section")) for r in rows if r.get("answerable") is True}
print(f"  handbook headings used   {len(hb_secs & used)} of {len(hb_secs)}")

if errors:
    print(f"FAIL: {len(errors)} problem(s)")
    for e in errors:
        print("  - " + e)
    sys.exit(1)
print("OK: all checks passed")
