"""A Markdown table of a benchmark's results, shared by the benchmark scripts."""

from __future__ import annotations

import pandas as pd


def markdown(table: pd.DataFrame) -> str:
    """``table`` as a GitHub Markdown table, values as ``str`` prints them."""
    cols = [str(c) for c in table.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in table.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)
