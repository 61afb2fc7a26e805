"""Scale-benchmark corpora of a chosen size, built reproducibly from the real documents.

Real files come first (handbook chapters, resolutions, then laws from the smallest up, skipped
when one would overshoot the size by more than 5%); beyond what `knowledge/` holds, the corpus
grows with per-province variants: copies of the handbook chapters and resolutions with another
province's name, a synthetic document number ("<số gốc>-T007") and a title saying it is a
benchmark copy. Nothing here is written into `knowledge/`: corpora live in a temporary folder.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.config import IngestConfig
from ingest.loaders import load_file
from ingest.metadata import read_sidecar, sidecar_path
from ingest.pipeline import SIDECAR_SUFFIX, SourceFile, doc_id_for, prepare
from ingest.text import fold
from ingest.vocabulary import PROVINCES

VARIANT_SOURCES = ("handbook", "resolutions")  # what a province would have its own copy of
OVERSHOOT = 1.05


@dataclass
class CorpusPlan:
    target: int
    real: list[Path] = field(default_factory=list)  # files under knowledge/, copied verbatim
    variants: list[tuple[Path, int]] = field(default_factory=list)  # (real file, variant number)
    estimated_chunks: int = 0


def real_files(knowledge: Path) -> list[Path]:
    handbook = sorted((knowledge / "handbook").glob("*.md"))
    resolutions = sorted((knowledge / "resolutions").glob("*.txt"))
    laws = sorted((knowledge / "laws").glob("*.txt"))
    return handbook + resolutions + laws


def chunk_counts(knowledge: Path, files: list[Path]) -> dict[Path, int]:
    """Chunks per file with the real chunker (no embedding): what the plan is sized by."""
    config = IngestConfig(knowledge_dir=knowledge, index_dir=knowledge / ".unused")
    counts = {}
    for path in files:
        rel = path.relative_to(knowledge)
        _, chunks, _ = prepare(SourceFile(doc_id_for(rel), path, rel.as_posix(), ""), config)
        counts[path] = len(chunks)
    return counts


def plan(target: int, counts: dict[Path, int]) -> CorpusPlan:
    """Which real files and which variants make about `target` chunks (deterministic)."""
    result = CorpusPlan(target)
    handbook_res = [p for p in counts if p.parent.name in VARIANT_SOURCES]
    laws = sorted((p for p in counts if p.parent.name == "laws"), key=lambda p: (counts[p], p))
    for path in handbook_res + laws:
        if result.estimated_chunks >= target:
            break
        if result.estimated_chunks + counts[path] > target * OVERSHOOT:
            continue
        result.real.append(path)
        result.estimated_chunks += counts[path]
    for path, k in _variant_order(handbook_res):
        if result.estimated_chunks >= target:
            break
        if result.estimated_chunks + counts[path] > target * OVERSHOOT:
            continue
        result.variants.append((path, k))
        result.estimated_chunks += counts[path]
    return result


def _variant_order(sources: list[Path]) -> Iterator[tuple[Path, int]]:
    k = 0
    while True:
        k += 1
        for path in sources:
            yield path, k
        if k > 10_000:  # sizes far beyond the benchmark's
            return


def variant_province(k: int) -> str:
    return PROVINCES[(k - 1) % len(PROVINCES)]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-")


def _substitute(text: str, old_number: str, new_number: str, old_province: str, new: str) -> str:
    if old_number:
        text = text.replace(old_number, new_number)
    if old_province and old_province != "Dùng chung":
        for a, b in (
            (old_province, new),
            (old_province.upper(), new.upper()),
            (fold(old_province), fold(new)),
            (fold(old_province).upper(), fold(new).upper()),
        ):
            text = text.replace(a, b)
    text = re.sub(r'^province: ".*"$', f'province: "{new}"', text, count=1, flags=re.M)
    return re.sub(
        r'^title: "(.*)"$',
        lambda m: f'title: "{m.group(1)} (bản sao đo tải, tỉnh {new}, số {new_number})"',
        text,
        count=1,
        flags=re.M,
    )


def write_variant(source: Path, k: int, dest_dir: Path) -> Path:
    """A copy of one handbook chapter or resolution for province variant k."""
    province = variant_province(k)
    sidecar = sidecar_path(source)
    text = source.read_text(encoding="utf-8")
    side_text = sidecar.read_text(encoding="utf-8") if sidecar.exists() else None
    # the document's own metadata, read as ingest reads it (sidecar, else front matter)
    meta = read_sidecar(source) or load_file(source).front_matter
    number = str(meta.get("number") or "")
    new_number = f"{number}-T{k:03d}" if number else f"T{k:03d}"
    old_province = str(meta.get("province") or "")
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{source.stem}-{_slug(province)}-t{k:03d}{source.suffix}"
    dest.write_text(_substitute(text, number, new_number, old_province, province), encoding="utf-8")
    if side_text is not None:
        dest.with_name(dest.stem + SIDECAR_SUFFIX).write_text(
            _substitute(side_text, number, new_number, old_province, province), encoding="utf-8"
        )
    return dest


def build(corpus_plan: CorpusPlan, knowledge: Path, dest: Path) -> Path:
    """Write the planned corpus under dest/knowledge; returns that folder."""
    root = dest / "knowledge"
    for path in corpus_plan.real:
        target = root / path.relative_to(knowledge)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
        if sidecar.exists():
            shutil.copy2(sidecar, target.with_name(sidecar.name))
    for path, k in corpus_plan.variants:
        write_variant(path, k, root / "provinces" / f"t{k:03d}")
    return root
