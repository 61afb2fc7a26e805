"""The naive recipes the project is measured against, all over the same chunks: LangChain's
RecursiveCharacterTextSplitter 1000/200 on the loaded texts. Scorers: e5 dense (LangChain's
in-memory vector store), and BM25 (bm25s) on plain lower-cased syllables or on accent-folded ones."""

from __future__ import annotations

import bm25s
import numpy as np
from langchain_core.documents import Document
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.settings import Settings
from ingest.embeddings import CachedEmbeddings, make_embeddings
from ingest.loaders import load_file
from ingest.pipeline import scan
from ingest.store import IndexStore
from ingest.text import fold, words


class NaiveBaselines:
    def __init__(self, settings: Settings) -> None:
        base = make_embeddings(
            settings.embedding_backend, settings.embedding_model, settings.embedding_device
        )
        self.embeddings = CachedEmbeddings(base, IndexStore(settings.index_dir).cache_path)
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self.docs: list[Document] = []
        files, _ = scan(settings.ingest)
        for f in files:
            try:
                text = load_file(f.path).text
            except Exception:  # the real ingest reports bad files; the baseline just skips them
                continue
            self.docs.extend(
                Document(page_content=c, metadata={"doc_id": f.doc_id})
                for c in splitter.split_text(text)
            )
        self.store = InMemoryVectorStore(self.embeddings)
        self.store.add_documents(self.docs)
        self.bm25 = {}
        for view in ("plain", "folded"):
            retriever = bm25s.BM25()
            retriever.index(
                [self._tokens(d.page_content, view) for d in self.docs], show_progress=False
            )
            self.bm25[view] = retriever

    @staticmethod
    def _tokens(text: str, view: str) -> list[str]:
        return words(fold(text) if view == "folded" else text)

    def dense(self, query: str, k: int = 10) -> list[str]:
        return [d.page_content for d in self.store.similarity_search(query, k=k)]

    def lexical(self, query: str, view: str, k: int = 10) -> list[str]:
        scores = self.bm25[view].get_scores(self._tokens(query, view))
        return [self.docs[i].page_content for i in np.argsort(-scores)[:k] if scores[i] > 0]
