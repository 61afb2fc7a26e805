"""Which store holds the index: the disk (`IndexStore`, the default) or a Chroma server
(`RemoteIndexStore`, when `chroma_url` is set). The one place the two modes part.

Both offer what the pipeline and the snapshot call: `lock`, `cache_path`, `discard_staging`,
`manifest`, `current_name`/`current_dir`, `new_staging`, `open_staging`, `publish` and
`open_vectorstore`, `open_search` (dense search returning ids and distances), and `keeps_lexical` (whether the generation keeps its BM25 segments).
"""

from __future__ import annotations

from ingest.config import IngestConfig
from ingest.remote_store import RemoteIndexStore
from ingest.store import IndexStore


def open_store(config: IngestConfig) -> IndexStore | RemoteIndexStore:
    if config.chroma_url:
        return RemoteIndexStore(config)
    return IndexStore(config.index_dir)
