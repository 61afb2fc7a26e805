"""The answer chain, built on first use (it loads the embedder and the index, which takes
seconds), and the published index snapshot it reads: shared by answers, documents and jobs."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from assistant.server.errors import NotReady
from assistant.server.metrics import Metrics
from assistant.settings import Settings
from ingest.errors import IndexServerUnavailable, IndexUnavailable

if TYPE_CHECKING:
    from assistant.chain import Assistant
    from assistant.snapshot import IndexSnapshot

log = logging.getLogger(__name__)

SERVER_DOWN = "Không kết nối được máy chủ chỉ mục (Chroma); hãy thử lại sau ít phút."


class Engine:
    def __init__(
        self, settings: Settings, metrics: Metrics, assistant: Assistant | None = None
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self._assistant = assistant
        self._lock = threading.Lock()

    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    from assistant.chain import Assistant

                    t = time.perf_counter()
                    self._assistant = Assistant(self.settings)
                    log.info("Answer chain loaded in %.1f s", time.perf_counter() - t)
        return self._assistant

    def snapshot(self) -> IndexSnapshot:
        """The live index, or NotReady (503) when there is none yet."""
        try:
            return self.assistant.provider.get()
        except IndexServerUnavailable as exc:
            log.error("%s", exc)
            raise NotReady(SERVER_DOWN) from exc
        except IndexUnavailable as exc:
            raise NotReady(
                "Chưa có chỉ mục tài liệu: hãy chạy `camnang ingest` hoặc tải tài liệu lên."
            ) from exc

    def warm_up(self) -> None:
        """Load the embedder and the index now rather than on the first question."""
        try:
            snap = self.assistant.provider.get()
            self.metrics.index_documents.set(len(snap.manifest.docs))
        except IndexUnavailable as exc:
            log.warning("No index yet: %s", exc)
        except Exception:
            log.exception("Warm-up failed")

    def readiness(self) -> tuple[bool, str, str | None, int]:
        """(ready, Vietnamese detail, generation, number of documents)."""
        if self._assistant is None and self._lock.locked():
            return False, "Đang nạp mô hình và chỉ mục…", None, 0
        try:
            snap = self.assistant.provider.get()
        except IndexServerUnavailable as exc:
            log.error("%s", exc)
            return False, SERVER_DOWN, None, 0
        except IndexUnavailable:
            return False, "Chưa có chỉ mục tài liệu: hãy chạy `camnang ingest`.", None, 0
        except Exception as exc:  # a broken index must show up as not ready, not as a 500
            log.exception("Index could not be loaded")
            return False, f"Không nạp được chỉ mục: {exc}", None, 0
        self.metrics.index_documents.set(len(snap.manifest.docs))
        return True, "Sẵn sàng", snap.generation, len(snap.manifest.docs)

    def index_generation(self) -> str:
        """The published generation's name ("" with no index): changes whenever the index does."""
        try:
            return self.assistant.provider.get().generation
        except Exception:
            return ""
