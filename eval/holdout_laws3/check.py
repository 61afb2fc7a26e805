#!/usr/bin/env python3
"""Standalone validator for questions.jsonl (standard library only).

Usage: python3 check.py [questions.jsonl] [laws_dir]
Exit status 0 when every rule holds, 1 otherwise.

Rules checked
  * every line is valid JSON (UTF-8), an object with exactly the allowed keys,
    and every string in it is Unicode NFC;
  * ids unique, "l3o-N" for answerable and "l3u-N" for unanswerable;
  * answerable: quote is a string of 30-160 characters, contains no line
    break, is an exact substring of ONE line of <doc>.txt, and that line lies
    inside the named article (an article starts at a line beginning
    "Điều N." and ends before the next such line).  The article must be
    written exactly "Điều N".  The same must hold when article headers are
    detected on NFC-normalised lines (some law files contain decomposed
    characters), so the answer does not depend on that choice;
  * "also" (answerable only, optional): non-empty list of {"doc","quote"};
    each quote obeys the same substring/length rules and occurs in an
    article other than the main one (when the doc is the same);
  * unanswerable: quote, doc, article are null and there is no "also";
  * tags: answerable = exactly one of clean / no-diacritic, optionally
    everyday, nothing else; unanswerable = "unanswerable" + exactly one of
    near-domain / out-of-domain, optionally one of clean / no-diacritic and
    optionally everyday;
  * no-diacritic questions are pure ASCII (hence no "đ"); clean questions
    contain at least one Vietnamese letter with a diacritic;
  * at most 3 answerable questions per (doc, article); all 17 laws covered;
  * counts: >=155 answerable, >=30 unanswerable of which >=20 near-domain,
    >=40 no-diacritic questions in total, >=60 everyday answerable.
"""

import json
import os
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "questions.jsonl")
LAWS = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/corpora/laws"

LAW_NAMES = [
    "bo-luat-dan-su",
    "hien-phap",
    "luat-an-ninh-mang",
    "luat-bao-ve-moi-truong",
    "luat-chan-nuoi",
    "luat-cu-tru",
    "luat-dien-anh",
    "luat-du-lich",
    "luat-giao-duc",
    "luat-hon-nhan-va-gia-dinh",
    "luat-phong-chong-ma-tuy",
    "luat-thanh-nien",
    "luat-tiep-can-thong-tin",
    "luat-to-tung-hanh-chinh",
    "luat-trong-tai-thuong-mai",
    "luat-trong-trot",
    "luat-vien-chuc",
]
HEAD = re.compile(r"^Điều (\d+)\.")
errors = []


def err(msg):
    errors.append(msg)


_lines = {}


def law_lines(doc):
    if doc not in _lines:
        path = os.path.join(LAWS, doc + ".txt")
        _lines[doc] = Path(path).read_text(encoding="utf-8").split("\n")
    return _lines[doc]


def article_of_lines(doc, nfc_headers):
    """list parallel to the file's lines: article number (str) or None."""
    out, cur = [], None
    for line in law_lines(doc):
        probe = unicodedata.normalize("NFC", line) if nfc_headers else line
        m = HEAD.match(probe)
        if m:
            cur = m.group(1)
        out.append(cur)
    return out


_arts = {}


def articles_holding(doc, quote, nfc_headers):
    key = (doc, nfc_headers)
    if key not in _arts:
        _arts[key] = article_of_lines(doc, nfc_headers)
    arts = _arts[key]
    found = set()
    for i, line in enumerate(law_lines(doc)):
        if quote in line:
            found.add(arts[i])
    return found


def check_quote(where, doc, quote):
    ok = True
    if not isinstance(quote, str):
        err(f"{where}: quote is not a string")
        return False
    if not (30 <= len(quote) <= 160):
        err(f"{where}: quote length {len(quote)} not in 30-160")
        ok = False
    if "\n" in quote or "\r" in quote:
        err(f"{where}: quote spans several lines")
        ok = False
    if not unicodedata.is_normalized("NFC", quote):
        err(f"{where}: quote not NFC")
        ok = False
    if doc not in LAW_NAMES:
        err(f"{where}: unknown doc {doc!r}")
        return False
    text = "\n".join(law_lines(doc))
    if quote not in text:
        err(f"{where}: quote is not an exact substring of {doc}.txt")
        return False
    if not any(quote in line for line in law_lines(doc)):
        err(f"{where}: quote not inside a single line of {doc}.txt")
        ok = False
    return ok


def all_strings_nfc(obj):
    if isinstance(obj, str):
        return unicodedata.is_normalized("NFC", obj)
    if isinstance(obj, list):
        return all(all_strings_nfc(x) for x in obj)
    if isinstance(obj, dict):
        return all(all_strings_nfc(k) and all_strings_nfc(v) for k, v in obj.items())
    return True


def has_vn_diacritic(s):
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.combining(ch):
            return True
    return "đ" in s or "Đ" in s


def main():
    raw = Path(QFILE).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print("FAIL: file is not UTF-8:", e)
        return 1
    if not unicodedata.is_normalized("NFC", text):
        err("file text is not NFC")
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            if n != len(text.split("\n")):
                err(f"line {n}: empty line")
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"line {n}: invalid JSON: {e}")
            continue
        if not isinstance(r, dict):
            err(f"line {n}: not an object")
            continue
        rows.append((n, r))

    ids = Counter()
    per_article = Counter()
    docs_covered = set()
    n_ans = n_un = n_near = n_nodia = n_every_ans = 0
    base_keys = {"id", "question", "answerable", "quote", "doc", "article", "tags"}
    for n, r in rows:
        where = f"line {n} ({r.get('id')})"
        keys = set(r)
        if not base_keys <= keys or not keys <= base_keys | {"also"}:
            err(f"{where}: keys {sorted(keys)} differ from the allowed set")
            continue
        if not all_strings_nfc(r):
            err(f"{where}: a string is not NFC")
        rid, q, ans, tags = r["id"], r["question"], r["answerable"], r["tags"]
        ids[rid] += 1
        if not isinstance(q, str) or not q.strip():
            err(f"{where}: empty question")
            continue
        if not isinstance(ans, bool):
            err(f"{where}: answerable must be true/false")
            continue
        if (
            not isinstance(tags, list)
            or not all(isinstance(t, str) for t in tags)
            or len(set(tags)) != len(tags)
        ):
            err(f"{where}: tags must be a list of distinct strings")
            continue
        tset = set(tags)
        style = tset & {"clean", "no-diacritic"}
        if "no-diacritic" in tset:
            n_nodia += 1
            if not q.isascii():
                err(f"{where}: no-diacritic question is not pure ASCII")
        if "clean" in tset and not has_vn_diacritic(q):
            err(f"{where}: clean question has no diacritics")
        if ans:
            n_ans += 1
            if not re.fullmatch(r"l3o-[1-9]\d*", rid):
                err(f"{where}: bad answerable id")
            if len(style) != 1 or not tset <= {"clean", "no-diacritic", "everyday"}:
                err(f"{where}: bad tags {tags}")
            if "everyday" in tset:
                n_every_ans += 1
            doc, art, quote = r["doc"], r["article"], r["quote"]
            if not isinstance(art, str) or not re.fullmatch(r"Điều [1-9]\d*", art):
                err(f'{where}: article must look like "Điều N"')
                continue
            num = art.split()[1]
            if check_quote(where, doc, quote):
                for nfc_headers in (False, True):
                    found = articles_holding(doc, quote, nfc_headers)
                    if num not in found:
                        err(
                            f"{where}: quote not inside {art} of {doc} "
                            f"(found in {sorted(a for a in found if a)}; nfc_headers={nfc_headers})"
                        )
            docs_covered.add(doc)
            per_article[(doc, art)] += 1
            if "also" in r:
                also = r["also"]
                if not isinstance(also, list) or not also:
                    err(f"{where}: also must be a non-empty list")
                    continue
                for j, a in enumerate(also):
                    w2 = f"{where} also[{j}]"
                    if not isinstance(a, dict) or set(a) != {"doc", "quote"}:
                        err(f'{w2}: must be {{"doc","quote"}}')
                        continue
                    if check_quote(w2, a["doc"], a["quote"]):
                        for nfc_headers in (False, True):
                            found = articles_holding(a["doc"], a["quote"], nfc_headers)
                            other = found - ({num} if a["doc"] == doc else set())
                            if not other:
                                err(f"{w2}: quote not found in an article other than the main one")
        else:
            n_un += 1
            if not re.fullmatch(r"l3u-[1-9]\d*", rid):
                err(f"{where}: bad unanswerable id")
            if r["quote"] is not None or r["doc"] is not None or r["article"] is not None:
                err(f"{where}: quote/doc/article must be null")
            if "also" in r:
                err(f"{where}: unanswerable must not have also")
            kind = tset & {"near-domain", "out-of-domain"}
            if (
                "unanswerable" not in tset
                or len(kind) != 1
                or len(style) > 1
                or not tset
                <= {
                    "unanswerable",
                    "near-domain",
                    "out-of-domain",
                    "clean",
                    "no-diacritic",
                    "everyday",
                }
            ):
                err(f"{where}: bad tags {tags}")
            if "near-domain" in tset:
                n_near += 1

    for rid, c in ids.items():
        if c > 1:
            err(f"duplicate id {rid}")
    for (doc, art), c in per_article.items():
        if c > 3:
            err(f"{doc} {art}: {c} questions (max 3)")
    missing = set(LAW_NAMES) - docs_covered
    if missing:
        err(f"laws not covered: {sorted(missing)}")
    for name, val, need in [
        ("answerable", n_ans, 155),
        ("unanswerable", n_un, 30),
        ("near-domain", n_near, 20),
        ("no-diacritic (all)", n_nodia, 40),
        ("everyday answerable", n_every_ans, 60),
    ]:
        if val < need:
            err(f"count {name} = {val} < {need}")

    print(
        f"rows={len(rows)} answerable={n_ans} unanswerable={n_un} near-domain={n_near} "
        f"out-of-domain={n_un - n_near} no-diacritic={n_nodia} everyday-answerable={n_every_ans} "
        f"laws-covered={len(docs_covered)}/17 max-per-article={max(per_article.values()) if per_article else 0}"
    )
    if errors:
        for e in errors:
            print("ERROR", e)
        print(f"FAIL ({len(errors)} error(s))")
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
