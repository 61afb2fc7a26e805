"""The maintainer's commands: `camnang chunks` shows how a file was understood, `camnang ingest
--dry-run` shows what an ingest would do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main as camnang
from ingest.pipeline import run_ingest
from tests.ingest_fixtures import KNOWLEDGE, env_for, resolution, settings_for, write_corpus

BAC_NINH = "bac-ninh-nq-btvtu-can-bo-xa-phuong-2026"


def test_chunks_prints_a_seeds_metadata_and_heading_paths(capsys):
    code = camnang(["chunks", BAC_NINH, "--knowledge", str(KNOWLEDGE)])
    out = capsys.readouterr().out

    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("# Nghị quyết của Ban Thường vụ Tỉnh ủy Bắc Ninh")
    assert "  doc_type: Nghị quyết" in lines
    assert "  issuer: Ban Thường vụ Tỉnh ủy Bắc Ninh" in lines
    assert "  province: Bắc Ninh" in lines
    assert f"  source: resolutions/{BAC_NINH}.txt" in lines
    count = int(next(line for line in lines if line.startswith("  chunks: ")).split(": ")[1])
    listed = [line for line in lines if line.startswith("[")]
    assert len(listed) == count > 10
    # one line per chunk: [index] start-end | heading path
    assert any("| II- NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM › 2. Đổi mới" in line for line in listed)
    assert listed[0].startswith("[0] 0-")


def test_chunks_finds_a_document_by_file_name_and_prints_json(capsys):
    code = camnang(["chunks", "01-dat-dai.md", "--knowledge", str(KNOWLEDGE), "--json"])
    data = json.loads(capsys.readouterr().out)

    assert code == 0
    assert data["meta"]["number"] == "CNNV-01" and data["meta"]["doc_type"] == "Cẩm nang"
    paths = [" › ".join(c["heading_path"]) for c in data["chunks"]]
    assert "Chương 1. ĐẤT ĐAI › 1.3. Tách thửa, hợp thửa đất › Thời hạn giải quyết" in paths
    text = (KNOWLEDGE / "handbook" / "01-dat-dai.md").read_text(encoding="utf-8")
    first = data["chunks"][0]
    assert first["text"] in text and first["end"] - first["start"] == len(first["text"])


def test_chunks_of_an_unknown_document_says_so(capsys):
    assert camnang(["chunks", "khong-co-tai-lieu-nay", "--knowledge", str(KNOWLEDGE)]) == 1
    assert "khong-co-tai-lieu-nay" in capsys.readouterr().err


def _camnang_command() -> list[str]:
    script = Path(sys.executable).parent / "camnang"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]


def test_ingest_dry_run_lists_the_plan_and_changes_nothing(tmp_path):
    knowledge = write_corpus(
        tmp_path / "knowledge",
        {
            "giu-nguyen.txt": resolution(11, 1, 1),
            "sua-doi.txt": resolution(12, 1, 1),
            "xoa-bo.txt": resolution(13, 1, 1),
        },
    )
    index = tmp_path / "index"
    settings = settings_for(knowledge, index)
    assert run_ingest(settings.ingest).ok
    (knowledge / "xoa-bo.txt").unlink()
    with open(knowledge / "sua-doi.txt", "a", encoding="utf-8") as fh:
        fh.write("\nĐoạn bổ sung về thời hạn giải quyết hồ sơ.\n")
    (knowledge / "them-moi.txt").write_text(resolution(14, 1, 1), encoding="utf-8")
    snapshot = {p.relative_to(index): p.stat().st_mtime_ns for p in index.rglob("*") if p.is_file()}

    result = subprocess.run(
        [
            *_camnang_command(),
            "ingest",
            "--knowledge",
            str(knowledge),
            "--index",
            str(index),
            "--dry-run",
            "--quiet",
        ],
        env={**os.environ, **env_for(settings)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("[dry-run] added: 1, changed: 1, removed: 1, unchanged: 1, failed: 0")
    assert "  added (would be): them-moi" in out
    assert "  changed (would be): sua-doi" in out
    assert "  removed (would be): xoa-bo" in out
    after = {p.relative_to(index): p.stat().st_mtime_ns for p in index.rglob("*") if p.is_file()}
    changed = {p for p in after.keys() | snapshot.keys() if after.get(p) != snapshot.get(p)}
    # only the lock file may be touched; CURRENT, generations and the embedding cache are as they were
    assert changed <= {Path("ingest.lock")}, changed


@pytest.mark.parametrize("flag", ["--knowledge", "--index"])
def test_every_corpus_command_accepts_knowledge_and_index(flag, capsys):
    for command in ("ingest", "chunks", "docs"):
        with pytest.raises(SystemExit) as done:
            camnang([command, "--help"])
        assert done.value.code == 0
        assert flag in capsys.readouterr().out
