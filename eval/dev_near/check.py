#!/usr/bin/env python3
"""Validator for eval/dev_near/questions.jsonl (standard library only).

Checks: JSON format and exact key set, id scheme, NFC, unique ids and questions,
tag vocabulary and tag consistency, quote length and verbatim presence in the
named document, and the required mix (counts per tag and per document).
Prints the counts; exits with status 1 if any check fails.

Usage: python3 check.py [path/to/questions.jsonl]
"""

import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWLEDGE = os.path.join(HERE, "..", "..", "knowledge")
# relabelled after writing (README, "Changes after writing"): answerable from a law, now
# dn-a-111..113
RELABELLED_U = {40, 61, 55}
QFILE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "questions.jsonl")

KEYS = {"id", "question", "answerable", "quote", "doc", "tags"}
TAGS = {"clean", "no-diacritic", "everyday", "ocr", "unanswerable", "near-domain", "out-of-domain"}
OCR_DOC = "quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr"
HANDBOOK_MIN = 6
RESOLUTION_MIN = 5

errors = []


def err(msg):
    errors.append(msg)


def load_docs():
    docs = {}
    for sub, ext in (("handbook", ".md"), ("resolutions", ".txt"), ("laws", ".txt")):
        d = os.path.join(KNOWLEDGE, sub)
        for name in sorted(os.listdir(d)):
            if name.endswith(ext):
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    docs[name[: -len(ext)]] = (sub, f.read())
    return docs


def has_vietnamese_diacritic(s):
    if "đ" in s or "Đ" in s:
        return True
    return any(unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFD", s))


def main():
    docs = load_docs()
    handbook = [k for k, (sub, _) in docs.items() if sub == "handbook"]
    resolutions = [k for k, (sub, _) in docs.items() if sub == "resolutions"]
    if len(handbook) != 10 or len(resolutions) != 4:
        err(
            f"expected 10 handbook + 4 resolution documents, found {len(handbook)} + {len(resolutions)}"
        )

    with open(QFILE, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"FAIL: not UTF-8: {e}")
        sys.exit(1)
    if text.startswith("\ufeff"):
        err("file starts with a BOM")
    if not unicodedata.is_normalized("NFC", text):
        err("file is not NFC-normalised")

    items = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"line {n}: invalid JSON ({e})")
            continue
        if not isinstance(o, dict) or set(o) != KEYS:
            err(
                f"line {n}: keys must be exactly {sorted(KEYS)}, got {sorted(o) if isinstance(o, dict) else type(o)}"
            )
            continue
        items.append((n, o))

    ids = Counter(o["id"] for _, o in items)
    for k, c in ids.items():
        if c > 1:
            err(f"duplicate id {k}")
    qnorm = Counter(" ".join(o["question"].lower().split()) for _, o in items)
    for k, c in qnorm.items():
        if c > 1:
            err(f"duplicate question: {k}")

    tag_count = Counter()
    doc_count = Counter()
    a_nums, u_nums = [], []
    for n, o in items:
        i, q, ans, quote, doc, tags = (
            o["id"],
            o["question"],
            o["answerable"],
            o["quote"],
            o["doc"],
            o["tags"],
        )
        where = f"line {n} ({i})"
        if not isinstance(q, str) or not q.strip():
            err(f"{where}: empty question")
            continue
        if not isinstance(ans, bool):
            err(f"{where}: answerable must be true/false")
            continue
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            err(f"{where}: tags must be a list of strings")
            continue
        if len(set(tags)) != len(tags):
            err(f"{where}: repeated tag")
        bad = set(tags) - TAGS
        if bad:
            err(f"{where}: unknown tags {sorted(bad)}")
        tag_count.update(set(tags))

        m = re.fullmatch(r"dn-([au])-([1-9][0-9]*)", i if isinstance(i, str) else "")
        if not m:
            err(f"{where}: bad id")
        elif (m.group(1) == "a") != ans:
            err(f"{where}: id prefix does not match answerable={ans}")
        else:
            (a_nums if ans else u_nums).append(int(m.group(2)))

        for field in (q, quote):
            if isinstance(field, str) and not unicodedata.is_normalized("NFC", field):
                err(f"{where}: field not NFC")

        # phrasing tags
        styles = [t for t in ("clean", "no-diacritic") if t in tags]
        if len(styles) != 1:
            err(f"{where}: needs exactly one of clean / no-diacritic")
        elif styles[0] == "no-diacritic" and has_vietnamese_diacritic(q):
            err(f"{where}: tagged no-diacritic but question has diacritics")
        elif styles[0] == "clean" and not has_vietnamese_diacritic(q):
            err(f"{where}: tagged clean but question has no diacritics")

        if ans:
            if "unanswerable" in tags or "near-domain" in tags or "out-of-domain" in tags:
                err(f"{where}: answerable item carries an unanswerable tag")
            if doc not in docs:
                err(f"{where}: unknown doc {doc!r}")
                continue
            doc_count[doc] += 1
            if not isinstance(quote, str):
                err(f"{where}: answerable item needs a quote")
                continue
            if not 30 <= len(quote) <= 160:
                err(f"{where}: quote length {len(quote)} outside 30-160")
            if quote not in docs[doc][1]:
                err(f"{where}: quote not found verbatim in {doc}: {quote!r}")
            if ("ocr" in tags) != (doc == OCR_DOC):
                err(f"{where}: 'ocr' tag must be set exactly when doc is {OCR_DOC}")
        else:
            if quote is not None or doc is not None:
                err(f"{where}: unanswerable item must have quote=null and doc=null")
            if "unanswerable" not in tags:
                err(f"{where}: unanswerable item lacks 'unanswerable' tag")
            kinds = [t for t in ("near-domain", "out-of-domain") if t in tags]
            if len(kinds) != 1:
                err(f"{where}: needs exactly one of near-domain / out-of-domain")
            if "ocr" in tags:
                err(f"{where}: 'ocr' tag on unanswerable item")

    u_nums += sorted(RELABELLED_U)
    for name, nums in (("dn-a", a_nums), ("dn-u", u_nums)):
        if sorted(nums) != list(range(1, len(nums) + 1)):
            err(f"{name}-N ids are not numbered 1..{len(nums)} without gaps")

    total = len(items)
    n_a = sum(1 for _, o in items if o["answerable"] is True)
    n_u = total - n_a

    # required mix
    moved = len(RELABELLED_U)
    if total != 220 or n_a != 110 + moved or n_u != 110 - moved:
        err(
            f"expected 220 items ({110 + moved} answerable, {110 - moved} unanswerable), got {total} ({n_a}/{n_u})"
        )
    if tag_count["near-domain"] < 80:
        err(f"near-domain {tag_count['near-domain']} < 80")
    if tag_count["out-of-domain"] > 30:
        err(f"out-of-domain {tag_count['out-of-domain']} > 30")
    if total and tag_count["no-diacritic"] < 0.40 * total:
        err(f"no-diacritic {tag_count['no-diacritic']} < 40% of {total}")
    if total and tag_count["everyday"] < 0.30 * total:
        err(f"everyday {tag_count['everyday']} < 30% of {total}")
    for d in handbook:
        if doc_count[d] < HANDBOOK_MIN:
            err(f"handbook chapter {d}: {doc_count[d]} answerable < {HANDBOOK_MIN}")
    for d in resolutions:
        if doc_count[d] < RESOLUTION_MIN:
            err(f"resolution {d}: {doc_count[d]} answerable < {RESOLUTION_MIN}")

    # report
    print(f"file: {QFILE}")
    print(f"items: {total}  answerable: {n_a}  unanswerable: {n_u}")
    print("tags:")
    for t in [
        "clean",
        "no-diacritic",
        "everyday",
        "ocr",
        "unanswerable",
        "near-domain",
        "out-of-domain",
    ]:
        pct = 100.0 * tag_count[t] / total if total else 0
        print(f"  {t:14s} {tag_count[t]:4d}  ({pct:.1f}%)")
    print("answerable per document:")
    for d in sorted(handbook) + sorted(resolutions):
        print(f"  {d:45s} {doc_count[d]:3d}")
    split = Counter()
    for _, o in items:
        style = "no-diacritic" if "no-diacritic" in o["tags"] else "clean"
        split[("answerable" if o["answerable"] else "unanswerable", style)] += 1
    print("phrasing by label:")
    for k in sorted(split):
        print(f"  {k[0]:12s} {k[1]:13s} {split[k]:3d}")

    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("\nOK: all checks passed")


if __name__ == "__main__":
    main()
