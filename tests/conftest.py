"""Shared fixtures: a real small index (3 documents from knowledge/) built once per session, the
real answer chain over it, the Service and the FastAPI app.

The UI tests use the same fixtures; fixtures added for them go at the end of this file.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT, Settings

SMALL_CORPUS = [
    "handbook/01-dat-dai.md",
    "handbook/05-tu-phap-ho-tich.md",
    "resolutions/tay-ninh-34-nq-tu.txt",
    "resolutions/tay-ninh-34-nq-tu.meta.yaml",
]


@dataclass
class Corpus:
    root: Path
    knowledge: Path
    index: Path
    settings: Settings


def make_settings(root: Path, **overrides) -> Settings:
    values = dict(
        knowledge_dir=root / "knowledge",
        index_dir=root / "index",
        database_url=f"sqlite:///{root / 'app.sqlite3'}",
        auth_disabled=False,
        rate_limit_per_minute=10_000,
        cors_origins=["http://portal.example"],
        llm_base_url="",
        store_conversations=True,
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


def copy_corpus(dest: Path, files: list[str] = SMALL_CORPUS) -> Path:
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / "knowledge" / rel, target)
    return dest


def admin_environment(root: Path, corpus: Corpus, assistant_chain):
    """A private copy of the small corpus with its own index, a Service and an app over it, and
    an admin key: for tests that change documents. Yields (settings, service, client, headers)."""
    from fastapi.testclient import TestClient

    from assistant.chain import Assistant
    from assistant.server.app import create_app
    from assistant.server.service import Service
    from assistant.snapshot import SnapshotProvider
    from ingest.pipeline import run_ingest

    copy_corpus(root / "knowledge")
    settings = make_settings(root)
    settings.index_dir.mkdir(parents=True)
    src = sqlite3.connect(corpus.index / "embeddings.sqlite3")  # backup API: includes the WAL
    dst = sqlite3.connect(settings.index_dir / "embeddings.sqlite3")
    src.backup(dst)
    src.close()
    dst.close()
    report = run_ingest(settings.ingest)
    assert len(report.added) == 3 and report.embedded == 0, report.summary()
    provider = SnapshotProvider(settings.index_dir, assistant_chain.provider.embeddings)
    service = Service(settings, assistant=Assistant(settings, provider=provider))
    app = create_app(settings, service=service, mount_ui=False, warm_up=False)
    _, admin_key = service.keys.create("admin", "maintainer")
    with TestClient(app) as client:
        yield settings, service, client, {"Authorization": f"Bearer {admin_key}"}
    service.close()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    """3 documents (2 handbook chapters, 1 resolution with its sidecar), ingested once."""

    return ingested(tmp_path_factory.mktemp("corpus"), SMALL_CORPUS, n_docs=3)


def asking(root: Path, files: list[str]):
    """A real chain over `files` of knowledge/ (shipped embeddings, ingested under `root`), as a
    function from a question to its AnswerResult: for a test module's own small index."""
    from assistant.chain import Assistant
    from assistant.schemas import AskRequest

    n_docs = sum(1 for f in files if not f.endswith(".meta.yaml"))
    chain = Assistant(ingested(root, files, n_docs=n_docs, prebuilt=True).settings)
    return lambda question: chain.ask(AskRequest(question=question))


def ingested(root: Path, files: list[str], n_docs: int, prebuilt: bool = False) -> Corpus:
    """`files` of knowledge/ copied under root and ingested into root's own index; with
    `prebuilt`, the shipped embedding file comes too (its chunks are not embedded again)."""
    from ingest.pipeline import run_ingest

    copy_corpus(root / "knowledge", files)
    shipped = PROJECT_ROOT / "knowledge" / ".embeddings"
    if prebuilt and shipped.is_dir():
        shutil.copytree(shipped, root / "knowledge" / ".embeddings")
    settings = make_settings(root)
    report = run_ingest(settings.ingest)
    assert report.ok and len(report.added) == n_docs, report.summary()
    return Corpus(
        root=root, knowledge=settings.knowledge_dir, index=settings.index_dir, settings=settings
    )


@pytest.fixture(scope="session")
def assistant_chain(corpus):
    from assistant.chain import Assistant

    return Assistant(corpus.settings)


@pytest.fixture(scope="session")
def service(corpus, assistant_chain):
    from assistant.server.service import Service

    svc = Service(corpus.settings, assistant=assistant_chain)
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def api_keys(service) -> dict[str, str]:
    _, reader = service.keys.create("reader", "test reader")
    _, admin = service.keys.create("admin", "test admin")
    return {"reader": reader, "admin": admin}


@pytest.fixture(scope="session")
def api_app(corpus, service):
    from assistant.server.app import create_app

    return create_app(corpus.settings, service=service, mount_ui=False, warm_up=False)


@pytest.fixture
def client(api_app):
    from fastapi.testclient import TestClient

    with TestClient(api_app) as c:
        yield c


@pytest.fixture
def reader_headers(api_keys) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_keys['reader']}"}


@pytest.fixture
def admin_headers(api_keys) -> dict[str, str]:
    return {"X-API-Key": api_keys["admin"]}


LAW_CORPUS = [
    "handbook/05-tu-phap-ho-tich.md",
    "handbook/10-cu-tru.md",
    "laws/luat-cu-tru.txt",
    "laws/luat-cu-tru.meta.yaml",
    "laws/luat-hon-nhan-va-gia-dinh.txt",
    "laws/luat-hon-nhan-va-gia-dinh.meta.yaml",
]


@pytest.fixture(scope="session")
def law_corpus(tmp_path_factory) -> Corpus:
    """Two handbook chapters and the two laws they rest on, with the shipped embedding file
    (so the laws' chunks are not embedded again), ingested once."""
    return ingested(tmp_path_factory.mktemp("laws"), LAW_CORPUS, n_docs=4, prebuilt=True)


@pytest.fixture(scope="session")
def law_assistant(law_corpus):
    from assistant.chain import Assistant

    return Assistant(law_corpus.settings)


@pytest.fixture(scope="session")
def law_service(law_corpus, law_assistant):
    from assistant.server.service import Service

    svc = Service(law_corpus.settings, assistant=law_assistant)
    yield svc
    svc.close()
