"""`hoidap sources add|list|remove` and `hoidap fetch`, in a subprocess, against a
loopback portal; `hoidap ingest` of Word, PDF and HTML documents."""

from __future__ import annotations

import json

import pytest

from portal import portal  # noqa: F401
from portal_site import build_site
from test_cli import hoidap

pytestmark = pytest.mark.slow  # subprocesses and an HTTP server

FAST = ["--timeout", "2", "--delay", "0"]  # the slow page takes 6 s


def test_sources_and_fetch_from_the_command_line(tmp_path, portal):
    site = build_site(portal)
    d = tmp_path / "d"
    r = hoidap("sources", "add", site.feed_url, "--name", "tin-tuc", data_dir=d)
    assert r.returncode == 0 and "Đã thêm nguồn tin-tuc" in r.stdout, r.stderr
    r = hoidap("sources", "add", site.sitemap_url, "--kind", "sitemap", data_dir=d)
    assert r.returncode == 0, r.stderr
    r = hoidap("sources", "add", "ftp://x.vn/rss", data_dir=d)
    assert r.returncode == 2 and "không hợp lệ" in r.stderr

    r = hoidap("fetch", *FAST, "--json", data_dir=d)
    assert r.returncode == 1, r.stderr  # some pages failed: exit code 1, everything else stored
    rep = json.loads(r.stdout)
    assert rep["ingest"]["added"] == len(site.articles)
    errors = {e["url"]: e["reason"] for s in rep["sources"] for e in s["errors"]}
    assert set(errors) == set(site.failures)

    r = hoidap("sources", "list", "--json", data_dir=d)
    listed = {s["name"]: s for s in json.loads(r.stdout)}
    assert listed["tin-tuc"]["last_status"] == "partial" and listed["tin-tuc"]["articles"] == 3
    r = hoidap("sources", "list", data_dir=d)
    assert "tin-tuc" in r.stdout and "HTTP 404" in r.stdout

    r = hoidap("fetch", *FAST, "--source", "127.0.0.1:%d" % portal.port, data_dir=d)
    assert r.returncode == 0, r.stderr  # the sitemap source, named after its host: nothing new
    assert "0 added" in r.stderr

    r = hoidap("ask", "Đảng bộ phường Thạch Lâm kết nạp bao nhiêu đảng viên mới?", "--json", data_dir=d)
    assert json.loads(r.stdout)["passages"][0]["url"] == site.articles["a1-ket-nap-dang-vien"]["url"]

    r = hoidap("sources", "remove", "tin-tuc", data_dir=d)
    assert r.returncode == 0 and "vẫn được giữ" in r.stdout
    r = hoidap("fetch", "--source", "tin-tuc", data_dir=d)
    assert r.returncode == 2 and "không có nguồn" in r.stderr


def test_fetch_without_sources_says_how_to_add_one(tmp_path):
    r = hoidap("fetch", data_dir=tmp_path / "d")
    assert r.returncode == 2 and "hoidap sources add" in r.stderr


def test_sources_env_seeds_the_list(tmp_path):
    r = hoidap("sources", "list", "--json", data_dir=tmp_path / "d",
               env_extra={"SOURCES": "longbien=https://longbien.hanoi.gov.vn/rss feed"})
    assert [s["name"] for s in json.loads(r.stdout)] == ["longbien"]


def test_ingest_documents(tmp_path):
    from test_documents import make_docx, make_pdf

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "nghi-quyet.docx").write_bytes(make_docx(title="Nghị quyết xã Tân Lập", paragraphs=[
        "Năm 2025, Đảng bộ xã Tân Lập kết nạp 19 đảng viên mới."]))
    (folder / "bao-cao.pdf").write_bytes(make_pdf(["Báo cáo của Đảng ủy phường Hòa Bình.",
                                                         "Năm 2025, Đảng bộ phường Hòa Bình kết nạp 23 đảng viên mới."]))
    (folder / "scan.pdf").write_bytes(make_pdf(None))
    (folder / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    r = hoidap("ingest", str(folder), "--json", data_dir=tmp_path / "d")
    assert r.returncode == 1
    rep = json.loads(r.stdout)
    assert rep["added"] == 2 and rep["failed"] == 2
    reasons = " ".join(e["reason"] for e in rep["errors"])
    assert "OCR" in reasons and ".docx" in reasons
    r = hoidap("ask", "Đảng bộ xã Tân Lập kết nạp bao nhiêu đảng viên mới?", "--json", data_dir=tmp_path / "d")
    assert "19" in json.loads(r.stdout)["answer"]
