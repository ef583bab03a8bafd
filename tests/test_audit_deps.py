"""tools/audit_deps.py: OSV range semantics, floors, scope, allow-list, exit codes.

Everything but the last test runs on small OSV records written here (the pip-audit probe
on a local HTTP server, plus one real probe bounded in time); the last one runs the script
on the real snapshot in ../shared (skipped where that folder is absent).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from conftest import ROOT, shared_path

SCRIPT = ROOT / "tools" / "audit_deps.py"
_spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
audit_deps = importlib.util.module_from_spec(_spec)
sys.modules["audit_deps"] = audit_deps  # dataclasses look their module up
_spec.loader.exec_module(audit_deps)

Dist = audit_deps.Dist
Floor = audit_deps.Floor
TODAY = dt.date(2026, 12, 2)


# --- helpers -----------------------------------------------------------------------------------


def rng(*events: tuple[str, str], type: str = "ECOSYSTEM") -> dict:
    return {"type": type, "events": [{kind: v} for kind, v in events]}


def record(
    id: str,
    package: str,
    *ranges: dict,
    versions: list[str] | None = None,
    ecosystem: str = "PyPI",
    aliases: list[str] | None = None,
    modified: str = "2024-01-01T00:00:00Z",
    **extra,
) -> dict:
    affected = {"package": {"ecosystem": ecosystem, "name": package}, "ranges": list(ranges)}
    if versions is not None:
        affected["versions"] = versions
    return {"id": id, "aliases": aliases or [], "modified": modified, "affected": [affected], **extra}


def write_snapshot(folder: Path, *records: dict, readme: str | None = "# snapshot of 2024-10-10\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "advisories.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    if readme is not None:
        (folder / "README.md").write_text(readme, encoding="utf-8")
    return folder


def load(tmp_path: Path, *records: dict):
    return audit_deps.load_snapshot(write_snapshot(tmp_path / "snap", *records))


def affected(snapshot, package: str, version: str) -> list[str]:
    """Ids of the advisories affecting ``package`` at ``version``."""
    return [h.advisory.id for h in audit_deps.check_version(snapshot, package, Version(version))]


def write_pyproject(path: Path, deps: list[str], test: list[str] | None = None, name: str = "demo") -> Path:
    lines = [f'[project]\nname = "{name}"\nversion = "0"\ndependencies = {json.dumps(deps)}\n']
    if test is not None:
        lines.append(f"[project.optional-dependencies]\ntest = {json.dumps(test)}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def write_allow(path: Path, *entries: dict) -> Path:
    text = ""
    for e in entries:
        text += "[[allow]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in e.items())
    path.write_text(text, encoding="utf-8")
    return path


# --- OSV range semantics -----------------------------------------------------------------------


def test_introduced_inclusive_fixed_exclusive(tmp_path):
    snap = load(tmp_path, record("T-1", "pkg", rng(("introduced", "1.0"), ("fixed", "2.0"))))
    assert affected(snap, "pkg", "0.9") == []
    assert affected(snap, "pkg", "1.0") == ["T-1"]
    assert affected(snap, "pkg", "1.0.0") == ["T-1"]  # PEP 440: 1.0 == 1.0.0
    assert affected(snap, "pkg", "1.9.9") == ["T-1"]
    assert affected(snap, "pkg", "2.0rc1") == ["T-1"]  # a pre-release of the fix is before it
    assert affected(snap, "pkg", "2.0") == []
    [hit] = audit_deps.check_version(snap, "pkg", Version("1.5"))
    assert (hit.affected, hit.fixed) == (">=1.0,<2.0", "2.0")


def test_last_affected_is_inclusive(tmp_path):
    snap = load(tmp_path, record("T-1", "pkg", rng(("introduced", "1.0"), ("last_affected", "1.4"))))
    assert affected(snap, "pkg", "1.4") == ["T-1"]
    assert affected(snap, "pkg", "1.4.post1") == []
    assert affected(snap, "pkg", "1.4.1") == []
    [hit] = audit_deps.check_version(snap, "pkg", Version("1.2"))
    assert (hit.affected, hit.fixed) == (">=1.0,<=1.4", None)


def test_introduced_zero_means_every_version(tmp_path):
    snap = load(
        tmp_path,
        record("T-open", "pkg", rng(("introduced", "0"))),
        record("T-fixed", "pkg", rng(("introduced", "0"), ("fixed", "3.0"))),
    )
    assert affected(snap, "pkg", "0.0.dev0") == ["T-open", "T-fixed"]
    assert affected(snap, "pkg", "2.9") == ["T-open", "T-fixed"]
    assert affected(snap, "pkg", "3.0") == ["T-open"]
    assert affected(snap, "pkg", "1!0.1") == ["T-open"]  # epoch 1 sorts after every 3.x
    hits = {h.advisory.id: h for h in audit_deps.check_version(snap, "pkg", Version("1"))}
    assert hits["T-open"].affected == "all versions" and hits["T-open"].fixed is None
    assert hits["T-fixed"].affected == "<3.0" and hits["T-fixed"].fixed == "3.0"


def test_several_pairs_in_one_range_are_sorted_first(tmp_path):
    # the order of a real record (PYSEC-2021-47, pydantic): newest pair first
    events = [("introduced", "1.8"), ("fixed", "1.8.2"), ("introduced", "1.7"), ("fixed", "1.7.4")]
    snap = load(tmp_path, record("T-1", "pkg", rng(*events, ("introduced", "0"), ("fixed", "1.6.2"))))
    for version in ["0.1", "1.6.1", "1.7", "1.7.1", "1.7.3", "1.8", "1.8.1"]:
        assert affected(snap, "pkg", version) == ["T-1"], version
    for version in ["1.6.2", "1.6.9", "1.7.4", "1.7.9", "1.8.2", "2.0"]:
        assert affected(snap, "pkg", version) == [], version
    [hit] = audit_deps.check_version(snap, "pkg", Version("1.7.1"))
    assert (hit.affected, hit.fixed) == (">=1.7,<1.7.4", "1.7.4")


def test_limit_is_an_exclusive_upper_bound(tmp_path):
    snap = load(tmp_path, record("T-1", "pkg", rng(("introduced", "1.0"), ("limit", "1.5"))))
    assert affected(snap, "pkg", "1.4") == ["T-1"]
    assert affected(snap, "pkg", "1.5") == []
    [hit] = audit_deps.check_version(snap, "pkg", Version("1.4"))
    assert (hit.affected, hit.fixed) == (">=1.0,<1.5", None)


def test_versions_list_names_affected_versions(tmp_path):
    snap = load(
        tmp_path,
        record("T-1", "pkg", versions=["1.2", "1.3.0", "not a version!"]),
        record("T-2", "other", rng(("introduced", "2.0"), ("fixed", "2.1")), versions=["1.0"]),
    )
    assert affected(snap, "pkg", "1.2") == ["T-1"]
    assert affected(snap, "pkg", "1.2.0") == ["T-1"]
    assert affected(snap, "pkg", "1.3") == ["T-1"]
    assert affected(snap, "pkg", "1.2.1") == []
    assert affected(snap, "other", "1.0") == ["T-2"]  # listed, though outside the range
    assert affected(snap, "other", "2.0.5") == ["T-2"]  # in the range, though not listed
    assert affected(snap, "other", "1.1") == []
    [hit] = audit_deps.check_version(snap, "other", Version("1.0"))
    assert (hit.affected, hit.fixed) == ("version 1.0 listed", "2.1")
    assert snap.stats.unparseable_versions == 1


def test_git_ranges_are_ignored(tmp_path):
    git = rng(("introduced", "0"), ("fixed", "b42dd4badf803bb9fb71ac34cd9cb0c249262f2c"), type="GIT")
    snap = load(
        tmp_path,
        record("T-git", "pkg", git),
        record("T-both", "other", git, rng(("introduced", "4.0"), ("fixed", "4.3"))),
    )
    assert affected(snap, "pkg", "1.0") == []
    assert affected(snap, "other", "1.0") == []
    assert affected(snap, "other", "4.1") == ["T-both"]
    assert snap.stats.git_ranges == 2 and snap.stats.unparseable_versions == 0


def test_semver_ranges_are_evaluated(tmp_path):
    snap = load(tmp_path, record("T-1", "pkg", rng(("introduced", "1.0.0"), ("fixed", "1.2.0"), type="SEMVER")))
    assert affected(snap, "pkg", "1.1.0") == ["T-1"]


def test_other_ecosystems_are_ignored(tmp_path):
    snap = load(
        tmp_path,
        record("T-npm", "requests", rng(("introduced", "0")), ecosystem="npm"),
        record("T-deb", "requests", rng(("introduced", "0")), ecosystem="Debian:12"),
    )
    assert affected(snap, "requests", "2.0") == []
    assert snap.stats.other_ecosystems == 2


def test_withdrawn_records_are_ignored(tmp_path):
    snap = load(tmp_path, record("T-1", "pkg", rng(("introduced", "0")), withdrawn="2024-01-02T00:00:00Z"))
    assert affected(snap, "pkg", "1.0") == []
    assert snap.stats.withdrawn == 1


def test_a_range_with_an_unparseable_version_is_skipped_and_counted(tmp_path):
    snap = load(
        tmp_path,
        record(
            "T-1",
            "pkg",
            rng(("introduced", "0"), ("fixed", "2019-09-12")),  # a date, not a version (PYSEC-2019-125)
            rng(("introduced", "5.0"), ("fixed", "5.1")),
        ),
    )
    assert affected(snap, "pkg", "1.0") == []  # that range is not evaluated at all
    assert affected(snap, "pkg", "5.0") == ["T-1"]  # the record's other range still is
    assert snap.stats.unparseable_versions == 1
    assert snap.stats.skipped_ranges == [("T-1", "pkg", "2019-09-12")]


def test_package_names_are_pep503_normalized(tmp_path):
    snap = load(tmp_path, record("T-1", "Zope.Interface_Extra", rng(("introduced", "0"), ("fixed", "2"))))
    assert affected(snap, "zope-interface-extra", "1") == ["T-1"]
    requirements = [audit_deps.Declared.parse("dependencies", "ZOPE_interface.EXTRA>=1")]
    dists = {"zope-interface-extra": Dist("zope-interface-extra", "zope.interface-extra", "1.5", ())}
    allow = [audit_deps.AllowEntry("T-1", audit_deps.canonicalize_name("zope__Interface.extra"), "tested")]
    report = audit_deps.audit(snap, "demo", requirements, dists, allow)
    assert [(f.kind, f.subject.split()[0]) for f in report.findings] == [
        ("installed", "zope.interface-extra"),
        ("floor", "ZOPE_interface.EXTRA>=1"),
    ]
    assert all(f.allowed_by for f in report.findings) and report.stale == []


# --- floors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "floor"),
    [
        (">=1.2,<2", Floor(Version("1.2"))),
        ("<2,>=1.2", Floor(Version("1.2"))),
        (">=1.0,>=1.5", Floor(Version("1.5"))),
        ("~=1.4.2", Floor(Version("1.4.2"))),
        ("==1.3.*", Floor(Version("1.3"))),
        ("==2.0.1", Floor(Version("2.0.1"))),
        (">1.0", Floor(Version("1.0"), inclusive=False)),
        (">=1.0,!=1.0", Floor(Version("1.0"), inclusive=False)),
        ("<3", Floor(None)),
        ("!=1.5", Floor(None)),
        ("", Floor(None)),
    ],
)
def test_floor_of_a_range(spec, floor):
    assert audit_deps.floor_of(SpecifierSet(spec)) == floor


def floor_hits(snap, requirement: str) -> list[tuple[str, str]]:
    req = Requirement(requirement)
    floor = audit_deps.floor_of(req.specifier)
    hits = audit_deps.check_floor(snap, audit_deps.canonicalize_name(req.name), req.specifier, floor)
    return [(checked, hit.advisory.id) for checked, hit in hits]


def test_the_floor_is_checked_not_the_whole_range(tmp_path):
    snap = load(
        tmp_path,
        record("T-old", "pkg", rng(("introduced", "0"), ("fixed", "1.5"))),
        record("T-mid", "pkg", rng(("introduced", "2.0"), ("fixed", "2.0.1"))),
    )
    assert floor_hits(snap, "pkg>=1.2,<3") == [("1.2", "T-old")]
    assert floor_hits(snap, "pkg>=1.5,<3") == []  # raising the floor to the fix clears it
    assert floor_hits(snap, "pkg~=2.0.0") == [("2.0.0", "T-mid")]
    assert floor_hits(snap, "pkg==1.4.*") == [("1.4", "T-old")]


def test_a_range_without_floor_is_checked_at_the_lowest_version_an_advisory_could_hit(tmp_path):
    snap = load(
        tmp_path,
        record("T-all", "pkg", rng(("introduced", "0"), ("fixed", "0.5"))),
        record("T-new", "pkg", rng(("introduced", "4.0"), ("fixed", "4.2"))),
        record("T-listed", "pkg", versions=["2.5"]),
    )
    assert floor_hits(snap, "pkg<3") == [("any old version", "T-all"), ("2.5", "T-listed")]
    assert floor_hits(snap, "pkg") == [("any old version", "T-all"), ("4.0", "T-new"), ("2.5", "T-listed")]
    assert floor_hits(snap, "pkg<2") == [("any old version", "T-all")]


def test_an_exclusive_floor_is_checked_just_above_it(tmp_path):
    snap = load(
        tmp_path,
        record("T-fixed", "pkg", rng(("introduced", "0"), ("fixed", "2.0"))),
        record("T-last", "other", rng(("introduced", "0"), ("last_affected", "1.4"))),
    )
    assert floor_hits(snap, "pkg>1.4") == [("just above 1.4", "T-fixed")]
    assert floor_hits(snap, "pkg>2.0") == []
    assert floor_hits(snap, "other>1.4") == []  # 1.4 itself is the last affected
    assert floor_hits(snap, "other>1.3") == [("just above 1.3", "T-last")]


# --- what is audited ---------------------------------------------------------------------------


def test_dependency_closure_follows_extras_and_markers():
    dists = {
        "app": Dist("app", "App", "1", ('lib[fast]>=1', 'tool; extra == "cli"', 'old; python_version < "3"')),
        "lib": Dist("lib", "Lib", "1", ("base", 'speedup; extra == "fast"', 'docs; extra == "docs"')),
        "base": Dist("base", "base", "1", ()),
        "speedup": Dist("speedup", "SpeedUp", "1", ("ghost>=1",)),
        "tool": Dist("tool", "tool", "1", ()),
        "docs": Dist("docs", "docs", "1", ()),
        "old": Dist("old", "old", "1", ()),
        "pip": Dist("pip", "pip", "23.2.1", ()),
    }
    closure, missing = audit_deps.dependency_closure([Requirement("app")], dists)
    assert sorted(closure) == ["app", "base", "lib", "speedup"]
    assert missing == ["ghost"]
    closure, _ = audit_deps.dependency_closure([Requirement("app[cli]"), Requirement("lib[docs]")], dists)
    assert sorted(closure) == ["app", "base", "docs", "lib", "speedup", "tool"]


def test_installed_outside_the_closure_are_notes_unless_all_installed(tmp_path):
    snap = load(
        tmp_path,
        record("T-pip", "pip", rng(("introduced", "0"), ("fixed", "23.3"))),
        record("T-lib", "lib", rng(("introduced", "0"), ("fixed", "2"))),
    )
    dists = {
        "demo": Dist("demo", "demo", "0", ("lib",)),  # the project itself is never audited
        "lib": Dist("lib", "lib", "1.0", ()),
        "pip": Dist("pip", "pip", "23.2.1", ()),
    }
    requirements = [audit_deps.Declared.parse("dependencies", "lib>=2")]
    report = audit_deps.audit(snap, "demo", requirements, dists, [])
    assert [(f.kind, f.hit.advisory.id) for f in report.findings] == [("installed", "T-lib"), ("note", "T-pip")]
    assert [d.name for d in report.audited] == ["lib"] and [d.name for d in report.outside] == ["pip"]
    assert [f.hit.advisory.id for f in report.failing()] == ["T-lib"]
    report = audit_deps.audit(snap, "demo", requirements, dists, [], all_installed=True)
    assert sorted(f.hit.advisory.id for f in report.failing()) == ["T-lib", "T-pip"]


# --- allow-list --------------------------------------------------------------------------------


def test_allow_list_entries_need_a_reason(tmp_path):
    good = write_allow(tmp_path / "good.toml", {"id": "T-1", "package": "Some_Pkg", "reason": "not reachable"})
    assert audit_deps.load_allow_list(good, required=True) == [audit_deps.AllowEntry("T-1", "some-pkg", "not reachable")]
    for bad in ({"id": "T-1", "package": "pkg"}, {"id": "T-1", "package": "pkg", "reason": "  "}):
        path = write_allow(tmp_path / "bad.toml", bad)
        with pytest.raises(audit_deps.AuditError, match="needs a reason"):
            audit_deps.load_allow_list(path, required=True)
    path = write_allow(tmp_path / "typo.toml", {"id": "T-1", "package": "pkg", "reasons": "x"})
    with pytest.raises(audit_deps.AuditError, match="unknown keys"):
        audit_deps.load_allow_list(path, required=True)
    with pytest.raises(audit_deps.AuditError, match="allow-list not found"):
        audit_deps.load_allow_list(tmp_path / "missing.toml", required=True)
    assert audit_deps.load_allow_list(tmp_path / "missing.toml", required=False) == []


# --- the command: exit codes and messages ------------------------------------------------------


@pytest.fixture()
def demo(tmp_path, monkeypatch):
    """A snapshot with one advisory on lib < 2, a project needing lib>=2 with lib 1.0 installed."""
    snap = write_snapshot(
        tmp_path / "snap",
        record("PYSEC-T-1", "lib", rng(("introduced", "0"), ("fixed", "2.0")), aliases=["CVE-T-1"]),
    )
    pyproject = write_pyproject(tmp_path / "pyproject.toml", ["lib>=2"])
    dists = {"lib": Dist("lib", "lib", "1.0", ()), "demo": Dist("demo", "demo", "0", ("lib>=2",))}
    monkeypatch.setattr(audit_deps, "installed_distributions", lambda: dists)
    monkeypatch.delenv(audit_deps.ADVISORIES_ENV, raising=False)

    def run(*args: str) -> int:
        argv = ["--advisories", str(snap), "--pyproject", str(pyproject), "--no-pip-audit", *args]
        if "--allow" not in args:
            argv += ["--allow", str(write_allow(tmp_path / "empty.toml"))]
        return audit_deps.main(argv, today=TODAY)

    run.tmp_path = tmp_path
    run.dists = dists
    return run


def test_exit_1_on_an_unallowed_advisory(demo, capsys):
    assert demo() == 1
    out = capsys.readouterr().out
    assert "[FOUND] PYSEC-T-1 (CVE-T-1) — lib: lib 1.0; affected <2.0; first fixed in 2.0" in out
    assert "the project's dependency closure" in out
    assert "snapshot of 2024-10-10 (from its README), 2 years 1 month old (783 days)" in out
    assert "FAILED: 1 unallowed advisory" in out


def test_exit_0_when_clean(demo, capsys):
    demo.dists["lib"] = Dist("lib", "lib", "2.0", ())
    assert demo() == 0
    out = capsys.readouterr().out
    assert "lib>=2 (dependencies): floor 2: no advisory" in out
    assert "OK: no unallowed advisory" in out


def test_exit_0_when_allowed_with_a_reason_also_by_alias(demo, capsys):
    allow = write_allow(demo.tmp_path / "allow.toml", {"id": "CVE-T-1", "package": "LIB", "reason": "unused path"})
    assert demo("--allow", str(allow)) == 0
    out = capsys.readouterr().out
    assert "[allowed: unused path] PYSEC-T-1" in out and "stale" not in out


def test_exit_2_on_an_allow_entry_without_reason(demo, capsys):
    allow = write_allow(demo.tmp_path / "allow.toml", {"id": "PYSEC-T-1", "package": "lib"})
    assert demo("--allow", str(allow)) == 2
    assert "needs a reason" in capsys.readouterr().err


def test_stale_allow_entry_is_a_warning(demo, capsys):
    demo.dists["lib"] = Dist("lib", "lib", "2.0", ())
    allow = write_allow(demo.tmp_path / "allow.toml", {"id": "PYSEC-T-1", "package": "lib", "reason": "was old"})
    assert demo("--allow", str(allow)) == 0
    assert "warning: stale allow-list entry PYSEC-T-1 (lib): matches nothing any more" in capsys.readouterr().out


def test_exit_2_and_where_when_the_snapshot_is_absent(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(audit_deps.ADVISORIES_ENV, raising=False)
    assert audit_deps.main(["--advisories", str(tmp_path / "nowhere"), "--no-pip-audit"]) == 2
    err = capsys.readouterr().err
    assert f"advisory snapshot not found: {tmp_path / 'nowhere' / 'advisories.jsonl'}" in err
    assert "../shared/data/pypa-advisories" in err and "--advisories" in err and audit_deps.ADVISORIES_ENV in err


def test_the_snapshot_path_comes_from_the_environment(demo, monkeypatch, capsys):
    monkeypatch.setenv(audit_deps.ADVISORIES_ENV, str(demo.tmp_path / "elsewhere"))
    pyproject = str(demo.tmp_path / "pyproject.toml")
    assert audit_deps.main(["--pyproject", pyproject, "--no-pip-audit"], today=TODAY) == 2
    assert str(demo.tmp_path / "elsewhere") in capsys.readouterr().err


def test_snapshot_date_from_readme_else_newest_modified(tmp_path):
    folder = write_snapshot(
        tmp_path / "a",
        record("T-1", "pkg", rng(("introduced", "0")), modified="2024-03-01T00:00:00Z"),
        record("T-2", "pkg", rng(("introduced", "0")), modified="2024-05-06T12:00:00Z"),
        readme=None,
    )
    snap = audit_deps.load_snapshot(folder / "advisories.jsonl")  # the file itself also works
    assert (snap.date, snap.date_source) == ("2024-05-06", "newest 'modified' field")
    assert audit_deps.load_snapshot(write_snapshot(tmp_path / "b", readme="# PyPA, snapshot of 2024-10-10\n")).date == "2024-10-10"
    assert audit_deps.age_text("2024-10-10", TODAY) == "2 years 1 month old (783 days)"


def test_a_broken_snapshot_line_is_an_error(tmp_path):
    folder = write_snapshot(tmp_path / "snap", record("T-1", "pkg", rng(("introduced", "0"))))
    with (folder / "advisories.jsonl").open("a") as f:
        f.write("{not json\n")
    with pytest.raises(audit_deps.AuditError, match="advisories.jsonl:2: not an OSV record"):
        audit_deps.load_snapshot(folder)


# --- pip-audit ---------------------------------------------------------------------------------


def test_pip_audit_not_installed_says_only_the_snapshot_was_used(demo, monkeypatch, capsys):
    demo.dists["lib"] = Dist("lib", "lib", "2.0", ())
    monkeypatch.setattr(audit_deps, "pip_audit_command", lambda: None)
    snap, pyproject = demo.tmp_path / "snap", demo.tmp_path / "pyproject.toml"
    assert audit_deps.main(["--advisories", str(snap), "--pyproject", str(pyproject)], today=TODAY) == 0
    assert "pip-audit: not installed; only the snapshot (of 2024-10-10) was used" in capsys.readouterr().out


def test_pip_audit_unreachable_says_only_the_snapshot_was_used(demo, monkeypatch, capsys):
    demo.dists["lib"] = Dist("lib", "lib", "2.0", ())
    monkeypatch.setattr(audit_deps, "pip_audit_command", lambda: ["pip-audit"])
    monkeypatch.setattr(audit_deps, "probe_advisory_service", lambda: "HTTP 404")
    snap, pyproject = demo.tmp_path / "snap", demo.tmp_path / "pyproject.toml"
    assert audit_deps.main(["--advisories", str(snap), "--pyproject", str(pyproject)], today=TODAY) == 0
    out = capsys.readouterr().out
    expected = f"pip-audit: advisory service unreachable ({audit_deps.PROBE_URL}: HTTP 404); only the snapshot (of 2024-10-10) was used"
    assert expected in out


def test_pip_audit_findings_fail_the_run_when_it_runs(demo, monkeypatch, capsys, tmp_path):
    """A stand-in pip-audit that checks its arguments and reports two vulnerabilities, one
    of them the snapshot's (under another id): that one is not counted twice."""
    fake = tmp_path / "fake_pip_audit.py"
    fake.write_text(
        "import json, sys\n"
        "args = sys.argv[1:]\n"
        "assert '--no-deps' in args and '--disable-pip' in args, args\n"
        "pins = open(args[args.index('-r') + 1]).read().split()\n"
        "deps = [{'name': p.split('==')[0], 'version': p.split('==')[1],\n"
        "         'vulns': [{'id': 'GHSA-new', 'fix_versions': ['2.1']},\n"
        "                   {'id': 'GHSA-old', 'aliases': ['CVE-T-1'], 'fix_versions': ['2.0']}]} for p in pins]\n"
        "print(json.dumps({'dependencies': deps}))\n"
        "sys.exit(1)\n"
    )
    monkeypatch.setattr(audit_deps, "pip_audit_command", lambda: [sys.executable, str(fake)])
    monkeypatch.setattr(audit_deps, "probe_advisory_service", lambda: None)
    snap, pyproject = demo.tmp_path / "snap", demo.tmp_path / "pyproject.toml"
    assert audit_deps.main(["--advisories", str(snap), "--pyproject", str(pyproject)], today=TODAY) == 1
    out = capsys.readouterr().out
    assert "[FOUND] GHSA-new lib 1.0: fixed in 2.1" in out and "GHSA-old" not in out
    assert "[FOUND] PYSEC-T-1 (CVE-T-1) — lib: lib 1.0" in out and "FAILED: 2 unallowed advisories" in out


@pytest.fixture()
def http_server():
    """A local HTTP server answering every GET with the (status, body) set on it."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = server.answer
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.answer = (200, "{}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_probe_wants_the_vulnerability_api_not_just_a_connection(http_server):
    url = f"http://127.0.0.1:{http_server.server_port}/pypi/pip/24.0/json"
    http_server.answer = (200, '{"info": {}, "vulnerabilities": []}')
    assert audit_deps.probe_advisory_service(url, timeout=2) is None
    http_server.answer = (404, "{}")  # a registry mirror serving downloads only
    assert audit_deps.probe_advisory_service(url, timeout=2) == "HTTP 404"
    http_server.answer = (200, '{"info": {}}')
    assert audit_deps.probe_advisory_service(url, timeout=2) == "no vulnerability data"


def test_probe_fails_fast():
    start = time.monotonic()
    assert audit_deps.probe_advisory_service("http://127.0.0.1:9/", timeout=1.0) is not None  # discard port
    audit_deps.probe_advisory_service()  # the real probe: whatever the network, within its timeout
    assert time.monotonic() - start < 1.0 + 0.5 + audit_deps.PROBE_TIMEOUT + 0.5


# --- the script itself -------------------------------------------------------------------------


def script_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop(audit_deps.ADVISORIES_ENV, None)
    return env


def test_script_checks_the_installed_environment(tmp_path):
    """As a subprocess, on what this interpreter has installed: pytest is, at some version."""
    snap = write_snapshot(tmp_path / "snap", record("T-pytest", "PyTest", rng(("introduced", "0"))))
    pyproject = write_pyproject(tmp_path / "pyproject.toml", [], test=["pytest>=8"])
    allow = write_allow(tmp_path / "allow.toml")
    cmd = [sys.executable, str(SCRIPT), "--advisories", str(snap), "--allow", str(allow),
           "--pyproject", str(pyproject), "--no-pip-audit"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, env=script_env(), timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[FOUND] T-pytest — pytest: pytest " in proc.stdout
    assert "pytest>=8 ([test]): floor 8: 1 advisory" in proc.stdout
    assert "[FOUND] T-pytest — pytest: pytest>=8 ([test]; floor 8, checked 8); affected all versions" in proc.stdout


@pytest.mark.shared
def test_real_snapshot_against_the_project(tmp_path):
    folder = shared_path("data", "pypa-advisories")
    # the snapshot alone (a live service could report what is newer than the snapshot;
    # .ci/run's own run of the script covers pip-audit)
    cmd = [sys.executable, str(SCRIPT), "--advisories", str(folder), "--no-pip-audit"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=script_env(), timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "snapshot of 2024-10-10 (from its README)" in out
    assert "scope: the project's dependency closure" in out
    assert "underthesea>=9.0,<10 (dependencies): floor 9.0: no advisory" in out
    assert "no known advisory at any floor" in out
    assert "OK: no unallowed advisory" in out
