"""The review status an upload carries in its sidecar: "chưa rà soát" from the moment it is
stored until an admin approves it. Kept in the sidecar (not the database) because the sidecar
is what ingest reads and outranks the text's own header or front matter: an upload cannot
declare itself in force. The status it had before (a replaced handbook chapter's "bản mẫu")
is kept beside it and comes back on approval."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.server.db import utcnow
from ingest.metadata import keys_for, sidecar_path
from ingest.model import UNREVIEWED_STATUS

STATUS_KEY = "trang_thai"
STATUS_AFTER_REVIEW_KEY = "trang_thai_sau_duyet"


def _status_keys() -> set[str]:
    return keys_for("status")


def _load(path: Path) -> dict:
    side = sidecar_path(path)
    if not side.is_file():
        return {}
    data = yaml.safe_load(side.read_text(encoding="utf-8"))
    return dict(data) if isinstance(data, dict) else {}


def _status(data: dict) -> str:
    for key in _status_keys():
        if data.get(key):
            return str(data[key]).strip()
    return ""


def dump(data: dict) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def unreviewed_sidecar(path: Path, *, by: str) -> bytes:
    """The sidecar `path` gets when an upload stores it: what it had, with the status
    "chưa rà soát" and who uploaded it when."""
    data = _load(path)
    before = _status(data)
    for key in _status_keys() | {STATUS_AFTER_REVIEW_KEY}:
        data.pop(key, None)
    data[STATUS_KEY] = UNREVIEWED_STATUS
    if before and before != UNREVIEWED_STATUS:
        data[STATUS_AFTER_REVIEW_KEY] = before
    data["tai_len_luc"] = utcnow().isoformat(timespec="seconds")
    data["tai_len_boi"] = by
    for key in ("duyet_luc", "duyet_boi"):
        data.pop(key, None)
    return dump(data)


def is_unreviewed(path: Path) -> bool:
    return _status(_load(path)) == UNREVIEWED_STATUS


def approved_sidecar(path: Path, *, by: str) -> bytes:
    """The sidecar after approval: the status it had before the upload, if any (otherwise the
    document's own header decides), and who approved it when."""
    data = _load(path)
    after = str(data.pop(STATUS_AFTER_REVIEW_KEY, "") or "")
    for key in _status_keys():
        data.pop(key, None)
    if after:
        data[STATUS_KEY] = after
    data["duyet_luc"] = utcnow().isoformat(timespec="seconds")
    data["duyet_boi"] = by
    return dump(data)
