"""hit@1 of the handbook and resolution sets with the laws left out of the index, in the same run.

The statutes issue allows those sets to lose at most 0.01 hit@1 with the laws in the same index
as the handbook. Measured by hand once (stop 34), the loss had been there unseen for two stops;
`make eval` now builds a second index of `knowledge/` less its laws (from the shipped embedding
cache: no passage is embedded again) and ranks each such set with the same code and weights.
A set of law questions (its rows name an `article`) is not ranked: without the laws it has
nothing to find.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from assistant.chain import Assistant
from assistant.statute import is_statute
from eval.harness import read_questions
from eval.tune import answerable, ranks_for, summary
from ingest.metadata import sidecar_path
from ingest.pipeline import run_ingest


def is_law_set(path: Path) -> bool:
    """Whether a question set asks about the laws' articles (its rows name an `article`)."""
    return any(row.get("article") for row in read_questions(path))


def knowledge_without_laws(assistant: Assistant, dest: Path) -> int:
    """Copy `knowledge/` to dest less the documents the assistant's index holds as laws (and
    their sidecars); the number of laws left out."""
    settings = assistant.settings
    manifest = assistant.provider.get().manifest
    laws = {
        Path(rec.source) for rec in manifest.docs.values() if is_statute(rec.meta) and rec.source
    }
    left_out = laws | {
        sidecar_path(settings.knowledge_dir / law).relative_to(settings.knowledge_dir)
        for law in laws
    }
    shutil.copytree(
        settings.knowledge_dir,
        dest,
        ignore=lambda folder, names: [
            n for n in names if (Path(folder) / n).relative_to(settings.knowledge_dir) in left_out
        ],
    )
    return len(laws)


def hit_at_1_without_laws(served: Assistant, sets: list[Path]) -> dict[str, float]:
    """hit@1 (ours, the served settings) of each set that is not a law set, over an index of
    the served knowledge/ less its laws; {} when the index holds no law."""
    wanted = [path for path in sets if not is_law_set(path)]
    if not wanted:
        return {}
    with tempfile.TemporaryDirectory(prefix="camnang-no-laws-") as tmp:
        root = Path(tmp)
        if not knowledge_without_laws(served, root / "knowledge"):
            return {}
        bare = served.settings.model_copy(
            update={"knowledge_dir": root / "knowledge", "index_dir": root / "index"}
        )
        report = run_ingest(bare.ingest, progress=False)
        if not report.ok:
            raise RuntimeError(f"the index without the laws failed: {report.summary()}")
        assistant = Assistant(bare)
        served_weights = [assistant.searcher.config]
        out = {}
        for path in wanted:
            ranks = ranks_for(assistant, answerable(path), served_weights)[0]
            out[path.parent.name] = float(summary(ranks)["hit@1"])
        return out
