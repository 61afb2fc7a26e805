"""The knowledge base as shipped: the handbook's shape and that every rule names its legal basis."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT
from ingest.loaders import load_file
from ingest.metadata import extract_metadata, read_sidecar

KNOWLEDGE = PROJECT_ROOT / "knowledge"
HANDBOOK = sorted((KNOWLEDGE / "handbook").glob("*.md"))
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
SECTION = re.compile(r"^## (?P<title>.+)$", re.M)
LEGAL_BASIS = re.compile(r"\*\*Căn cứ pháp lý:\*\*(?P<text>.+)")
LAW = re.compile(
    r"(Luật|Nghị định|Thông tư|Nghị quyết|Quyết định|Bộ luật)[^;.]*?(\d{1,3}/\d{4}|\d{4})"
)


def sections(text: str) -> list[tuple[str, str]]:
    heads = list(SECTION.finditer(text))
    return [
        (
            m.group("title"),
            text[m.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)],
        )
        for i, m in enumerate(heads)
    ]


def test_the_handbook_has_a_chapter_per_field_and_enough_procedures():
    assert len(HANDBOOK) >= 9
    titles = [load_file(p).text.splitlines()[0] for p in HANDBOOK]
    for field in (
        "ĐẤT ĐAI",
        "XÂY DỰNG",
        "NGÂN SÁCH",
        "ĐẦU TƯ CÔNG",
        "HỘ TỊCH",
        "KHIẾU NẠI",
        "MỘT CỬA",
        "CHUYỂN ĐỔI SỐ",
        "CẤP TỈNH",
    ):
        assert any(field in t for t in titles), field
    all_sections = [s for p in HANDBOOK for s in sections(load_file(p).text)]
    procedures = [t for t, _ in all_sections if re.match(r"\d+\.\d+\. ", t)]
    situations = [t for t, _ in all_sections if t.startswith("Tình huống ")]
    assert len(procedures) + len(situations) >= 40
    assert len(situations) >= 2 * len(HANDBOOK)
    assert len(all_sections) == len(procedures) + len(situations)  # no other kind of ## section


@pytest.mark.parametrize("path", HANDBOOK, ids=lambda p: p.stem)
def test_every_procedure_and_case_names_its_legal_basis(path: Path):
    for title, body in sections(load_file(path).text):
        basis = LEGAL_BASIS.search(body)
        assert basis, f"{path.name}: «{title}» has no **Căn cứ pháp lý:**"
        assert LAW.search(basis.group("text")), (
            f"{path.name}: «{title}» names no law with its number/year"
        )
        assert "Điều" in basis.group("text"), f"{path.name}: «{title}» cites no article"


@pytest.mark.parametrize("path", HANDBOOK, ids=lambda p: p.stem)
def test_handbook_chapters_are_marked_as_samples(path: Path):
    loaded = load_file(path)
    meta = extract_metadata(
        loaded.text, doc_id=path.stem, source=path.name, fmt="md", front_matter=loaded.front_matter
    )
    assert meta.status == "bản mẫu" and meta.doc_type == "Cẩm nang" and meta.fields


def test_the_resolutions_are_the_seeds_unchanged_with_complete_metadata():
    resolutions = sorted((KNOWLEDGE / "resolutions").glob("*.txt"))
    assert len(resolutions) == 4
    if SEEDS.is_dir():
        seed_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
        assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in resolutions} == seed_hashes
    for path in resolutions:
        loaded = load_file(path)
        meta = extract_metadata(
            loaded.text, doc_id=path.stem, source=path.name, fmt="txt", sidecar=read_sidecar(path)
        )
        assert meta.doc_type and meta.issuer and meta.province, path.name
        assert "number" in read_sidecar(path) and "date" in read_sidecar(path), path.name
