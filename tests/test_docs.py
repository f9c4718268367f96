"""The method notes the package cites exist, and nothing cites documents outside the repository.

Docstrings, locale texts and notebooks cite the project's own notes as
``docs/<file>.md`` or ``docs/<file>.md, "<section>"``. These tests read every text
file under ``src/`` and every notebook under ``notebooks/`` and fail when

- a file names ``DOMAIN.md`` or ``DESIGN.md`` (design documents that are not part of
  the repository, so a reader cannot follow the citation);
- a cited ``docs/<file>.md`` does not exist, or a cited section is not a heading of it;
- a note in ``docs/`` links to a note that does not exist, or ``docs/README.md`` does
  not list every note.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".md", ".txt", ".ipynb", ".j2", ".html", ".toml"}
OUTSIDE = re.compile(r"\b(DOMAIN|DESIGN)\.md\b")
CITATION = re.compile(r'docs/([A-Za-z0-9_-]+\.md)(?:,\s*"([^"\n]+)")?')
HEADING = re.compile(r"^#+\s+(.+?)\s*$", re.MULTILINE)
LINK = re.compile(r"\]\(([A-Za-z0-9_-]+\.md)(?:#[^)]*)?\)")


def _text(path: Path) -> str:
    """A file's text; a notebook's cell sources only (its JSON escapes quotes)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return raw
    cells = json.loads(raw)["cells"]
    return "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells
    )


def _files() -> list[Path]:
    found = [p for p in (ROOT / "src").rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    found += (ROOT / "notebooks").rglob("*.ipynb")
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts)


def _where(path: Path, text: str, pos: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, pos) + 1}"


def _headings(note: Path) -> set[str]:
    return set(HEADING.findall(note.read_text(encoding="utf-8")))


def test_the_scan_sees_the_package_and_the_notebooks() -> None:
    """Guard against a scan that silently reads nothing (a moved folder)."""
    files = _files()
    assert ROOT / "src" / "hrproductivity" / "hcpf.py" in files
    assert any(p.suffix == ".ipynb" for p in files)


def test_no_citation_of_documents_outside_the_repository() -> None:
    hits = []
    for path in _files():
        text = _text(path)
        hits += [f"{_where(path, text, m.start())}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert not hits, "cite docs/<file>.md instead of:\n" + "\n".join(hits)


def test_every_cited_note_and_section_exists() -> None:
    problems = []
    n_citations = 0
    for path in _files():
        text = _text(path)
        for m in CITATION.finditer(text):
            n_citations += 1
            note, section = DOCS / m.group(1), m.group(2)
            if not note.is_file():
                problems.append(
                    f"{_where(path, text, m.start())}: docs/{m.group(1)} does not exist"
                )
            elif section is not None and section not in _headings(note):
                problems.append(
                    f"{_where(path, text, m.start())}: docs/{m.group(1)} has no section {section!r}"
                )
    assert n_citations > 20  # the package cites its notes; a broken regex finds none
    assert not problems, "\n".join(problems)


def test_notes_link_to_notes_that_exist_and_the_index_lists_them_all() -> None:
    notes = sorted(DOCS.glob("*.md"))
    broken = [
        f"{n.name} → {target}"
        for n in notes
        for target in LINK.findall(n.read_text(encoding="utf-8"))
        if not (DOCS / target).is_file()
    ]
    assert not broken, "\n".join(broken)
    index = set(LINK.findall((DOCS / "README.md").read_text(encoding="utf-8")))
    missing = sorted(n.name for n in notes if n.name != "README.md" and n.name not in index)
    assert not missing, f"docs/README.md does not list: {missing}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('see docs/models.md, "Time order".', [("models.md", "Time order")]),
        ("(docs/costs.md: absence)", [("costs.md", None)]),
        ('docs/models.md,\n    "Coverage study"', [("models.md", "Coverage study")]),
    ],
)
def test_citation_pattern(text: str, expected: list[tuple[str, str | None]]) -> None:
    """The pattern reads the citation forms the package uses, across a line break too."""
    assert [(m.group(1), m.group(2)) for m in CITATION.finditer(text)] == expected
