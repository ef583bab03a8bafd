"""Regenerate ``index/data/admin_units.tsv``: the districts, towns, wards and communes of
Viet Nam before the 2025 reorganisation (level, name as written), from the data of the
``vietnam-provinces`` package, version 0.6.0 (General Statistics Office codes; the later
versions hold only the post-2025 units, and the corpus is older news).

    pip download vietnam-provinces==0.6.0 --no-deps -d /tmp/vnp && unzip -o /tmp/vnp/*.whl -d /tmp/vnp
    python bench/make_admin_units.py /tmp/vnp/vietnam_provinces/data/nested-divisions.json

Provinces are not listed: ``index.places.PROVINCES`` holds them (with older ones, Hà Tây).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "index" / "data" / "admin_units.tsv"
LEVELS = ("Thành phố", "Thị xã", "Thị trấn", "Quận", "Huyện", "Phường", "Xã")


def split(name: str) -> tuple[str, str] | None:
    for level in LEVELS:
        if name.startswith(level + " "):
            return level.lower(), name[len(level) + 1 :].strip()
    return None


def main(path: str) -> None:
    rows: set[tuple[str, str]] = set()
    for province in json.loads(Path(path).read_text("utf-8")):
        for district in province["districts"]:
            for unit in (district, *district["wards"]):
                got = split(unit["name"])
                if got and not got[1][:1].isdigit():  # "Phường 12": numbers are read without a list
                    rows.add(got)
    lines = ["# level\tname  (bench/make_admin_units.py; vietnam-provinces 0.6.0 data, before 2025)"]
    lines += [f"{level}\t{name}" for level, name in sorted(rows)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} units -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
