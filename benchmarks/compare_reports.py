"""Compare two report runs: every ``results.json`` value and every report's visible text.

A restructuring of the report code must keep every number the reports print.
Run the same reports into two folders, one with the old code and one with the
new, then::

    python benchmarks/compare_reports.py OLD NEW

Each ``*.results.json`` under OLD is compared with the file at the same path
under NEW (values equal, same keys), and each report ``*.html`` by its visible
text: tags, style sheets and scripts stripped, SVG kept as its text elements
(ids and paths of a figure may differ, its words and numbers may not), the
date of the run masked. Exit status 1 on any difference, with the first lines
that differ of each file.
"""

from __future__ import annotations

import argparse
import difflib
import html
import json
import re
import sys
from pathlib import Path

_DROP = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
_SVG_TEXT = re.compile(r"<svg\b.*?</svg>", re.S | re.I)
_TEXT_ELEMENT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)
_TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> list[str]:
    """The words a reader sees in an HTML page, one block per line."""
    page = _DROP.sub(" ", page)
    page = _SVG_TEXT.sub(
        lambda m: "\n" + " | ".join(_TAG.sub("", t) for t in _TEXT_ELEMENT.findall(m.group(0))),
        page,
    )
    page = re.sub(r"</(p|li|tr|h\d|figcaption|div|table)>", "\n", page, flags=re.I)
    text = html.unescape(_TAG.sub(" ", page))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line]


def compare(old: Path, new: Path) -> list[str]:
    """The differences between two report folders, as messages (empty: the same)."""
    problems: list[str] = []
    files = sorted(p for p in old.rglob("*") if p.suffix in (".json", ".html"))
    files = [p for p in files if p.name.endswith(".results.json") or p.suffix == ".html"]
    if not files:
        problems.append(f"{old}: no reports")
    for path in files:
        rel = path.relative_to(old)
        other = new / rel
        if not other.is_file():
            problems.append(f"{rel}: missing in {new}")
            continue
        if path.suffix == ".json":
            a, b = json.loads(path.read_text()), json.loads(other.read_text())
            if a != b:
                keys = sorted(set(a) | set(b))
                diff = [
                    f"  {k}: {a.get(k)!r} -> {b.get(k)!r}" for k in keys if a.get(k) != b.get(k)
                ]
                problems.append(f"{rel}:\n" + "\n".join(diff[:10]))
            continue
        if rel.name == "index.html":
            continue  # the run's index lists times and durations
        a_text, b_text = visible_text(path.read_text()), visible_text(other.read_text())
        if a_text != b_text:
            diff = difflib.unified_diff(a_text, b_text, lineterm="", n=0)
            lines = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
            problems.append(f"{rel}:\n" + "\n".join(f"  {line[:200]}" for line in lines[:10]))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args()
    problems = compare(args.old, args.new)
    for problem in problems:
        print(problem)
    count = len([p for p in args.old.rglob("*") if p.name.endswith(".results.json")])
    print(f"{count} reports compared; {len(problems)} files differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
