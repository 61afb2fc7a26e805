#!/usr/bin/env python3
"""Search the 17 law files for the key terms of every unanswerable question.

For each term: count hits of the accented term (NFC, lower-case) and of the
accent-stripped term (NFD, combining marks removed, đ->d, lower-case) in the
equally stripped law text, and show up to 3 stripped contexts. The verdict
line for each question records the manual review of the hits.
Writes unanswerable_search_log.txt beside this script.
"""

import importlib.util
import os
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
LAWS = "/work/shared/corpora/laws"

spec = importlib.util.spec_from_file_location("mq", os.path.join(HERE, "make_questions.py"))
mq = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mq)

VERDICT = {
    1: "Only luat-cu-tru Điều 9 says the fee is paid 'theo quy định của pháp luật về phí và lệ phí'; no amount anywhere.",
    2: "No fine amounts in any file ('xử phạt' hits are generic 'may be sanctioned' clauses); the 'không đăng ký tạm trú' hits are grounds for deleting a registration, not penalties.",
    3: "No land-certificate (sổ đỏ) procedure; 'so do' hits are the accent-stripped 'sở/số ... do' false positives.",
    4: "No personal income tax provisions.",
    5: "No voluntary social-insurance contribution rules.",
    6: "Only surrogacy (HNGĐ Điều 97) and a Viên chức termination ban mention maternity; no leave length or benefit for ordinary workers.",
    7: "No traffic rules or fines.",
    8: "No household-business registration; 'đăng ký kinh doanh' hits concern film/travel enterprises' business lines.",
    9: "No passport procedure (Cư trú only lists a passport as a document).",
    10: "Hiến pháp states a general policy of support for the elderly; no allowance amount or age threshold.",
    11: "BLDS Điều 30 gives the right to birth registration; no deadline or penalty; '60 ngày' hits are unrelated time limits.",
    12: "BLDS refers to 'mức lương cơ sở do Nhà nước quy định' without an amount.",
    13: "Viên chức Điều 46 refers retirement to labour/social-insurance law; no retirement age.",
    14: "No land-use conversion fees; hits are EIA project criteria in the environment law.",
    15: "Only administrative-case court fees (Tố tụng hành chính); no divorce court-fee amount.",
    16: "BLDS Điều 214 covers common parts of apartment buildings only; no rules on foreigners buying housing.",
    17: "No military-service duration; 'xuat ngu'/'tai ngu' stripped hits are false positives (truy xuất, tài nguyên...).",
    18: "Cư trú Điều 37 only redefines 'hộ gia đình' for health insurance; no contribution amounts.",
    19: "No driving-licence rules; 'đổi giấy phép' hits are environmental/travel-business licences.",
    20: "BLDS Điều 175/254 on boundaries send disputes to courts/competent bodies; no commune land-dispute mediation procedure or time limit.",
}
OUT_VERDICT = "Out of domain: no relevant hits (stripped hits are unrelated syllables)."


def strip(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D").lower()


def main():
    texts = {}
    for f in sorted(os.listdir(LAWS)):
        if not f.endswith(".txt"):
            continue
        with open(os.path.join(LAWS, f), encoding="utf-8") as fh:
            t = unicodedata.normalize("NFC", fh.read())
        texts[f[:-4]] = (t.lower(), strip(t))
    out = [
        "Search log for the unanswerable questions (lu2-*).",
        f"Corpus: {LAWS} ({len(texts)} files). Each term searched accented (NFC, lower-case)",
        "and accent-stripped (combining marks removed, đ->d, lower-case) in stripped text.",
        "Up to 3 stripped contexts are shown per term; VERDICT = manual review of the hits.",
        "",
    ]
    for i, (q, kind, _ev, terms) in enumerate(mq.U, 1):
        out.append(f"lu2-{i} [{kind}-domain] {q}")
        for term in terms:
            acc = unicodedata.normalize("NFC", term).lower()
            st = strip(term)
            ha = {d: a.count(acc) for d, (a, s) in texts.items() if acc in a}
            hs = {d: s.count(st) for d, (a, s) in texts.items() if st in s}
            out.append(
                f"    term {term!r}: accented hits {sum(ha.values())} {ha or ''}; "
                f"stripped {st!r} hits {sum(hs.values())} {hs or ''}"
            )
            shown = 0
            for d, (_lower, s) in texts.items():
                for m in re.finditer(re.escape(st), s):
                    if shown >= 3:
                        break
                    ctx = s[max(0, m.start() - 70) : m.end() + 70].replace("\n", " ")
                    out.append(f"        {d}: ...{ctx}...")
                    shown += 1
        out.append(
            "    VERDICT: not answerable from the 17 texts. "
            + (VERDICT.get(i, "") if kind == "near" else OUT_VERDICT)
        )
        out.append("")
    with open(os.path.join(HERE, "unanswerable_search_log.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"{len(mq.U)} unanswerable questions searched")


if __name__ == "__main__":
    main()
