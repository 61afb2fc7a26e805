"""The recycle bin of the knowledge folder: a deleted or replaced document is moved aside, with
its sidecar, into `knowledge/.trash/<entry>/` (ingest skips hidden folders), restorable until it
is purged by hand or by `Settings.trash_retention_days`.

Every step is a rename or an atomic write inside the knowledge folder's file system: the entry's
`entry.json` is written first and the files moved after, so a crash in between leaves the file
where it was (the entry then lists nothing restorable and is dropped by the next purge)."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from assistant.server.db import as_utc, new_id, utcnow
from assistant.server.errors import NotFound, ServiceError
from assistant.server.models import TrashEntry
from ingest.pipeline import SIDECAR_SUFFIX
from ingest.store import write_atomic_bytes

TRASH_DIR = ".trash"
_ENTRY = "entry.json"
_ENTRY_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[a-z0-9_-]{1,200}-[0-9a-f]{6}$")


def _sidecar_of(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def _write_json_atomic(path: Path, data: dict) -> None:
    write_atomic_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


class Trash:
    def __init__(self, knowledge_dir: Path) -> None:
        self.knowledge_dir = knowledge_dir
        self.root = knowledge_dir / TRASH_DIR

    # -- putting away --------------------------------------------------------------------------
    def put(
        self, doc_id: str, rel: str, *, reason: str, by: str = "", title: str = "", copy=False
    ) -> TrashEntry:
        """Move (or, for a file about to be replaced, copy) the document and its sidecar aside."""
        src = self.knowledge_dir / rel
        now = utcnow()
        entry_id = f"{now:%Y%m%dT%H%M%S}-{doc_id}-{new_id()[:6]}"
        folder = self.root / entry_id
        folder.mkdir(parents=True)
        entry = TrashEntry(
            id=entry_id, doc_id=doc_id, source=rel, title=title or doc_id, reason=reason,
            deleted_by=by, deleted_at=now,
        )  # fmt: skip
        _write_json_atomic(folder / _ENTRY, entry.model_dump(mode="json"))
        move = shutil.copy2 if copy else os.replace
        for path in (_sidecar_of(src), src):
            if path.exists():
                move(path, folder / path.name)
        return entry

    # -- reading -------------------------------------------------------------------------------
    def entries(self) -> list[TrashEntry]:
        """What can be restored, newest first."""
        if not self.root.is_dir():
            return []
        out = []
        for folder in self.root.iterdir():
            entry = self._read(folder)
            if entry is not None and (folder / Path(entry.source).name).exists():
                out.append(entry)
        return sorted(out, key=lambda e: e.deleted_at, reverse=True)

    def _read(self, folder: Path) -> TrashEntry | None:
        try:
            return TrashEntry(**json.loads((folder / _ENTRY).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _entry(self, entry_id: str) -> tuple[Path, TrashEntry]:
        folder = self.root / entry_id
        entry = self._read(folder) if _ENTRY_ID.match(entry_id) else None
        if entry is None or not (folder / Path(entry.source).name).exists():
            raise NotFound(f"Không có mục «{entry_id}» trong thùng rác.")
        return folder, entry

    # -- restoring and purging -----------------------------------------------------------------
    def restore(self, entry_id: str, *, overwrite: bool = False) -> TrashEntry:
        """Put the file (and its sidecar) back where it was. Refused when another file has
        taken its place, unless `overwrite` (used to undo a replacing upload)."""
        folder, entry = self._entry(entry_id)
        target = self.knowledge_dir / entry.source
        if target.exists() and not overwrite:
            raise ServiceError(
                f"Đã có tệp «{entry.source}» trong thư mục tài liệu; hãy xoá hoặc đổi tên tệp đó "
                "trước khi khôi phục.",
                409,
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        side = folder / _sidecar_of(target).name
        if side.exists():
            os.replace(side, _sidecar_of(target))
        elif overwrite:
            _sidecar_of(target).unlink(missing_ok=True)
        os.replace(folder / target.name, target)
        shutil.rmtree(folder, ignore_errors=True)
        return entry

    def purge(self, entry_id: str) -> TrashEntry:
        folder, entry = self._entry(entry_id)
        shutil.rmtree(folder)
        return entry

    def purge_older_than(self, days: int) -> int:
        if not self.root.is_dir():
            return 0
        cutoff = utcnow() - timedelta(days=days)
        removed = 0
        for folder in list(self.root.iterdir()):
            entry = self._read(folder)
            when = as_utc(entry.deleted_at) if entry else _mtime(folder)
            if when is not None and when < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed


def _mtime(folder: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(folder.stat().st_mtime).astimezone()
    except OSError:
        return None
