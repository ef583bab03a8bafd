#!/usr/bin/env python3
"""Dependency audit against an offline snapshot of the PyPA advisory database.

    python tools/audit_deps.py [--advisories PATH] [--allow FILE] [--pyproject FILE]
                               [--all-installed] [--no-pip-audit] [-v]

Two checks, both against the OSV records in ``advisories.jsonl`` of the snapshot:

* installed: the version of every distribution in the project's dependency closure
  (pyproject's ``[project].dependencies`` and every optional-dependency group, followed
  through the ``Requires-Dist`` metadata of what is installed). Distributions installed
  but outside the closure are checked too but reported as notes only; ``--all-installed``
  makes them count. That is a decision: the virtualenv's own pip and setuptools install
  the project but are never imported by it, so their advisories concern installing, not
  running, hoidap (and pyproject has no line whose floor could fix them).
* floors: the lowest version each range in pyproject allows (its ``>=``/``==``/``~=``
  floor). A range without a floor is flagged as unbounded and checked against the lowest
  version each advisory could hit that the range allows. ``[build-system].requires`` is
  not checked: pip builds in an isolated environment with the newest versions it allows.

Range semantics follow the OSV schema's evaluation pseudocode: events sorted by version
(``introduced: "0"`` before everything), ``introduced`` inclusive, ``fixed`` exclusive,
``last_affected`` inclusive, ``limit`` an exclusive upper bound, any number of
introduced/fixed pairs per range, and the ``versions`` list as explicit affected versions.
Only the PyPI ecosystem and ECOSYSTEM/SEMVER ranges (PEP 440 ordering) are evaluated;
GIT ranges are ignored. A range with a version PEP 440 cannot parse is not evaluated (an
unknown bound could make it match everything or nothing); such versions are counted,
and named when they concern an audited package.

Advisories accepted on purpose go in the allow-list (``tools/audit-allow.toml``), each
with a reason. pip-audit runs as well when it is installed and PyPI answers a short probe.

Exit codes: 0 nothing unallowed found, 1 an unallowed advisory, 2 the audit could not
run (snapshot missing or unreadable, bad allow-list, bad pyproject).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

try:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover - packaging comes with pytest and huggingface_hub
    sys.exit("audit_deps: the 'packaging' library is missing; run it with the project's .venv/bin/python")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADVISORIES = ROOT.parent / "shared" / "data" / "pypa-advisories"
DEFAULT_ALLOW = Path(__file__).resolve().parent / "audit-allow.toml"
DEFAULT_PYPROJECT = ROOT / "pyproject.toml"
ADVISORIES_ENV = "HOIDAP_ADVISORIES"
# the PyPI JSON API pip-audit queries by default, for one release that exists
PROBE_URL, PROBE_TIMEOUT = "https://pypi.org/pypi/pip/24.0/json", 3.0

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
EVALUATED_RANGE_TYPES = {"ECOSYSTEM", "SEMVER"}
# the lowest PEP 440 version of epoch 0: stands for "any version" when a range has no floor
LOWEST = Version("0.dev0")


class AuditError(Exception):
    """The audit cannot run: its message says why (exit code 2)."""


# --- OSV records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    kind: str  # introduced | fixed | last_affected | limit
    version: Version | None  # None only for introduced "0": before every version
    raw: str


@dataclass(frozen=True)
class VersionRange:
    events: tuple[Event, ...]  # sorted per the OSV spec

    def affects(self, v: Version) -> bool:
        """The OSV evaluation pseudocode for one range."""
        limits = [e.version for e in self.events if e.kind == "limit" and e.version is not None]
        if limits and not any(v < limit for limit in limits):
            return False
        vulnerable = False
        for e in self.events:
            if e.kind == "introduced" and (e.version is None or v >= e.version):
                vulnerable = True
            elif e.kind == "fixed" and e.version is not None and v >= e.version:
                vulnerable = False
            elif e.kind == "last_affected" and e.version is not None and v > e.version:
                vulnerable = False
        return vulnerable

    def affects_just_above(self, v: Version) -> bool:
        """Whether the versions immediately above ``v`` (an exclusive floor) are affected."""
        if any(e.kind == "last_affected" and e.version == v for e in self.events):
            return False
        return self.affects(v)

    def interval_of(self, v: Version) -> tuple[str, str | None]:
        """(the affected interval holding ``v`` as text, its fixed version or None)."""
        start: Version | None = None
        open_ = False
        for e in self.events:
            if e.kind == "introduced" and not open_:
                start, open_ = e.version, True
            elif e.kind in ("fixed", "last_affected") and open_ and e.version is not None:
                inclusive = e.kind == "last_affected"
                below_end = v <= e.version if inclusive else v < e.version
                if (start is None or v >= start) and below_end:
                    return interval_text(start, e.version, inclusive), None if inclusive else str(e.version)
                open_ = False
        if open_ and (start is None or v >= start):
            limits = [e.version for e in self.events if e.kind == "limit" and e.version is not None and e.version > v]
            return interval_text(start, min(limits, default=None), False), None
        return self.text(), self.first_fixed_above(v)

    def first_fixed_above(self, v: Version) -> str | None:
        fixes = [e.version for e in self.events if e.kind == "fixed" and e.version is not None and e.version > v]
        return str(min(fixes)) if fixes else None

    def entry_points(self) -> list[Version]:
        """The lowest version of each affected interval (LOWEST for introduced "0")."""
        return [e.version or LOWEST for e in self.events if e.kind == "introduced"]

    def text(self) -> str:
        return ", ".join(f"{e.kind} {e.raw}" for e in self.events)


def interval_text(start: Version | None, end: Version | None, end_inclusive: bool) -> str:
    parts = []
    if start is not None:
        parts.append(f">={start}")
    if end is not None:
        parts.append(f"{'<=' if end_inclusive else '<'}{end}")
    return ",".join(parts) or "all versions"


@dataclass(frozen=True)
class AffectedEntry:
    package: str  # PEP 503-normalized
    ranges: tuple[VersionRange, ...]
    versions: frozenset[Version]

    def match(self, v: Version) -> tuple[str, str | None] | None:
        """(affected range text, first fixed version) when ``v`` is affected, else None."""
        for r in self.ranges:
            if r.affects(v):
                return r.interval_of(v)
        if v in self.versions:
            fixes = [f for r in self.ranges if (f := r.first_fixed_above(v))]
            return f"version {v} listed", (str(min(map(Version, fixes))) if fixes else None)
        return None

    def match_just_above(self, v: Version) -> tuple[str, str | None] | None:
        for r in self.ranges:
            if r.affects_just_above(v):
                return r.interval_of(v)
        return None

    def entry_points(self) -> list[Version]:
        points = {p for r in self.ranges for p in r.entry_points()} | set(self.versions)
        return sorted(points)


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    affected: tuple[AffectedEntry, ...]

    def names(self) -> set[str]:
        return {self.id, *self.aliases}

    def label(self) -> str:
        return f"{self.id} ({', '.join(self.aliases)})" if self.aliases else self.id


@dataclass
class LoadStats:
    records: int = 0
    withdrawn: int = 0
    other_ecosystems: int = 0  # affected entries outside PyPI, ignored
    git_ranges: int = 0  # ignored
    other_range_types: int = 0  # neither ECOSYSTEM/SEMVER nor GIT, ignored
    unparseable_versions: int = 0
    # (advisory id, package, unparseable version) of every range not evaluated
    skipped_ranges: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Snapshot:
    path: Path
    by_package: dict[str, list[tuple[Advisory, AffectedEntry]]]
    stats: LoadStats
    date: str  # YYYY-MM-DD
    date_source: str


def parse_event(event: Mapping[str, str]) -> Event:
    (kind, raw), *rest = event.items()
    if rest or kind not in ("introduced", "fixed", "last_affected", "limit"):
        raise InvalidVersion(f"not an OSV event: {event!r}")
    if kind == "introduced" and raw == "0":
        return Event(kind, None, raw)
    if kind == "limit" and raw == "*":
        return Event(kind, None, raw)
    return Event(kind, Version(raw), raw)


def sort_events(events: Iterable[Event]) -> tuple[Event, ...]:
    """By version, introduced "0" first; equal versions keep the record's order."""
    return tuple(sorted(events, key=lambda e: (e.version is not None, e.version or LOWEST)))


def parse_affected(record_id: str, entry: Mapping, stats: LoadStats) -> AffectedEntry | None:
    package = entry.get("package") or {}
    if package.get("ecosystem") != "PyPI":
        stats.other_ecosystems += 1
        return None
    name = canonicalize_name(package.get("name", ""))
    ranges = []
    for r in entry.get("ranges") or []:
        kind = r.get("type")
        if kind == "GIT":
            stats.git_ranges += 1
            continue
        if kind not in EVALUATED_RANGE_TYPES:
            stats.other_range_types += 1
            continue
        events, bad = [], []
        for e in r.get("events") or []:
            try:
                events.append(parse_event(e))
            except (InvalidVersion, ValueError):
                bad.append(", ".join(map(str, e.values())))
        if bad:
            stats.unparseable_versions += len(bad)
            stats.skipped_ranges.extend((record_id, name, b) for b in bad)
            continue
        ranges.append(VersionRange(sort_events(events)))
    versions = set()
    for raw in entry.get("versions") or []:
        try:
            versions.add(Version(raw))
        except InvalidVersion:
            stats.unparseable_versions += 1
    return AffectedEntry(name, tuple(ranges), frozenset(versions))


def parse_record(record: Mapping, stats: LoadStats) -> Advisory | None:
    if record.get("withdrawn"):
        stats.withdrawn += 1
        return None
    entries = [a for e in record.get("affected") or [] if (a := parse_affected(record["id"], e, stats))]
    return Advisory(
        id=record["id"],
        aliases=tuple(record.get("aliases") or ()),
        affected=tuple(entries),
    )


def snapshot_file(path: Path) -> Path:
    """The advisories.jsonl of a snapshot folder (or the file itself), or AuditError."""
    file = path if path.suffix == ".jsonl" else path / "advisories.jsonl"
    if not file.is_file():
        raise AuditError(
            f"advisory snapshot not found: {file} does not exist.\n"
            f"  Expected the PyPA advisory snapshot at ../shared/data/pypa-advisories beside the "
            f"project root ({DEFAULT_ADVISORIES});\n"
            f"  pass --advisories PATH or set {ADVISORIES_ENV} to a folder holding advisories.jsonl."
        )
    return file


def snapshot_date(folder: Path, newest_modified: str) -> tuple[str, str]:
    """(YYYY-MM-DD, where it came from): the README's title, else the newest ``modified``."""
    readme = folder / "README.md"
    if readme.is_file():
        m = re.search(r"snapshot of (\d{4}-\d{2}-\d{2})", readme.read_text(encoding="utf-8", errors="replace"))
        if m:
            return m.group(1), "README"
    if newest_modified:
        return newest_modified[:10], "newest 'modified' field"
    return "unknown", "no README date and no 'modified' field"


def load_snapshot(path: Path) -> Snapshot:
    file = snapshot_file(path)
    stats = LoadStats()
    by_package: dict[str, list[tuple[Advisory, AffectedEntry]]] = {}
    newest = ""
    with file.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                stats.records += 1
                newest = max(newest, record.get("modified", ""))
                advisory = parse_record(record, stats)
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as exc:
                raise AuditError(f"{file}:{lineno}: not an OSV record ({exc})") from exc
            for entry in advisory.affected if advisory else ():
                by_package.setdefault(entry.package, []).append((advisory, entry))
    date, source = snapshot_date(file.parent, newest)
    return Snapshot(file, by_package, stats, date, source)


# --- what is checked -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dist:
    name: str  # PEP 503-normalized
    display: str
    version: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Declared:
    """A requirement as pyproject declares it."""

    group: str  # "dependencies" or "[extra]"
    line: str  # as written
    req: Requirement

    @classmethod
    def parse(cls, group: str, line: str) -> Declared:
        return cls(group, line, Requirement(line))

    def label(self) -> str:
        return f"{self.line} ({self.group})"


@dataclass(frozen=True)
class Floor:
    version: Version | None  # None: no floor
    inclusive: bool = True

    def label(self) -> str:
        if self.version is None:
            return "no floor"
        return f"floor {self.version}" + ("" if self.inclusive else " (exclusive)")


@dataclass(frozen=True)
class Hit:
    advisory: Advisory
    package: str
    affected: str
    fixed: str | None


@dataclass(frozen=True)
class AllowEntry:
    id: str
    package: str  # PEP 503-normalized
    reason: str


@dataclass
class Finding:
    kind: str  # "installed", "floor" or "note" (installed, outside the audited scope)
    subject: str  # "urllib3 2.0.0" or "numpy>=1.26,<3 (dependencies; floor 1.26, checked 1.26)"
    hit: Hit
    requirement: str = ""  # floors: the Declared.label() of the range
    allowed_by: AllowEntry | None = None


def installed_distributions() -> dict[str, Dist]:
    """Every distribution importlib.metadata sees (first one wins on duplicates)."""
    dists: dict[str, Dist] = {}
    for d in importlib.metadata.distributions():
        display = d.metadata["Name"]
        if not display:
            continue
        name = canonicalize_name(display)
        dists.setdefault(name, Dist(name, display, d.version, tuple(d.requires or ())))
    return dists


def read_pyproject(path: Path) -> tuple[str, list[Declared]]:
    """(project name, its requirements: [project].dependencies, then each optional group)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AuditError(f"pyproject not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise AuditError(f"{path}: not valid TOML ({exc})") from exc
    project = data.get("project", {})
    groups = [("dependencies", project.get("dependencies", []))]
    groups += [(f"[{extra}]", reqs) for extra, reqs in project.get("optional-dependencies", {}).items()]
    requirements = []
    for group, lines in groups:
        for line in lines:
            try:
                requirements.append(Declared.parse(group, line))
            except InvalidRequirement as exc:
                raise AuditError(f"{path}: bad requirement {line!r} ({exc})") from exc
    return project.get("name", ""), requirements


def marker_applies(req: Requirement, extras: Iterable[str]) -> bool:
    """Whether ``req`` applies here, with no extra or with any of ``extras`` requested."""
    if req.marker is None:
        return True
    return any(req.marker.evaluate({"extra": extra}) for extra in ("", *extras))


def dependency_closure(
    roots: Iterable[Requirement], dists: Mapping[str, Dist]
) -> tuple[dict[str, Dist], list[str]]:
    """(installed distributions the roots need, transitively, extras included; the names
    needed but not installed)."""
    queue = [(canonicalize_name(r.name), frozenset(r.extras)) for r in roots if marker_applies(r, ())]
    extras_of: dict[str, set[str]] = {}  # visited distribution -> extras followed so far
    missing: set[str] = set()
    while queue:
        name, extras = queue.pop()
        dist = dists.get(name)
        if dist is None:
            missing.add(name)
            continue
        known = extras_of.get(name)
        if known is not None and extras <= known:
            continue
        new_extras = extras - known if known is not None else extras
        extras_of.setdefault(name, set()).update(extras)
        for line in dist.requires:
            try:
                req = Requirement(line)
            except InvalidRequirement:
                continue
            if known is None:  # first visit: the plain requirements and those of the extras
                applies = marker_applies(req, extras)
            else:  # a later visit with more extras: only what the new extras add
                applies = req.marker is not None and any(req.marker.evaluate({"extra": e}) for e in new_extras)
            if applies:
                queue.append((canonicalize_name(req.name), frozenset(req.extras)))
    return {n: dists[n] for n in extras_of}, sorted(missing)


def floor_of(specifier: SpecifierSet) -> Floor:
    """The lowest version a range allows: the highest of its >=, ==, ~=, === and > bounds."""
    best = Floor(None)
    for spec in specifier:
        raw = spec.version.removesuffix(".*")
        try:
            v = Version(raw)
        except InvalidVersion:
            continue
        if spec.operator in (">=", "~=", "==", "==="):
            candidate = Floor(v, inclusive=True)
        elif spec.operator == ">":
            candidate = Floor(v, inclusive=False)
        else:
            continue
        if best.version is None or v > best.version or (v == best.version and not candidate.inclusive):
            best = candidate
    if best.version is not None and best.inclusive and not specifier.contains(best.version, prereleases=True):
        best = Floor(best.version, inclusive=False)  # e.g. ">=1.0,!=1.0"
    return best


# --- checks ----------------------------------------------------------------------------------


def check_version(snapshot: Snapshot, package: str, version: Version) -> list[Hit]:
    hits = []
    for advisory, entry in snapshot.by_package.get(package, ()):
        if (m := entry.match(version)) and not any(h.advisory is advisory for h in hits):
            hits.append(Hit(advisory, package, *m))
    return hits


def check_floor(snapshot: Snapshot, package: str, specifier: SpecifierSet, floor: Floor) -> list[tuple[str, Hit]]:
    """[(the version checked, hit)] for the lowest version the range allows."""
    hits: list[tuple[str, Hit]] = []
    for advisory, entry in snapshot.by_package.get(package, ()):
        if any(h.advisory is advisory for _, h in hits):
            continue
        if floor.version is not None and floor.inclusive:
            if m := entry.match(floor.version):
                hits.append((str(floor.version), Hit(advisory, package, *m)))
        elif floor.version is not None:
            if m := entry.match_just_above(floor.version):
                hits.append((f"just above {floor.version}", Hit(advisory, package, *m)))
        else:
            # no floor: the lowest version this advisory could hit that the range allows
            for point in entry.entry_points():
                if specifier.contains(point, prereleases=True) and (m := entry.match(point)):
                    shown = "any old version" if point == LOWEST else str(point)
                    hits.append((shown, Hit(advisory, package, *m)))
                    break
    return hits


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    audited: list[Dist] = field(default_factory=list)
    outside: list[Dist] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    floors: list[tuple[Declared, Floor]] = field(default_factory=list)
    unparseable_installed: list[Dist] = field(default_factory=list)
    stale: list[AllowEntry] = field(default_factory=list)
    all_installed: bool = False

    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.kind != "note" and f.allowed_by is None]


def audit(
    snapshot: Snapshot,
    project_name: str,
    requirements: Sequence[Declared],
    dists: Mapping[str, Dist],
    allow: Sequence[AllowEntry],
    all_installed: bool = False,
) -> Report:
    report = Report(all_installed=all_installed)
    own = canonicalize_name(project_name) if project_name else ""
    closure, report.missing = dependency_closure((d.req for d in requirements), dists)
    closure.pop(own, None)
    for name, dist in sorted(dists.items()):
        if name == own:
            continue
        in_scope = all_installed or name in closure
        (report.audited if in_scope else report.outside).append(dist)
        try:
            version = Version(dist.version)
        except InvalidVersion:
            report.unparseable_installed.append(dist)
            continue
        for hit in check_version(snapshot, name, version):
            report.findings.append(Finding("installed" if in_scope else "note", f"{dist.display} {dist.version}", hit))
    for declared in requirements:
        req = declared.req
        floor = floor_of(req.specifier)
        report.floors.append((declared, floor))
        for checked, hit in check_floor(snapshot, canonicalize_name(req.name), req.specifier, floor):
            subject = f"{declared.line} ({declared.group}; {floor.label()}, checked {checked})"
            report.findings.append(Finding("floor", subject, hit, requirement=declared.label()))
    apply_allow_list(report, allow)
    return report


# --- allow-list ------------------------------------------------------------------------------


def load_allow_list(path: Path, required: bool) -> list[AllowEntry]:
    """The ``[[allow]]`` entries of a TOML file: id, package and a non-empty reason each."""
    if not path.is_file():
        if required:
            raise AuditError(f"allow-list not found: {path}")
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AuditError(f"{path}: not valid TOML ({exc})") from exc
    unknown = set(data) - {"allow"}
    if unknown:
        raise AuditError(f"{path}: unknown top-level keys {sorted(unknown)} (only [[allow]] entries)")
    entries = []
    for i, raw in enumerate(data.get("allow", []), 1):
        where = f"{path}: [[allow]] entry {i}"
        if not isinstance(raw, dict):
            raise AuditError(f"{where}: not a table")
        extra = set(raw) - {"id", "package", "reason"}
        if extra:
            raise AuditError(f"{where}: unknown keys {sorted(extra)} (allowed: id, package, reason)")
        for key in ("id", "package", "reason"):
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                what = "a reason: say why this advisory is accepted" if key == "reason" else f"'{key}'"
                raise AuditError(f"{where} ({raw.get('id', '?')}): needs {what}")
        entries.append(AllowEntry(raw["id"].strip(), canonicalize_name(raw["package"]), raw["reason"].strip()))
    return entries


def apply_allow_list(report: Report, allow: Sequence[AllowEntry]) -> None:
    used: set[int] = set()
    for finding in report.findings:
        for i, entry in enumerate(allow):
            if entry.package == finding.hit.package and entry.id in finding.hit.advisory.names():
                finding.allowed_by = entry
                used.add(i)
                break
    report.stale = [e for i, e in enumerate(allow) if i not in used]


# --- pip-audit -------------------------------------------------------------------------------


def probe_advisory_service(url: str = PROBE_URL, timeout: float = PROBE_TIMEOUT) -> str | None:
    """None when the vulnerability API pip-audit uses answers within ``timeout`` seconds,
    else why not. A TCP connection proves nothing (a proxy or a registry mirror may accept
    it), so this asks for one release's JSON and wants its "vulnerabilities" key. It runs
    in a thread, so a resolver that hangs cannot stall the audit either."""
    outcome: list[str | None] = []

    def probe() -> None:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                data = json.loads(response.read(5_000_000))
            outcome.append(None if isinstance(data, dict) and "vulnerabilities" in data else "no vulnerability data")
        except urllib.error.HTTPError as exc:
            outcome.append(f"HTTP {exc.code}")
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused, bad JSON
            outcome.append(str(getattr(exc, "reason", None) or exc) or type(exc).__name__)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)
    return outcome[0] if outcome else f"no answer within {timeout:g} s"


def pip_audit_command() -> list[str] | None:
    if importlib.util.find_spec("pip_audit") is not None:
        return [sys.executable, "-m", "pip_audit"]
    exe = shutil.which("pip-audit")
    return [exe] if exe else None


def run_pip_audit(
    command: list[str], dists: Sequence[Dist], allow: Sequence[AllowEntry], known: set[tuple[str, str]]
) -> tuple[list[str], str | None]:
    """(findings not allowed and not already ``known`` as (package, advisory id or alias),
    as text; a warning if pip-audit itself failed). pip-audit gets the audited distributions
    pinned, so it checks the same set as the snapshot did."""
    pins = "".join(f"{d.name}=={d.version}\n" for d in dists)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(pins)
    args = [*command, "-r", f.name, "--no-deps", "--disable-pip", "--progress-spinner", "off", "--format", "json"]
    for entry in allow:
        args += ["--ignore-vuln", entry.id]
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [], f"pip-audit did not finish ({exc})"
    finally:
        os.unlink(f.name)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return [], f"pip-audit failed (exit {proc.returncode}): {tail}"
    found = []
    for dep in data.get("dependencies", []):
        for vuln in dep.get("vulns", []):
            names = {vuln.get("id"), *(vuln.get("aliases") or [])}
            if any((canonicalize_name(dep.get("name", "")), n) in known for n in names):
                continue
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix known"
            found.append(f"{vuln.get('id')} {dep.get('name')} {dep.get('version')}: fixed in {fixed}")
    return found, None


# --- output ----------------------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    """``plural(2, "range")`` -> "2 ranges"; advisory -> advisories."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def age_text(date: str, today: dt.date) -> str:
    try:
        then = dt.date.fromisoformat(date)
    except ValueError:
        return "age unknown"
    months = (today.year - then.year) * 12 + today.month - then.month - (today.day < then.day)
    years, months = divmod(max(months, 0), 12)
    parts = [f"{years} year{'s' * (years != 1)}"] if years else []
    parts += [f"{months} month{'s' * (months != 1)}"] if months or not years else []
    return f"{' '.join(parts)} old ({(today - then).days} days)"


def finding_line(f: Finding) -> str:
    h = f.hit
    fixed = f"first fixed in {h.fixed}" if h.fixed else "no fixed version known"
    status = f"allowed: {f.allowed_by.reason}" if f.allowed_by else ("note" if f.kind == "note" else "FOUND")
    return f"  [{status}] {h.advisory.label()} — {h.package}: {f.subject}; affected {h.affected}; {fixed}"


def print_report(report: Report, snapshot: Snapshot, verbose: bool) -> None:
    s = snapshot.stats
    print(
        f"  {s.records} records; ignored: {s.withdrawn} withdrawn, {s.other_ecosystems} non-PyPI entries, "
        f"{s.git_ranges} GIT ranges, {s.other_range_types} ranges of other types; "
        f"{s.unparseable_versions} unparseable versions skipped ({len(s.skipped_ranges)} ranges not evaluated)"
    )
    audited_names = {d.name for d in report.audited} | {canonicalize_name(d.req.name) for d, _ in report.floors}
    for advisory_id, package, raw in s.skipped_ranges:
        if package in audited_names:
            print(f"  warning: {advisory_id} ({package}): a range with the unparseable version {raw!r} not evaluated")

    print("")
    scope = (
        "every installed distribution (--all-installed)"
        if report.all_installed
        else "the project's dependency closure (pyproject's dependencies and all extras, "
        "followed through installed metadata)"
    )
    print(f"Installed versions — scope: {scope}: {plural(len(report.audited), 'distribution')}")
    if verbose:
        print("  " + ", ".join(f"{d.display} {d.version}" for d in report.audited))
    if report.outside:
        outside = ", ".join(f"{d.display} {d.version}" for d in report.outside)
        print(f"  outside the closure, reported as notes only (--all-installed to count them): {outside}")
    for name in report.missing:
        print(f"  warning: {name} is required but not installed: not checked")
    for d in report.unparseable_installed:
        print(f"  warning: {d.display} {d.version}: version not PEP 440, not checked")
    installed = [f for f in report.findings if f.kind in ("installed", "note")]
    for f in installed:
        print(finding_line(f))
    if not any(f.kind == "installed" for f in installed):
        print(f"  no known advisory in the {plural(len(report.audited), 'audited distribution')}")

    print("")
    ranges = plural(len(report.floors), "range")
    print(f"Dependency floors — the lowest version each range in pyproject allows: {ranges}")
    floor_findings = [f for f in report.findings if f.kind == "floor"]
    for declared, floor in report.floors:
        flagged = [f for f in floor_findings if f.requirement == declared.label()]
        mark = "unbounded below, " if floor.version is None else ""
        found = plural(len(flagged), "advisory") if flagged else "no advisory"
        print(f"  {declared.label()}: {mark}{floor.label()}: {found}")
    for f in floor_findings:
        print(finding_line(f))
    if not floor_findings:
        print("  no known advisory at any floor")

    for entry in report.stale:
        print(f"warning: stale allow-list entry {entry.id} ({entry.package}): matches nothing any more; remove it")


def main(argv: Sequence[str] | None = None, today: dt.date | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--advisories",
        type=Path,
        default=Path(os.environ.get(ADVISORIES_ENV) or DEFAULT_ADVISORIES),
        help=f"the snapshot folder (or its advisories.jsonl); default ${ADVISORIES_ENV} or {DEFAULT_ADVISORIES}",
    )
    parser.add_argument("--allow", type=Path, help=f"allow-list TOML (default {DEFAULT_ALLOW})")
    parser.add_argument("--pyproject", type=Path, default=DEFAULT_PYPROJECT, help="default: the project's")
    parser.add_argument(
        "--all-installed", action="store_true", help="fail on every installed distribution, not only the closure"
    )
    parser.add_argument("--no-pip-audit", action="store_true", help="use the snapshot only")
    parser.add_argument("-v", "--verbose", action="store_true", help="list everything checked")
    args = parser.parse_args(argv)
    today = today or dt.date.today()

    try:
        snapshot = load_snapshot(args.advisories)
        allow = load_allow_list(args.allow or DEFAULT_ALLOW, required=args.allow is not None)
        project_name, requirements = read_pyproject(args.pyproject)
    except AuditError as exc:
        print(f"audit_deps: {exc}", file=sys.stderr)
        return EXIT_ERROR

    print(f"Dependency audit against the PyPA advisory snapshot {snapshot.path}")
    print(
        f"  snapshot of {snapshot.date} (from its {snapshot.date_source}), {age_text(snapshot.date, today)}: "
        f"advisories published since are not covered"
    )
    report = audit(snapshot, project_name, requirements, installed_distributions(), allow, args.all_installed)
    print_report(report, snapshot, args.verbose)

    print("")
    failing = len(report.failing())
    snapshot_only = f"only the snapshot (of {snapshot.date}) was used"
    command = None if args.no_pip_audit else pip_audit_command()
    if args.no_pip_audit:
        print(f"pip-audit: skipped (--no-pip-audit); {snapshot_only}")
    elif command is None:
        print(f"pip-audit: not installed; {snapshot_only}")
    elif (why := probe_advisory_service()) is not None:
        print(f"pip-audit: advisory service unreachable ({PROBE_URL}: {why}); {snapshot_only}")
    else:
        known = {(f.hit.package, n) for f in report.findings for n in f.hit.advisory.names()}
        found, warning = run_pip_audit(command, report.audited, allow, known)
        print(f"pip-audit: ran against PyPI's vulnerability API on the {plural(len(report.audited), 'audited distribution')}")
        if warning:
            print(f"  warning: {warning}; {snapshot_only}")
        for line in found:
            print(f"  [FOUND] {line}")
        failing += len(found)

    allowed = sum(1 for f in report.findings if f.allowed_by)
    if failing:
        print(f"FAILED: {plural(failing, 'unallowed advisory')} ({allowed} allowed)")
        return EXIT_FOUND
    print(f"OK: no unallowed advisory ({allowed} allowed by {args.allow or DEFAULT_ALLOW.relative_to(ROOT)})")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
