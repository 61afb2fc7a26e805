"""Document metadata: số hiệu, loại văn bản, cơ quan ban hành, tỉnh, ngày, tiêu đề.

Where each value comes from, strongest first:

1. the sidecar ``<stem>.meta.yaml`` next to the document (an editor checked it),
2. the file's front matter (the author wrote it),
3. what the text itself says (``extract_from_text``),
4. a fallback (title = doc_id, status "hiệu lực").

A key that is present in a layer wins even when its value is ``null``: an editor writing
``number: null`` means "this document has no số hiệu", which must beat a guess.

What the text says is read by `ingest/header.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from ingest.errors import LoadError
from ingest.header import canonical_province, canonical_type, extract_from_text, iso_date
from ingest.model import DEFAULT_STATUS, DocumentMeta
from ingest.text import nfc

SIDECAR_SUFFIX = ".meta.yaml"
# What says whether and how far a text can be relied on; the staleness report lists a document
# whose status, or whose every date of currency (effective, legal_as_of), no source gave.
VALIDITY_FIELDS = ("status", "effective", "legal_as_of")

# Keys accepted in sidecars and front matter -> DocumentMeta attribute.
_KEY_ALIASES = {
    "title": "title", "tieu_de": "title",
    "number": "number", "so_hieu": "number",
    "type": "doc_type", "doc_type": "doc_type", "loai": "doc_type",
    "issuer": "issuer", "co_quan": "issuer",
    "province": "province", "tinh": "province",
    "date": "date", "ngay": "date",
    "fields": "fields", "linh_vuc": "fields",
    "status": "status", "trang_thai": "status",
    "effective": "effective", "hieu_luc": "effective", "ngay_hieu_luc": "effective",
    "version": "version", "phien_ban": "version",
    "legal_as_of": "legal_as_of", "phap_luat_den": "legal_as_of", "cap_nhat_den": "legal_as_of",
    "replaced_by": "replaced_by", "thay_the_boi": "replaced_by", "bi_thay_the_boi": "replaced_by",
    "replaces": "replaces", "thay_the": "replaces",
}  # fmt: skip


def keys_for(attr: str) -> set[str]:
    """The sidecar keys that set one DocumentMeta attribute ("status" -> status, trang_thai)."""
    return {key for key, a in _KEY_ALIASES.items() if a == attr}


# --------------------------------------------------------------------------- sidecar


def sidecar_path(doc_path: Path) -> Path:
    return doc_path.with_name(doc_path.stem + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    """Loaders must skip sidecars: they describe a document, they are not one."""
    return path.name.endswith(SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict:
    """The ``<stem>.meta.yaml`` next to the document ``path``; {} if there is none.

    A sidecar that exists but cannot be read is an error, not "no metadata": an editor wrote
    it on purpose, and silently ignoring a typo would publish wrong numbers and dates.
    """
    side = sidecar_path(Path(path))
    if not side.is_file():
        return {}
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{side.name}: sidecar is not UTF-8 ({exc.reason})",
            f"{side.name}: tệp thông tin văn bản không phải mã UTF-8",
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        where_vi = f" (dòng {mark.line + 1})" if mark else ""
        raise LoadError(
            f"{side.name}: invalid YAML{where}",
            f"{side.name}: tệp thông tin văn bản sai cú pháp YAML{where_vi}",
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LoadError(
            f"{side.name}: sidecar must be a mapping of keys, got {type(data).__name__}",
            f"{side.name}: tệp thông tin văn bản phải gồm các cặp khóa: giá trị",
        )
    return data


def _normalize_layer(layer: dict | None, origin: str) -> dict:
    """Sidecar/front-matter keys -> DocumentMeta attribute names, values cleaned."""
    out: dict = {}
    for key, value in (layer or {}).items():
        attr = _KEY_ALIASES.get(str(key).strip().lower())
        if attr:
            out[attr] = _clean_value(attr, value, origin)
    return out


def _clean_value(attr: str, value, origin: str):
    if value is None:
        return [] if attr == "fields" else None
    if attr in ("date", "effective", "legal_as_of"):
        return _parse_date(value, origin)
    if attr == "fields":
        items = value if isinstance(value, list) else [value]
        return [nfc(str(v)).strip() for v in items if str(v).strip()]
    text = nfc(str(value)).strip()
    if attr == "number":
        return re.sub(r"\s*([-/])\s*", r"\1", text) or None
    if attr == "doc_type":
        return canonical_type(text) or text or None
    if attr == "province":
        return canonical_province(text) or text or None
    return text or None


def _parse_date(value, origin: str) -> str:
    """A YAML date, "yyyy-mm-dd" or "dd/mm/yyyy" -> ISO; anything else is the editor's typo."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    dmy = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    date = iso_date(*iso.groups()) if iso else iso_date(*reversed(dmy.groups())) if dmy else None
    if not date:
        raise LoadError(
            f"{origin}: date {text!r} is not a date (use yyyy-mm-dd)",
            f"{origin}: ngày {text!r} không hợp lệ (dùng dạng yyyy-mm-dd)",
        )
    return date


def extract_metadata(
    text: str,
    *,
    doc_id: str,
    source: str,
    fmt: str,
    front_matter: dict | None = None,
    sidecar: dict | None = None,
) -> DocumentMeta:
    """Metadata for one document: sidecar > front matter > text > fallback (see module doc)."""
    layers = [
        _normalize_layer(sidecar, f"{doc_id}{SIDECAR_SUFFIX}"),
        _normalize_layer(front_matter, f"{doc_id} front matter"),
        _normalize_layer(extract_from_text(text), doc_id),
    ]

    def pick(attr: str):
        """The first layer that has the key decides, even with null (see module doc)."""
        return next((layer[attr] for layer in layers if attr in layer), None)

    def pick_filled(attr: str):
        return next((layer[attr] for layer in layers if layer.get(attr)), None)

    return DocumentMeta(
        doc_id=doc_id,
        title=pick_filled("title") or doc_id,
        number=pick("number"),
        doc_type=pick("doc_type"),
        issuer=pick("issuer"),
        province=pick("province"),
        date=pick("date"),
        fields=pick("fields") or [],
        status=pick_filled("status") or DEFAULT_STATUS,
        effective=pick("effective"),
        version=pick("version"),
        legal_as_of=pick("legal_as_of"),
        replaced_by=pick("replaced_by"),
        replaces=pick("replaces"),
        unstated=[a for a in VALIDITY_FIELDS if not pick_filled(a)],
        source=source,
        format=fmt,
    )
