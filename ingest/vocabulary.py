"""The fixed vocabulary of Vietnamese administrative documents: provinces, document types, the
codes inside a số hiệu, issuing bodies.

The provinces live in `ingest/data/provinces.yaml`, the one list both the metadata extractor
and the question scope detector (assistant/scope.py) read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PROVINCES_FILE = Path(__file__).parent / "data" / "provinces.yaml"


@lru_cache
def _provinces(path: Path = PROVINCES_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def document_province_names() -> tuple[str, ...]:
    """Every name a document may use for its province: the 34 current, then the 30 former."""
    data = _provinces()
    return tuple(data.get("current", []) + data.get("former", []))


def question_province_names() -> tuple[str, ...]:
    """The names that, in a question, name a province: without the ones that are everyday
    words, with the longer forms people write."""
    data = _provinces()
    asked = data.get("questions", {})
    leave_out = set(asked.get("leave_out", []))
    names = [n for n in document_province_names() if n not in leave_out]
    return tuple(names + [n for n in asked.get("add", []) if n not in names])


PROVINCES = document_province_names()


DOC_TYPES = (
    "Nghị quyết", "Nghị định", "Quyết định", "Quy định", "Quy chế", "Kế hoạch", "Chỉ thị",
    "Thông báo", "Thông tư", "Công văn", "Công điện", "Kết luận", "Hướng dẫn", "Báo cáo",
    "Tờ trình", "Chương trình", "Đề án", "Cẩm nang", "Luật", "Pháp lệnh",
)  # fmt: skip

# The type code inside a số hiệu: "34-NQ/TU", "64/KH-UBND", "123/2015/NĐ-CP".
TYPE_CODES = {
    "NQ": "Nghị quyết", "NĐ": "Nghị định", "QĐ": "Quyết định", "QĐi": "Quy định",
    "KH": "Kế hoạch", "CT": "Chỉ thị", "TB": "Thông báo", "TT": "Thông tư", "CV": "Công văn",
    "CĐ": "Công điện", "KL": "Kết luận", "HD": "Hướng dẫn", "BC": "Báo cáo", "TTr": "Tờ trình",
    "CTr": "Chương trình", "ĐA": "Đề án",
}  # fmt: skip
# The issuer code inside a số hiệu; used only when the header has no issuer line.
ISSUER_CODES = {
    "TU": "Tỉnh ủy", "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân",
    "SYT": "Sở Y tế", "SNV": "Sở Nội vụ", "STC": "Sở Tài chính", "STP": "Sở Tư pháp",
    "SGDĐT": "Sở Giáo dục và Đào tạo", "CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ",
    "BNV": "Bộ Nội vụ", "VPTW": "Văn phòng Trung ương Đảng", "BTCTW": "Ban Tổ chức Trung ương",
}  # fmt: skip
# Issuing bodies as they appear in letterheads ("TỈNH ỦY TÂY NINH", "CỦA BAN THƯỜNG VỤ TỈNH ỦY").
AGENCIES = (
    "Ban Chấp hành Đảng bộ tỉnh", "Ban Chấp hành Trung ương", "Ban Thường vụ Tỉnh ủy",
    "Ban Thường vụ Thành ủy", "Ban Thường vụ Đảng ủy", "Ban Thường vụ", "Ban Bí thư",
    "Bộ Chính trị", "Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy", "Văn phòng Tỉnh ủy", "Tỉnh ủy", "Thành ủy", "Đảng ủy",
    "Ủy ban nhân dân tỉnh", "Ủy ban nhân dân", "Hội đồng nhân dân tỉnh", "Hội đồng nhân dân",
    "Sở Y tế", "Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Sở Giáo dục và Đào tạo",
    "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ",
    "Thủ tướng Chính phủ", "Chính phủ", "Quốc hội", "Bộ Nội vụ",
)  # fmt: skip
