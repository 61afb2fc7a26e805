#!/usr/bin/env python3
"""Standalone checker for questions.jsonl (development set over the 17 laws).

Usage: python3 check.py [questions.jsonl] [laws_dir]
Checks: valid JSON per line, required fields and types, NFC text, unique ids with the
right prefix (dlo- answerable, dlu- unanswerable), allowed tags, pure-ASCII questions for
'no-diacritic', and for answerable items that the quote (30-160 chars) is an exact substring
of a single line of <doc>.txt lying inside the named article (from its "Điều N." line up to
the next line starting with "Điều").
"""

import collections
import json
import os
import re
import sys
import unicodedata

QPATH = (
    sys.argv[1]
    if len(sys.argv) > 1
    else os.path.join(os.path.dirname(os.path.abspath(__file__)), "questions.jsonl")
)
LAWS = (
    sys.argv[2]
    if len(sys.argv) > 2
    else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "knowledge", "laws")
)
ALLOWED_TAGS = {"clean", "no-diacritic", "everyday", "long", "concept"}
FIELDS = ["id", "question", "answerable", "quote", "doc", "article", "tags"]
PREFIXES = ("dlo-", "dlu-")  # answerable, unanswerable (eval/dev_laws2 passes its own)

_cache = {}


def articles(doc):
    """Return {article_label: [lines]} for a law file."""
    if doc in _cache:
        return _cache[doc]
    path = os.path.join(LAWS, doc + ".txt")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    arts, cur = {}, None
    for line in lines:
        m = re.match(r"Điều (\d+)\.", line)
        if m:
            cur = f"Điều {m.group(1)}"
            arts.setdefault(cur, [])
        elif line.startswith("Điều"):
            cur = None
        if cur is not None:
            arts[cur].append(line)
    _cache[doc] = arts
    return arts


def main(prefixes=PREFIXES):
    answerable_prefix, unanswerable_prefix = prefixes
    errors, ids = [], set()
    counts = collections.Counter()
    per_doc = collections.Counter()
    tagc = collections.Counter()
    with open(QPATH, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # raises if not UTF-8
    for ln, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except Exception as e:
            errors.append(f"line {ln}: invalid JSON ({e})")
            continue
        rid = r.get("id", f"<line {ln}>")
        if sorted(r.keys()) != sorted(FIELDS):
            errors.append(f"{rid}: fields {sorted(r.keys())} != {sorted(FIELDS)}")
        if rid in ids:
            errors.append(f"{rid}: duplicate id")
        ids.add(rid)
        for k in ("question", "quote", "doc", "article"):
            v = r.get(k)
            if isinstance(v, str) and unicodedata.normalize("NFC", v) != v:
                errors.append(f"{rid}: {k} not NFC")
        q = r.get("question")
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{rid}: empty question")
            continue
        tags = r.get("tags")
        if not isinstance(tags, list) or not tags or not set(tags) <= ALLOWED_TAGS:
            errors.append(f"{rid}: bad tags {tags}")
            tags = []
        tagc.update(tags)
        is_ascii = all(ord(c) < 128 for c in q)
        if "no-diacritic" in tags and not is_ascii:
            errors.append(f"{rid}: tagged no-diacritic but question is not pure ASCII")
        if is_ascii and "no-diacritic" not in tags:
            errors.append(f"{rid}: ASCII question not tagged no-diacritic")
        if "clean" in tags and "no-diacritic" in tags:
            errors.append(f"{rid}: both clean and no-diacritic")
        ans = r.get("answerable")
        if ans is True:
            counts["answerable"] += 1
            if not str(rid).startswith(answerable_prefix):
                errors.append(f"{rid}: answerable id must start with {answerable_prefix}")
            quote, doc, art = r.get("quote"), r.get("doc"), r.get("article")
            if not (isinstance(quote, str) and isinstance(doc, str) and isinstance(art, str)):
                errors.append(f"{rid}: quote/doc/article must be strings")
                continue
            if not 30 <= len(quote) <= 160:
                errors.append(f"{rid}: quote length {len(quote)} not in 30..160")
            if "\n" in quote:
                errors.append(f"{rid}: quote spans lines")
            if not os.path.exists(os.path.join(LAWS, doc + ".txt")):
                errors.append(f"{rid}: no such doc {doc}")
                continue
            arts = articles(doc)
            if art not in arts:
                errors.append(f"{rid}: {doc} has no {art}")
                continue
            if not any(quote in ln for ln in arts[art]):
                where = [a for a, ls in arts.items() if any(quote in ln for ln in ls)]
                errors.append(f"{rid}: quote not found in {doc} {art} (found in: {where})")
            per_doc[doc] += 1
        elif ans is False:
            counts["unanswerable"] += 1
            if not str(rid).startswith(unanswerable_prefix):
                errors.append(f"{rid}: unanswerable id must start with {unanswerable_prefix}")
            if any(r.get(k) is not None for k in ("quote", "doc", "article")):
                errors.append(f"{rid}: unanswerable item must have null quote/doc/article")
        else:
            errors.append(f"{rid}: answerable must be true/false")
    print(
        f"items: {sum(counts.values())}  answerable: {counts['answerable']}  unanswerable: {counts['unanswerable']}"
    )
    print("tags:", dict(sorted(tagc.items())))
    print("answerable per doc:")
    for d, n in per_doc.most_common():
        print(f"  {d}: {n}")
    if errors:
        print(f"\n{len(errors)} ERROR(S):")
        [print("  " + e) for e in errors]
        sys.exit(1)
    print("\nOK: all checks passed")


if __name__ == "__main__":
    main()
