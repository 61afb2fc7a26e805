"""Metadata of the seed resolutions, from their text alone and with their sidecars."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
import yaml

from ingest.errors import LoadError
from ingest.header import extract_from_text, find_number, number_codes
from ingest.metadata import extract_metadata, is_sidecar, read_sidecar, sidecar_path

RESOLUTIONS = Path(__file__).resolve().parents[1] / "knowledge" / "resolutions"

# The seeds must stay byte-for-byte what /work/shared/seeds holds (OCR file included).
SEED_SHA256 = {
    "tay-ninh-34-nq-tu": "bbecd56b5b3ac3bff41a903391caf9f973e6fa680ad0eac2c3a45ffd1a3d87aa",
    "bac-ninh-nq-btvtu-can-bo-xa-phuong-2026": (
        "4f31d533090bfb94187aaa71615f18f266f782306efcfb28373c350bc4ff1aef"
    ),
    "hung-yen-kh-nam-can-bo-co-so-2026": (
        "db9eadfe3e64eaf321924390d9a31f5d04e9c5b9b1cee33df2204f9cb5a13a82"
    ),
    "quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr": (
        "c708243ae98c1fee377d8fa3e8c216147e28ce4794cee7cb9f883d70ca175c62"
    ),
}

# What the text alone carries. Seed 000 is a file with two documents: Công văn 6018/SYT-TCCB
# of Sở Y tế (first, with its own header) forwarding Nghị quyết 34-NQ/TU (attached below it).
# The extractor reads the *first* header, so from the text alone the file is the công văn:
# 6018/SYT-TCCB dated 07/6/2026. "34-NQ/TU" appears in the V/v line only as the subject, and
# the nghị quyết's own header is not the file's header. The sidecar decides the file is the
# nghị quyết (see TAY_NINH below).
FROM_TEXT = {
    "tay-ninh-34-nq-tu": {
        "number": "6018/SYT-TCCB",
        "type": "Công văn",
        "issuer": "Sở Y tế tỉnh Tây Ninh",  # "SYT" in the số hiệu + Tây Ninh
        "province": "Tây Ninh",  # "Tây Ninh, ngày 07 tháng 6 năm 2026"
        "date": "2026-06-07",
        "title": (
            "Công văn về việc thực hiện Nghị quyết số 34-NQ/TU của Ban Chấp hành Đảng bộ tỉnh"
        ),
    },
    "bac-ninh-nq-btvtu-can-bo-xa-phuong-2026": {
        "number": None,  # the text has no số hiệu
        "type": "Nghị quyết",
        "issuer": "Ban Thường vụ Tỉnh ủy Bắc Ninh",  # "CỦA BAN THƯỜNG VỤ TỈNH ỦY" + province
        "province": "Bắc Ninh",  # "Báo và phát thanh, truyền hình Bắc Ninh"
        "date": None,  # the text has no date
        "title": (
            "Nghị quyết của Ban Thường vụ Tỉnh ủy về nâng cao chất lượng đội ngũ cán bộ "
            "xã, phường đáp ứng yêu cầu nhiệm vụ trong giai đoạn mới"
        ),
    },
    "hung-yen-kh-nam-can-bo-co-so-2026": {
        "number": None,  # 64/KH-UBND, 21-TB/VPTW... are cited, not its own
        "type": "Kế hoạch",
        "issuer": "Ban Thường vụ Tỉnh ủy Hưng Yên",  # "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch"
        "province": "Hưng Yên",
        "date": None,  # only cited dates (07/3/2026, 08/5/2026...) and deadlines
        "title": 'Kế hoạch triển khai, thực hiện "Năm cán bộ cơ sở" tỉnh Hưng Yên',
    },
    "quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr": {
        "number": None,  # lost in OCR
        "type": "Nghị quyết",  # "NGHI QUYET"
        "issuer": "Ban Thường vụ Tỉnh ủy Quảng Ngãi",  # "CUA BAN THUONG VU TINH UY"
        "province": "Quảng Ngãi",  # digital signature "Tỉnh ủy Quảng Ngãi<VanThu@TUQuangNgai>"
        "date": "2022-06-01",  # digital signature 2022-06-01T15:42:41+0700
        "title": None,  # OCR garble; checked separately
    },
}

WITH_SIDECAR = {
    "tay-ninh-34-nq-tu": (
        "34-NQ/TU",
        "Nghị quyết",
        "Ban Chấp hành Đảng bộ tỉnh Tây Ninh",
        "Tây Ninh",
        "2026-06-02",
    ),
    "bac-ninh-nq-btvtu-can-bo-xa-phuong-2026": (
        None,
        "Nghị quyết",
        "Ban Thường vụ Tỉnh ủy Bắc Ninh",
        "Bắc Ninh",
        None,
    ),
    "hung-yen-kh-nam-can-bo-co-so-2026": (
        None,
        "Kế hoạch",
        "Ban Thường vụ Tỉnh ủy Hưng Yên",
        "Hưng Yên",
        None,
    ),
    "quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr": (
        None,
        "Nghị quyết",
        "Ban Thường vụ Tỉnh ủy Quảng Ngãi",
        "Quảng Ngãi",
        "2022-06-01",
    ),
}
SIDECAR_KEYS = {
    "title",
    "number",
    "type",
    "issuer",
    "province",
    "date",
    "fields",
    "status",
    "source_note",
}


def _text(stem: str) -> str:
    return (RESOLUTIONS / f"{stem}.txt").read_text(encoding="utf-8")


def _meta(stem: str, sidecar: dict | None = None):
    return extract_metadata(
        _text(stem),
        doc_id=stem,
        source=f"resolutions/{stem}.txt",
        fmt="txt",
        sidecar=sidecar,
    )


# --------------------------------------------------------------------------- the seed files


def test_resolutions_folder_holds_exactly_the_four_seeds_and_their_sidecars():
    names = sorted(p.name for p in RESOLUTIONS.iterdir())
    expected = sorted([f"{s}.txt" for s in SEED_SHA256] + [f"{s}.meta.yaml" for s in SEED_SHA256])
    assert names == expected


@pytest.mark.parametrize("stem", SEED_SHA256)
def test_seed_is_unchanged_and_named_as_a_doc_id(stem):
    data = (RESOLUTIONS / f"{stem}.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256[stem]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", stem)


def test_ocr_seed_keeps_its_missing_diacritics():
    assert _text("quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr").lstrip().startswith("NGHI QUYET")


@pytest.mark.parametrize("stem", SEED_SHA256)
def test_sidecar_has_every_key(stem):
    raw = yaml.safe_load(sidecar_path(RESOLUTIONS / f"{stem}.txt").read_text(encoding="utf-8"))
    assert set(raw) == SIDECAR_KEYS
    assert raw["status"] == "hiệu lực"
    assert raw["fields"] and all(isinstance(f, str) for f in raw["fields"])
    assert raw["source_note"] and "\n" not in raw["source_note"]


# --------------------------------------------------------------------------- text alone


@pytest.mark.parametrize("stem", FROM_TEXT)
def test_extraction_from_text_alone(stem):
    expected = FROM_TEXT[stem]
    meta = _meta(stem)  # no sidecar
    assert meta.number == expected["number"]
    assert meta.doc_type == expected["type"]
    assert meta.issuer == expected["issuer"]
    assert meta.province == expected["province"]
    assert meta.date == expected["date"]
    if expected["title"]:
        assert meta.title == expected["title"]
    assert meta.status == "hiệu lực"
    assert meta.fields == []
    assert (meta.doc_id, meta.source, meta.format) == (stem, f"resolutions/{stem}.txt", "txt")


def test_tay_ninh_text_alone_is_the_cong_van_not_the_forwarded_resolution():
    found = extract_from_text(_text("tay-ninh-34-nq-tu"))
    assert found["number"] != "34-NQ/TU"
    assert found["date"] not in ("2026-06-02", "2026-06-06")  # the NQ's dates (own / as cited)
    # "vùng Đồng Tháp Mười" in the body must not make it Đồng Tháp
    assert found["province"] == "Tây Ninh"


def test_ocr_title_starts_with_the_recognised_heading():
    meta = _meta("quang-ngai-nq-btvtu-can-bo-cap-xa-2022-ocr")
    assert meta.title.startswith("Nghị quyết của Ban Thường vụ Tỉnh ủy ")
    assert "2030" in meta.title


# --------------------------------------------------------------------------- with sidecar


@pytest.mark.parametrize("stem", WITH_SIDECAR)
def test_metadata_with_sidecar(stem):
    sidecar = read_sidecar(RESOLUTIONS / f"{stem}.txt")
    assert sidecar, "sidecar missing"
    meta = _meta(stem, sidecar)
    number, doc_type, issuer, province, date = WITH_SIDECAR[stem]
    assert meta.number == number
    assert meta.doc_type == doc_type
    assert meta.issuer == issuer
    assert meta.province == province
    assert meta.date == date
    assert meta.title == sidecar["title"]
    assert meta.fields == ["tổ chức cán bộ"]
    assert meta.status == "hiệu lực"


def test_tay_ninh_title_names_both_documents():
    title = read_sidecar(RESOLUTIONS / "tay-ninh-34-nq-tu.txt")["title"]
    assert "34-NQ/TU" in title and "6018/SYT-TCCB" in title


# --------------------------------------------------------------------------- small strings


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: 6018 /SYT-TCCB", "6018/SYT-TCCB"),
        ("Số 34-NQ/TU", "34-NQ/TU"),
        ("SỐ: 12 - KH/BTVTU", "12-KH/BTVTU"),
        ("34-NQ/TU", "34-NQ/TU"),
        ("Số: 64/KH-UBND", "64/KH-UBND"),
        ("Số: 123/2015/NĐ-CP", "123/2015/NĐ-CP"),
        ("V/v thực hiện Nghị quyết số 34-NQ/TU", None),  # cited in the subject
        ("2026 - 2030", None),
    ],
)
def test_number_forms(line, number):
    assert find_number([line]) == number


@pytest.mark.parametrize(
    ("number", "codes"),
    [
        ("34-NQ/TU", ("NQ", "TU")),
        ("64/KH-UBND", ("KH", "UBND")),
        ("123/2015/NĐ-CP", ("NĐ", "CP")),
        ("6018/SYT-TCCB", (None, "SYT")),
    ],
)
def test_number_codes(number, codes):
    assert number_codes(number) == codes


def test_ocr_header_without_diacritics():
    text = (
        "NGHI QUYET\n"
        "CUA BAN THUONG VU TINH UY\n"
        "vé nang cao chat lwong can bo\n"
        "\n"
        "Quang Ngai, ngay 01 thang 6 nim 2022\n"
        "\n"
        "I. TINH HINH\n"
    )
    found = extract_from_text(text)
    assert found["type"] == "Nghị quyết"
    assert found["issuer"] == "Ban Thường vụ Tỉnh ủy Quảng Ngãi"
    assert found["province"] == "Quảng Ngãi"
    assert found["date"] == "2022-06-01"
    assert found["title"] == "Nghị quyết của Ban Thường vụ Tỉnh ủy vé nang cao chat lwong can bo"


def test_vv_line_makes_a_cong_van_and_cited_numbers_are_ignored():
    text = (
        "UBND TỈNH HƯNG YÊN\n"
        "SỞ NỘI VỤ\n"
        "Số: 512/SNV-CCVC\n"
        "V/v báo cáo kết quả thực hiện Kế hoạch số 64/KH-UBND ngày 05/02/2026\n"
        "Hưng Yên, ngày 3 tháng 4 năm 2026\n"
        "\n"
        "Kính gửi: Ủy ban nhân dân các xã, phường.\n"
        "Thực hiện Quyết định số 99/QĐ-UBND ngày 01/01/2026 của UBND tỉnh, Sở Nội vụ đề nghị...\n"
    )
    found = extract_from_text(text)
    assert found["number"] == "512/SNV-CCVC"
    assert found["type"] == "Công văn"
    assert found["issuer"] == "Sở Nội vụ tỉnh Hưng Yên"
    assert found["province"] == "Hưng Yên"
    assert found["date"] == "2026-04-03"
    assert found["title"].startswith("Công văn về việc báo cáo kết quả")


def test_body_citations_give_no_number_or_date():
    text = (
        "KẾ HOẠCH\nTriển khai Năm cán bộ cơ sở\n\n"
        "Thực hiện Kế hoạch số 64/KH-UBND ngày 05/02/2026 của Ủy ban nhân dân tỉnh, ...\n"
    )
    found = extract_from_text(text)
    assert found["number"] is None
    assert found["date"] is None
    assert found["type"] == "Kế hoạch"


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Tây Ninh, ngày 02 tháng 6 năm 2026", "2026-06-02"),
        ("Hà Nội, ngày 06/6/2026", "2026-06-06"),
        ("TP. Hồ Chí Minh, ngày 1 tháng 12 năm 2025", "2025-12-01"),
        ("Ngày 15 tháng 01 năm 2026", "2026-01-15"),
        ("Tây Ninh, ngày 31 tháng 2 năm 2026", None),  # no such day
    ],
)
def test_place_date_forms(line, date):
    assert extract_from_text(f"NGHỊ QUYẾT\n\n{line}\n")["date"] == date


def test_province_from_bare_names_skips_longer_proper_nouns():
    # No place-date line, no "tỉnh X": bare names decide; "Đồng Tháp Mười" is a region and
    # "phong cách Hồ Chí Minh" a person, neither a province.
    body = (
        "Phát huy phong cách Hồ Chí Minh; vùng Đồng Tháp Mười; vùng Đồng Tháp Mười; "
        "Báo Tây Ninh đưa tin."
    )
    assert extract_from_text(body)["province"] == "Tây Ninh"


def test_subject_line_starting_with_cua_is_not_the_issuer():
    text = "Số: 7/SYT-TCCB\nV/v thực hiện Nghị quyết\nCỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH\n"
    assert extract_from_text(text)["issuer"] == "Sở Y tế"


def test_precedence_sidecar_over_front_matter_over_text():
    text = "Số: 1/KH-UBND\nKẾ HOẠCH\nVề việc A\n\nHà Nội, ngày 02 tháng 6 năm 2026\n"
    common = {"doc_id": "x", "source": "x.md", "fmt": "md"}

    meta = extract_metadata(text, **common)
    assert (meta.number, meta.date, meta.province) == ("1/KH-UBND", "2026-06-02", "Hà Nội")

    front = {"number": "2/KH-UBND", "title": "Tiêu đề front matter", "type": "kế hoạch"}
    meta = extract_metadata(text, **common, front_matter=front)
    assert (meta.number, meta.title, meta.doc_type) == (
        "2/KH-UBND",
        "Tiêu đề front matter",
        "Kế hoạch",
    )
    assert meta.date == "2026-06-02"  # not in front matter: the text still counts

    sidecar = {"number": None, "date": "2026-06-05", "fields": "nội vụ"}
    meta = extract_metadata(text, **common, front_matter=front, sidecar=sidecar)
    assert meta.number is None  # an explicit null in the sidecar beats everything below it
    assert meta.date == "2026-06-05"
    assert meta.title == "Tiêu đề front matter"
    assert meta.fields == ["nội vụ"]


def test_fallbacks_for_a_text_with_nothing_in_it():
    meta = extract_metadata("chỉ có một dòng.", doc_id="ghi-chu", source="ghi-chu.txt", fmt="txt")
    assert meta.title == "ghi-chu"
    assert (meta.number, meta.doc_type, meta.issuer, meta.province, meta.date) == (None,) * 5
    assert meta.status == "hiệu lực" and meta.fields == []


def test_sidecar_date_forms_and_bad_date():
    common = {"doc_id": "x", "source": "x.txt", "fmt": "txt"}
    assert (
        extract_metadata("", **common, sidecar={"date": dt.date(2022, 6, 1)}).date == "2022-06-01"
    )
    assert extract_metadata("", **common, sidecar={"date": "01/06/2022"}).date == "2022-06-01"
    with pytest.raises(LoadError):
        extract_metadata("", **common, sidecar={"date": "tháng 6/2022"})


# --------------------------------------------------------------------------- sidecar files


def test_read_sidecar_missing_and_empty(tmp_path):
    doc = tmp_path / "van-ban.txt"
    doc.write_text("x", encoding="utf-8")
    assert read_sidecar(doc) == {}
    (tmp_path / "van-ban.meta.yaml").write_text("", encoding="utf-8")
    assert read_sidecar(doc) == {}


def test_read_sidecar_parses_yaml(tmp_path):
    doc = tmp_path / "van-ban.txt"
    (tmp_path / "van-ban.meta.yaml").write_text(
        'number: "34-NQ/TU"\ndate: 2026-06-02\nfields: [tổ chức cán bộ]\n', encoding="utf-8"
    )
    data = read_sidecar(doc)
    assert data["number"] == "34-NQ/TU"
    assert extract_metadata("", doc_id="van-ban", source="", fmt="txt", sidecar=data).date == (
        "2026-06-02"
    )


@pytest.mark.parametrize(
    "content",
    [
        'title: "không đóng ngoặc\nnumber: 1\n',  # broken YAML
        "number: [1, 2\n",  # broken YAML
        "- một danh sách\n- không phải mapping\n",  # valid YAML, wrong shape
    ],
)
def test_bad_sidecar_raises_load_error(tmp_path, content):
    doc = tmp_path / "van-ban.txt"
    (tmp_path / "van-ban.meta.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_sidecar(doc)
    assert "van-ban.meta.yaml" in info.value.reason_en
    assert "van-ban.meta.yaml" in info.value.reason_vi


def test_sidecar_naming():
    doc = Path("knowledge/resolutions/tay-ninh-34-nq-tu.txt")
    assert sidecar_path(doc).name == "tay-ninh-34-nq-tu.meta.yaml"
    assert is_sidecar(sidecar_path(doc)) and not is_sidecar(doc)
