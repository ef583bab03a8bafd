"""index.documents and the corpus reading documents: .docx, .pdf, .html, .doc.

The .docx and .pdf files are made by the tests (python-docx; matplotlib's PDF
backend with an embedded TrueType font, so Vietnamese survives in the text layer).
"""

import io
from pathlib import Path

import pytest

from conftest import FIXTURES
from index import corpus
from index.corpus import ReadError, count_articles, read_bytes, read_corpus, read_file
from index.documents import SCANNED_PDF, join_lines, read_document

PORTAL = FIXTURES / "portal"

PARAS = [
    "Năm 2024, Đảng bộ xã Tân Hòa kết nạp 27 đảng viên mới, đạt 135% chỉ tiêu.",
    "Toàn Đảng bộ có 14 chi bộ trực thuộc với 486 đảng viên.",
]


def make_docx(*, title: str | None = None, paragraphs=PARAS, table=None, heading: str | None = None) -> bytes:
    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    if heading:
        document.add_paragraph(heading)
    document.add_paragraph("")  # blank paragraphs are skipped
    document.add_paragraph(paragraphs[0])
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    for p in paragraphs[1:]:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(lines: list[str] | None, *, title: str | None = None, pages: int = 1) -> bytes:
    """A PDF whose pages hold ``lines`` as text (None: an empty page, as a scan without OCR)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buf, metadata={"Title": title} if title else None) as pdf:
        for _ in range(pages):
            fig = Figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines or []):
                fig.text(0.08, 0.92 - i * 0.025, line, fontsize=10, family="DejaVu Sans")
            pdf.savefig(fig)
    return buf.getvalue()


WRAPPED = [
    "BÁO CÁO KẾT QUẢ CÔNG TÁC XÂY DỰNG ĐẢNG",
    "Năm 2024, Đảng bộ phường Thạch Lâm đã tập trung lãnh đạo thực hiện nhiệm vụ chính trị và",
    "đạt nhiều kết quả quan trọng; toàn Đảng bộ kết nạp 45 đảng viên mới, vượt 12,5% chỉ tiêu",
    "Nghị quyết Đại hội đề ra.",
    "Một số kết quả chủ yếu:",
    "- Tổ chức 18 hội nghị quán triệt nghị quyết cho 1.126 đảng viên;",
    "- Trao Huy hiệu Đảng cho 37 đảng viên.",
    "Kết quả trên là tiền đề để Đảng bộ tiếp tục phát triển đảng viên trong doanh nghiệp ngoài",
    "nhà nước và khu dân cư trong năm 2025.",
]


# --- .docx -----------------------------------------------------------------------------


def test_docx_title_property_body_and_table_in_order():
    data = make_docx(title="Kết quả công tác đảng viên năm 2024", table=[["Chi bộ", "Đảng viên"], ["Thôn Đông", "38"]])
    art = read_document(data, "ket-qua-2024.docx", origin="up/ket-qua-2024.docx")
    assert art.id == "ket-qua-2024" and art.origin == "up/ket-qua-2024.docx"
    assert art.title == "Kết quả công tác đảng viên năm 2024"
    assert art.text.split("\n") == [PARAS[0], "Chi bộ | Đảng viên", "Thôn Đông | 38", PARAS[1]]


def test_docx_without_title_property_takes_first_paragraph():
    data = make_docx(heading="Đảng bộ xã Tân Hòa kết nạp 27 đảng viên mới")
    art = read_document(data, "tan-hoa.docx")
    assert art.title == "Đảng bộ xã Tân Hòa kết nạp 27 đảng viên mới"
    assert art.text == "\n".join(PARAS) and art.date is None and art.url is None


def test_docx_placeholder_title_is_ignored():
    art = read_document(make_docx(title="Microsoft Word - bao cao.doc", heading="Báo cáo tháng 5"), "x.docx")
    assert art.title == "Báo cáo tháng 5"


def test_docx_merged_cells_read_once():
    import docx

    document = docx.Document()
    document.add_paragraph("Bảng tổng hợp")
    t = document.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "Kết quả phân loại năm 2024"
    for c, value in enumerate(["Hoàn thành xuất sắc", "6", "chi bộ"]):
        t.cell(1, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    art = read_document(buf.getvalue(), "bang.docx")
    assert art.text.split("\n") == ["Kết quả phân loại năm 2024", "Hoàn thành xuất sắc | 6 | chi bộ"]


def test_docx_text_is_normalized():
    art = read_document(make_docx(heading="Tiêu đề", paragraphs=["Đảng uỷ xã hoà   giải", "khoẻ"]), "n.docx")
    assert art.text == "Đảng ủy xã hòa giải\nkhỏe"


@pytest.mark.parametrize(
    "data, needle",
    [
        (b"PK\x03\x04 not really a zip", "broken .docx"),
        (b"hello", "broken .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "save it as .docx"),
    ],
)
def test_broken_docx_is_a_value_error(data, needle):
    with pytest.raises(ValueError, match=needle):
        read_document(data, "hong.docx")


def test_zip_that_is_not_a_docx_is_refused():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "xin chào")
    with pytest.raises(ValueError, match="not a .docx"):
        read_document(buf.getvalue(), "x.docx")


def test_docx_with_damaged_xml_is_a_value_error():
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(make_docx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            data = src.read(item)
            z.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    with pytest.raises(ValueError, match="broken .docx"):
        read_document(buf.getvalue(), "x.docx")


def test_empty_docx_is_refused():
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(ValueError, match="empty document"):
        read_document(buf.getvalue(), "rong.docx")


def test_old_doc_gets_the_save_as_docx_advice():
    with pytest.raises(ValueError, match="lưu lại dưới dạng .docx"):
        read_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cu.DOC")


def test_unsupported_suffix_is_refused():
    with pytest.raises(ValueError, match="unsupported document type"):
        read_document(b"x", "a.odt")


# --- .pdf ------------------------------------------------------------------------------


def test_pdf_text_layer_with_vietnamese_is_read_and_lines_joined():
    art = read_document(make_pdf(WRAPPED), "bao-cao.pdf")
    assert art.id == "bao-cao"
    assert art.title == "BÁO CÁO KẾT QUẢ CÔNG TÁC XÂY DỰNG ĐẢNG"
    assert art.text.split("\n") == [
        " ".join(WRAPPED[1:4]),
        "Một số kết quả chủ yếu:",
        WRAPPED[5],
        WRAPPED[6],
        " ".join(WRAPPED[7:9]),
    ]


def test_pdf_title_metadata_wins_and_page_numbers_are_dropped():
    art = read_document(make_pdf(WRAPPED[1:4] + ["2"], title="Báo cáo năm 2024"), "b.pdf")
    assert art.title == "Báo cáo năm 2024"
    assert art.text == " ".join(WRAPPED[1:4])


def test_pdf_without_text_is_refused_as_scanned():
    with pytest.raises(ValueError) as err:
        read_document(make_pdf(None, pages=2), "scan.pdf")
    assert str(err.value) == SCANNED_PDF
    assert "OCR" in SCANNED_PDF and ".docx" in SCANNED_PDF and "scanned PDF without a text layer" in SCANNED_PDF


def _encrypted(user_password: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf(WRAPPED)))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_password_protected_pdf_is_refused():
    with pytest.raises(ValueError, match="password-protected PDF"):
        read_document(_encrypted("mat-khau"), "kin.pdf")


def test_pdf_with_owner_password_only_is_read():
    assert "45 đảng viên mới" in read_document(_encrypted(""), "mo.pdf").text


@pytest.mark.parametrize("data", [b"%PDF", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", b"not a pdf at all", b""])
def test_broken_pdf_is_a_value_error(data):
    with pytest.raises(ValueError, match="PDF"):
        read_document(data, "hong.pdf")


def test_truncated_pdf_is_a_value_error_or_reads():
    data = make_pdf(WRAPPED)
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        try:
            read_document(data[:cut], "cut.pdf")
        except ValueError:
            pass  # anything else propagating fails the test


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["Dòng một chưa hết câu và còn tiếp tục ở", "dòng sau."], ["Dòng một chưa hết câu và còn tiếp tục ở dòng sau."]),
        (["Câu thứ nhất đã xong rồi.", "Câu thứ hai."], ["Câu thứ nhất đã xong rồi.", "Câu thứ hai."]),
        (["Chủ nghĩa Mác-", "Lênin là nền tảng tư tưởng."], ["Chủ nghĩa Mác-Lênin là nền tảng tư tưởng."]),
        (["NGHỊ QUYẾT", "Về công tác cán bộ năm 2024"], ["NGHỊ QUYẾT", "Về công tác cán bộ năm 2024"]),
        (["Nội dung chính gồm các việc sau đây", "1. Kiện toàn tổ chức."], ["Nội dung chính gồm các việc sau đây", "1. Kiện toàn tổ chức."]),
        (["Một dòng dài dài dài dài dài dài dài dài", "Ngắn", "Tiếp theo"], ["Một dòng dài dài dài dài dài dài dài dài Ngắn", "Tiếp theo"]),
        (["Đoạn một không dấu chấm", "", "Đoạn hai"], ["Đoạn một không dấu chấm", "Đoạn hai"]),
    ],
)
def test_join_lines(lines, expected):
    assert join_lines(lines) == expected


# --- .html -----------------------------------------------------------------------------


def test_saved_html_page_is_read_with_file_stem_as_id():
    art = read_document((PORTAL / "a2-so-ket-nghi-quyet.html").read_bytes(), "so-ket.html", origin="x/so-ket.html")
    assert art.id == "so-ket" and art.origin == "x/so-ket.html"
    assert art.title == "Sơ kết 3 năm thực hiện Nghị quyết về chuyển đổi số"
    assert art.text == (PORTAL / "a2-so-ket-nghi-quyet.body.txt").read_text("utf-8").rstrip("\n")
    assert art.url == "https://bacson.example.vn/tin-tuc/so-ket-3-nam-chuyen-doi-so.html"  # its canonical link


def test_saved_html_with_relative_canonical_has_no_url():
    art = read_document((PORTAL / "a1-ket-nap-dang-vien.html").read_bytes(), "a1.htm")
    assert art.url is None and art.id == "a1"


def test_tcvn3_html_document_is_refused():
    with pytest.raises(ValueError, match="TCVN3"):
        read_document((PORTAL / "d1-tcvn3-refused.html").read_bytes(), "cu.html")


# --- through index.corpus --------------------------------------------------------------


def test_corpus_reads_a_folder_of_documents(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bao-cao.pdf").write_bytes(make_pdf(WRAPPED))
    (folder / "ket-qua.docx").write_bytes(make_docx(title="Kết quả"))
    (folder / "trang.html").write_bytes((PORTAL / "b1-hoi-nghi-bch-dang-bo-tinh.html").read_bytes())
    (folder / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "scan.pdf").write_bytes(make_pdf(None))
    (folder / "ghi-chu.txt").write_text("Ghi chú\nChi bộ họp ngày 5.", "utf-8")
    items = list(read_corpus([folder]))
    arts = {i.id: i for i in items if not isinstance(i, ReadError)}
    errors = {Path(e.where).name: e.reason for e in items if isinstance(e, ReadError)}
    assert sorted(arts) == ["bao-cao", "ghi-chu", "ket-qua", "trang"]
    assert all(a.origin == str(folder / f) for a, f in [(arts["bao-cao"], "bao-cao.pdf"), (arts["trang"], "trang.html")])
    assert arts["trang"].title == "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 18"
    assert sorted(errors) == ["cu.doc", "hong.pdf", "scan.pdf"]
    assert ".docx" in errors["cu.doc"] and "broken PDF" in errors["hong.pdf"] and errors["scan.pdf"] == SCANNED_PDF
    assert count_articles([folder]) == 7


def test_read_file_gives_read_error_not_exception_for_broken_docx(tmp_path):
    p = tmp_path / "hong.docx"
    p.write_bytes(b"PK\x03\x04garbage")
    [item] = list(read_file(p))
    assert isinstance(item, ReadError) and item.where == str(p) and "broken .docx" in item.reason


@pytest.mark.parametrize(
    "name, data, expected_ids",
    [
        ("up.jsonl", b'{"id": "u1", "text": "Chi bo hop"}\n{"id": "u2", "text": "Hai"}\n', ["u1", "u2"]),
        ("ghi-chu.txt", "Tiêu đề\nThân bài".encode(), ["ghi-chu"]),
        ("ket-qua.docx", None, ["ket-qua"]),
        ("bao-cao.pdf", None, ["bao-cao"]),
    ],
)
def test_read_bytes_for_uploads_has_no_origin(name, data, expected_ids):
    if data is None:
        data = make_docx(title="Kết quả") if name.endswith(".docx") else make_pdf(WRAPPED)
    items = list(read_bytes(data, name, origin=None))
    assert [i.id for i in items] == expected_ids
    assert all(i.origin is None for i in items)


def test_read_bytes_errors_name_the_upload():
    [err] = list(read_bytes(b"%PDF-junk", "tai-lieu.pdf", origin=None))
    assert isinstance(err, ReadError) and err.where == "tai-lieu.pdf"
    [err] = list(read_bytes(b"Ti\xeau \xf0\xea\xec", "x.md", origin="kho/x.md"))
    assert isinstance(err, ReadError) and err.where == "kho/x.md"


def test_read_bytes_respects_the_size_cap(monkeypatch):
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 100)
    [err] = list(read_bytes(b"x" * 101, "lon.pdf", origin=None))
    assert isinstance(err, ReadError) and "quá lớn" in err.reason


def test_document_longer_than_the_article_cap_is_refused(monkeypatch):
    monkeypatch.setattr(corpus, "MAX_ARTICLE_CHARS", 50)
    [err] = list(read_bytes(make_docx(title="Dài"), "dai.docx", origin=None))
    assert isinstance(err, ReadError) and "quá dài" in err.reason
