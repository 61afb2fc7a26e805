"""How long what people typed is kept: questions, feedback, conversations and finished job rows
older than `Settings.retention_days` are deleted, and so are documents in the recycle bin older
than `Settings.trash_retention_days`. Run when the service starts and then at most once an hour,
from the request that happens to come by (no scheduler thread to keep alive)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import delete

from assistant.server.db import Conversation, Database, Feedback, IngestJob, Unanswered, utcnow
from assistant.settings import Settings

log = logging.getLogger(__name__)

PURGE_EVERY_S = 3600.0
_FINISHED = ("succeeded", "failed", "cancelled")


class Retention:
    def __init__(self, settings: Settings, db: Database, trash=None) -> None:
        self.settings = settings
        self.db = db
        self.trash = trash
        self._last = float("-inf")
        self._lock = threading.Lock()

    def maybe_purge(self) -> None:
        with self._lock:
            if time.monotonic() - self._last < PURGE_EVERY_S:
                return
            self._last = time.monotonic()
        try:
            self.purge()
        except Exception:  # an unavailable database must not fail the request that came by
            log.exception("Retention purge failed")

    def purge(self) -> dict[str, int]:
        """Delete what is past its retention; returns the rows (and trash entries) removed."""
        removed: dict[str, int] = {}
        days = self.settings.retention_days
        if days > 0:
            cutoff = utcnow() - timedelta(days=days)
            with self.db.session() as s:
                for table in (Unanswered, Feedback, Conversation):
                    result = s.execute(delete(table).where(table.created_at < cutoff))
                    removed[table.__tablename__] = result.rowcount or 0
                result = s.execute(
                    delete(IngestJob).where(
                        IngestJob.created_at < cutoff, IngestJob.status.in_(_FINISHED)
                    )
                )
                removed[IngestJob.__tablename__] = result.rowcount or 0
        if self.trash is not None and self.settings.trash_retention_days > 0:
            removed["trash"] = self.trash.purge_older_than(self.settings.trash_retention_days)
        if any(removed.values()):
            log.info("Retention purge removed %s", removed)
        return removed
