"""index.webpage: charset, canonical URLs, and the article in a portal page.

The portal pages are in tests/fixtures/portal (see its README): each has the exact
expected body in ``<name>.body.txt`` and the title/date in ``<name>.meta.json``.
"""

import json
import unicodedata
from datetime import datetime

import pytest

from conftest import FIXTURES
from index.webpage import (
    MAX_PAGE_CHARS,
    article_id_for,
    canonical_url,
    charset_of,
    decode_html,
    extract_article,
    parse_date,
)

PORTAL = FIXTURES / "portal"
BASE = "http://127.0.0.1:8765"
PAGES = sorted(p.name.removesuffix(".body.txt") for p in PORTAL.glob("*.body.txt"))

# Words of the menus, sidebars, related lists, share bars, comment boxes and footers
# of the two templates: none may reach an article's text.
BOILERPLATE = [
    "Trang chủ", "Giới thiệu", "Liên hệ", "Đăng nhập", "Hôm nay", "Tìm kiếm", "Tin liên quan",
    "Tin mới", "Tin đọc nhiều", "Các tin khác", "Ý kiến bạn đọc", "Gửi ý kiến", "Họ và tên",
    "Chia sẻ", "Facebook", "Zalo", "In bài viết", "In trang", "Gửi bài viết", "Từ khóa",
    "Bản quyền", "Địa chỉ", "Điện thoại", "Giấy phép", "Lượt xem", "Lượt truy cập",
    "LIÊN KẾT WEBSITE", "THĂM DÒ Ý KIẾN", "Xem thêm", "Cơ quan chủ quản", "Chi bộ khu dân cư số 3",
    "Ra quân vệ sinh", "Hội thi Bí thư", "Trao Huy hiệu 60 năm", "Lễ kỷ niệm 95 năm",
    "Đẩy mạnh công tác dân vận chính quyền", "Ngày đăng", "Tin tức", "Văn bản",
]


def _page(name: str) -> bytes:
    return (PORTAL / f"{name}.html").read_bytes()


def _meta(name: str) -> dict:
    return json.loads((PORTAL / f"{name}.meta.json").read_text("utf-8"))


def _extract(name: str, **kw):
    return extract_article(_page(name), f"{BASE}/{name}.html", "text/html", **kw)


def test_fixture_set_is_complete():
    assert len(PAGES) >= 5  # four UTF-8 pages on two templates + the Windows-1258 one
    assert {_meta(p)["template"] for p in PAGES} >= {"A", "B"}


@pytest.mark.parametrize("name", PAGES)
def test_extracted_text_is_exactly_the_article_body(name):
    expected = (PORTAL / f"{name}.body.txt").read_text("utf-8").rstrip("\n")
    assert _extract(name).text == expected


@pytest.mark.parametrize("name", PAGES)
def test_no_boilerplate_leaks_into_the_text(name):
    text = _extract(name).text
    leaked = [w for w in BOILERPLATE if w in text]
    assert leaked == []
    assert "\n\n" not in text and text == text.strip()


@pytest.mark.parametrize("name", PAGES)
def test_title_and_date(name):
    art = _extract(name, source="Cổng TTĐT")
    meta = _meta(name)
    assert art.title == meta["title"]
    assert art.date == datetime.fromisoformat(meta["date"])
    assert art.source == "Cổng TTĐT" and art.origin is None
    assert art.title not in art.text.split("\n")


def test_date_comes_from_the_article_not_the_header_clock():
    # a1's header says "Hôm nay: Thứ Năm, 20/06/2024"; the sidebar has 19/12/2023
    assert _extract("a1-ket-nap-dang-vien").date == datetime(2023, 12, 18, 8, 30)


def test_same_host_relative_canonical_gives_url_and_id():
    art = _extract("a1-ket-nap-dang-vien")
    assert art.url == f"{BASE}/tin-tuc/dang-bo-phuong-thach-lam-ket-nap-45-dang-vien-moi.html"
    assert art.id == art.url


@pytest.mark.parametrize("name", ["a2-so-ket-nghi-quyet", "b2-dan-van-kheo"])
def test_canonical_on_another_host_is_ignored(name):
    art = _extract(name)
    assert art.url == f"{BASE}/{name}.html" and art.id == art.url


def test_same_host_canonical_is_cleaned():
    # b2's canonical: http://hoagiang.example.vn:80/...?ItemID=2087&fbclid=...#top
    art = extract_article(_page("b2-dan-van-kheo"), "HTTP://HoaGiang.example.vn/Pages/x.aspx?utm_source=zalo")
    assert art.url == "http://hoagiang.example.vn/Pages/dan-van-kheo-lam-phu.aspx?ItemID=2087"
    assert art.id == art.url


def test_fetched_url_is_canonicalized_when_no_canonical_link():
    art = extract_article(_page("b1-hoi-nghi-bch-dang-bo-tinh"), f"{BASE}/b1.html?utm_medium=x&id=7#c")
    assert art.url == f"{BASE}/b1.html?id=7"


# --- canonical URLs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("HTTPS://Example.VN:443/Tin/A.html", "https://example.vn/Tin/A.html"),
        ("http://example.vn:80", "http://example.vn/"),
        ("http://example.vn:8080/a", "http://example.vn:8080/a"),
        ("http://example.vn/a#binh-luan", "http://example.vn/a"),
        (
            "http://example.vn/a?utm_source=fb&id=3&fbclid=X&gclid=Y&zarsrc=31&zalo_sc=1&_ga=2&mc_cid=1&ref=home&p=2",
            "http://example.vn/a?id=3&p=2",
        ),
        ("http://example.vn/a?b=2&a=1", "http://example.vn/a?b=2&a=1"),
        ("http://example.vn/a?utm_campaign=x", "http://example.vn/a"),
        ("http://127.0.0.1:8765/x", "http://127.0.0.1:8765/x"),
        ("http://localhost:8765/x", "http://localhost:8765/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://10.0.0.5/x", "http://10.0.0.5/x"),
        ("http://example.vn/tin tức/đảng", "http://example.vn/tin%20t%E1%BB%A9c/%C4%91%E1%BA%A3ng"),
        ("http://example.vn/a%2fb", "http://example.vn/a%2Fb"),
        ("  http://example.vn/a  ", "http://example.vn/a"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_resolves_against_base():
    assert canonical_url("../b?x=1#f", "http://example.vn/tin/a/") == "http://example.vn/tin/b?x=1"
    assert canonical_url("//cdn.example.vn/x", "https://example.vn/") == "https://cdn.example.vn/x"


@pytest.mark.parametrize("url", ["/tin/a.html", "ftp://example.vn/a", "mailto:a@example.vn", "http:///x", "http://e.vn:99999/"])
def test_canonical_url_refuses_non_http_or_relative(url):
    with pytest.raises(ValueError):
        canonical_url(url)


def test_article_id_is_the_canonical_url_and_long_ones_are_hashed():
    assert article_id_for("http://Example.vn/a?utm_source=x") == "http://example.vn/a"
    long_a = "http://example.vn/" + "a" * 300
    long_b = "http://example.vn/" + "a" * 299 + "b"
    ida, idb = article_id_for(long_a), article_id_for(long_b)
    assert len(ida) == 200 + 1 + 16 and ida.startswith(long_a[:200] + "#")
    assert ida != idb and ida == article_id_for(long_a + "#frag")
    exactly = "http://example.vn/" + "x" * (255 - len("http://example.vn/"))
    assert article_id_for(exactly) == exactly


# --- charsets -------------------------------------------------------------------------


def test_charset_of_prefers_bom_then_header_then_meta():
    meta = b'<html><head><meta charset="windows-1258"></head>'
    assert charset_of(b"\xef\xbb\xbf" + meta, "text/html; charset=iso-8859-1") == "utf-8"
    assert charset_of(meta, "text/html; charset=ISO-8859-1") == "iso-8859-1"
    assert charset_of(meta, "text/html") == "windows-1258"
    http_equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
    assert charset_of(http_equiv, None) == "utf-8"
    assert charset_of(b"<html><p>x</p></html>", None) is None


def test_windows_1258_page_is_decoded_and_nfc():
    raw = _page("c1-cp1258-dai-hoi-chi-bo")
    assert b"Ho\xcca" in raw  # "Hòa": o + combining grave byte, as Windows wrote it
    html = decode_html(raw)
    assert "Hòa An" in html and html == unicodedata.normalize("NFC", html)


def test_windows_1258_without_a_declaration_is_refused():
    raw = _page("c1-cp1258-dai-hoi-chi-bo").replace(b"; charset=windows-1258", b"")
    with pytest.raises(ValueError, match="UTF-8"):
        decode_html(raw)


def test_tcvn3_page_is_refused_with_reason():
    with pytest.raises(ValueError, match=r"TCVN3.*\(legacy TCVN3/ABC"):
        extract_article(_page("d1-tcvn3-refused"), f"{BASE}/d1.html", "text/html")


def test_tcvn3_refused_even_without_a_charset_label():
    raw = _page("d1-tcvn3-refused").replace(b"; charset=iso-8859-1", b"")
    with pytest.raises(ValueError, match="TCVN3"):
        decode_html(raw)


def test_vni_page_is_refused():
    # "Đảng bộ phường Tân Hòa kết nạp đảng viên mới..." in the VNI font encoding
    vni = "Ñaûng boä phöôøng Taân Hoøa keát naïp 45 ñaûng vieân môùi, naâng toång soá ñaûng vieân leân 215 ñoàng chí. "
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{vni * 3}</p></body></html>'
    with pytest.raises(ValueError, match="VNI"):
        decode_html(page.encode("cp1252"))


def test_vietnamese_mislabelled_as_windows_1252_is_refused():
    body = _page("c1-cp1258-dai-hoi-chi-bo").replace(b"windows-1258", b"windows-1252")
    with pytest.raises(ValueError, match="windows-1252"):
        decode_html(body)


def test_utf8_page_served_as_latin1_is_read_as_utf8():
    html = decode_html(_page("a1-ket-nap-dang-vien"), "text/html; charset=ISO-8859-1")
    assert "Đảng bộ phường Thạch Lâm" in html


def test_real_latin1_page_is_accepted():
    french = "<html><body><p>Le comité a élu où se trouve la réunion, été très ensoleillé.</p></body></html>"
    assert "comité" in decode_html(french.encode("latin-1"), "text/html; charset=iso-8859-1")


def test_utf8_mojibake_is_refused():
    mojibake = "Đảng bộ phường kết nạp đảng viên mới, sinh hoạt chi bộ".encode("utf-8").decode("cp1252", "replace")
    page = f"<html><body><p>{mojibake} {mojibake}</p></body></html>"
    with pytest.raises(ValueError, match="mojibake"):
        decode_html(page.encode("utf-8"))


def test_invalid_utf8_is_refused_with_byte_offset():
    with pytest.raises(ValueError, match="byte 18"):
        decode_html(b"<html><body><p>abc\xff\xfe</p></body></html>", "text/html; charset=utf-8")


def test_unknown_charset_is_refused():
    with pytest.raises(ValueError, match="unsupported charset"):
        decode_html(b"<html><p>\xe9\xe9</p></html>", "text/html; charset=x-klingon")


def test_too_large_page_is_refused():
    with pytest.raises(ValueError, match="too large"):
        decode_html(b"<html><body><p>" + b"a" * (MAX_PAGE_CHARS + 1) + b"</p></body></html>")


# --- what is not an article -----------------------------------------------------------


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"%PDF-1.4 ...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", None),
        (b"%PDF-1.7 binary", "application/octet-stream"),
        (b'{"id": 1, "text": "Chi bo"}', "application/json"),
        (b"Chi bo dang hop, khong co the HTML nao ca. " * 20, "text/plain"),
        (b"", "text/html"),
    ],
)
def test_not_html_is_refused(body, content_type):
    with pytest.raises(ValueError, match="HTML|rỗng"):
        extract_article(body, f"{BASE}/x", content_type)


def test_page_without_article_text_is_refused():
    page = "<html><head><title>Trang chủ</title></head><body><nav><a href='/'>Trang chủ</a></nav><p>Xin chào.</p></body></html>"
    with pytest.raises(ValueError, match="no article text"):
        extract_article(page.encode(), f"{BASE}/", "text/html")


def test_page_with_no_date_anywhere_has_none():
    paras = "".join(f"<p>Đoạn văn thứ {i} của bài viết về công tác xây dựng Đảng ở cơ sở, nội dung đủ dài.</p>" for i in range(5))
    page = f"<html><head><title>Bài không ngày</title></head><body><h1>Bài không ngày</h1><div>{paras}</div></body></html>"
    art = extract_article(page.encode(), f"{BASE}/khong-ngay", "text/html")
    assert art.date is None and art.title == "Bài không ngày" and art.text.count("\n") == 4


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thứ Hai, 18/12/2023 08:30", datetime(2023, 12, 18, 8, 30)),
        ("Ngày đăng 09/01/2024 | 07:45 | Lượt xem: 2.415", datetime(2024, 1, 9, 7, 45)),
        ("Cập nhật lúc 10:20 ngày 02/11/2023", datetime(2023, 11, 2, 10, 20)),
        ("08h30 - 5/3/2024", datetime(2024, 3, 5, 8, 30)),
        ("Hà Nội, ngày 5 tháng 3 năm 2024", datetime(2024, 3, 5)),
        ("2024-03-05T14:15:00+07:00", datetime(2024, 3, 5, 14, 15)),
        ("2024-03-05T07:15:00Z", datetime(2024, 3, 5, 14, 15)),
        ("2024-03-05", datetime(2024, 3, 5)),
        ("Điện thoại: 024.3872.0000", None),
        ("31/02/2024", None),
        ("01/01/1800", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def _bare_page(head: str, body: str) -> bytes:
    paras = "".join(f"<p>Đoạn {i}: Đảng bộ phường tổ chức hội nghị, kết nạp thêm đảng viên mới, nội dung dài.</p>" for i in range(5))
    return f"<html><head>{head}</head><body>{body}<div class='noi-dung'>{paras}</div></body></html>".encode()


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2024-03-05T07:15:00Z">',
        '<meta itemprop="datePublished" content="2024-03-05T14:15:00+07:00">',
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-05T14:15:00+07:00"}</script>',
    ],
)
def test_date_from_meta_or_json_ld_when_the_page_shows_none(head):
    art = extract_article(_bare_page(head + "<title>Tin</title>", "<h1>Tin</h1>"), f"{BASE}/m", "text/html")
    assert art.date == datetime(2024, 3, 5, 14, 15)


def test_title_from_og_title_matched_to_a_visible_heading():
    head = '<title>Cổng TTĐT phường</title><meta property="og:title" content="Hội nghị sơ kết quý I - Cổng TTĐT phường">'
    art = extract_article(_bare_page(head, '<h2 class="tieu-de">Hội nghị sơ kết quý I</h2>'), f"{BASE}/t", "text/html")
    assert art.title == "Hội nghị sơ kết quý I"
    assert not art.text.startswith("Hội nghị sơ kết quý I")


def test_logo_h1_is_not_the_title():
    body = '<header><h1 class="logo">Cổng thông tin điện tử</h1></header><h1>Chi bộ sinh hoạt chuyên đề</h1>'
    art = extract_article(_bare_page("<title>Trang</title>", body), f"{BASE}/l", "text/html")
    assert art.title == "Chi bộ sinh hoạt chuyên đề"


@pytest.mark.parametrize("name", PAGES)
def test_page_served_at_its_meta_path_with_its_charset(name):
    # as tests/portal_site.py serves them: at meta["path"], charset in the header
    meta = _meta(name)
    url = f"{BASE}{meta['path']}"
    art = extract_article(_page(name), url, f"text/html; charset={meta['charset']}")
    assert (art.url, art.id, art.title) == (url, url, meta["title"])
    assert art.text == (PORTAL / f"{name}.body.txt").read_text("utf-8").rstrip("\n")


def test_tcvn3_page_served_with_its_declared_charset_is_refused():
    meta = _meta("d1-tcvn3-refused")
    with pytest.raises(ValueError, match=meta["refused"]):
        extract_article(_page("d1-tcvn3-refused"), f"{BASE}{meta['path']}", f"text/html; charset={meta['charset']}")


# --- leads (sapo) in the layouts portals use: each case failed before the bench's fixes ---

LEAD = "Sáng 15/12/2023, Đảng ủy phường Thạch Lâm tổ chức hội nghị tổng kết công tác xây dựng Đảng năm 2023 với sự tham dự của 120 đại biểu."
P1 = "Theo báo cáo, toàn Đảng bộ hiện có 18 chi bộ trực thuộc với 1.126 đảng viên. Trong năm, các chi bộ đã giới thiệu 52 quần chúng ưu tú đi học lớp nhận thức về Đảng."
P2 = "Đảng ủy phường cũng đã trao Huy hiệu 30, 40, 50, 55 năm tuổi Đảng cho 37 đảng viên; 100% chi bộ được đánh giá hoàn thành tốt nhiệm vụ trở lên."
LEAD_CASES = {
    "bare sapo div": f'<div class="detail"><h1>Hội nghị tổng kết</h1><div class="date">18/12/2023 08:30</div><div class="sapo">{LEAD}</div><div class="content"><p>{P1}</p><p>{P2}</p></div></div>',
    "h2 sapo + entry-content": f'<div class="detail"><h1>Hội nghị tổng kết</h1><h2 class="sapo">{LEAD}</h2><div class="entry-content"><p>{P1}</p><p>{P2}</p></div></div>',
    "p lead + article-body": f'<article><h1>Hội nghị tổng kết</h1><p class="lead">{LEAD}</p><div class="article-body"><p>{P1}</p><p>{P2}</p></div></article>',
    "strong lead unmarked": f'<div class="detail"><h1>Hội nghị tổng kết</h1><p><strong>{LEAD}</strong></p><div class="noidung"><p>{P1}</p><p>{P2}</p></div></div>',
}


@pytest.mark.parametrize("layout", sorted(LEAD_CASES))
def test_the_lead_is_kept_before_the_body_whatever_its_markup(layout):
    from index.webpage import parse_page

    html = ("<html><head><title>Hội nghị tổng kết - Cổng TTĐT</title></head><body><nav><a href=/>Trang chủ</a></nav>"
            + LEAD_CASES[layout] + "<footer>© 2023</footer></body></html>")
    assert parse_page(html).text.split("\n") == [LEAD, P1, P2]
