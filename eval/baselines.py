"""The naive LangChain recipe the project is measured against: RecursiveCharacterTextSplitter
1000/200 over the same loaded texts, e5 dense vectors, LangChain's in-memory vector store."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.settings import Settings
from ingest.embeddings import CachedEmbeddings, make_embeddings
from ingest.loaders import load_file
from ingest.pipeline import scan
from ingest.store import IndexStore


class NaiveBaseline:
    def __init__(self, settings: Settings) -> None:
        base = make_embeddings(settings.embedding_backend, settings.embedding_model)
        self.embeddings = CachedEmbeddings(base, IndexStore(settings.index_dir).cache_path)
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        docs: list[Document] = []
        files, _ = scan(settings)
        for f in files:
            try:
                text = load_file(f.path).text
            except Exception:  # the real ingest reports bad files; the baseline just skips them
                continue
            docs.extend(Document(page_content=c, metadata={"doc_id": f.doc_id}) for c in splitter.split_text(text))
        self.store = InMemoryVectorStore(self.embeddings)
        self.store.add_documents(docs)

    def search(self, query: str, k: int = 10) -> list[Document]:
        return self.store.similarity_search(query, k=k)
