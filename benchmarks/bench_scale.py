"""Scale benchmark (issue: foundation): generate and process 100 000 respondents x 3 waves.

Targets: process under 30 s and under 2 GB peak memory, and at most 3x the time of
plain ``pandas.read_csv`` of the same CSV files, both measured in fresh processes
in the same session.

Run: ``.venv/bin/python benchmarks/bench_scale.py`` (writes benchmarks/results/scale.md).
"""

from __future__ import annotations

import platform
import sys
from datetime import date
from pathlib import Path

from hrproductivity._bench import scale_benchmark


def main() -> None:
    result = scale_benchmark(respondents_per_wave=100_000, n_waves=3, n_orgs=300)
    lines = [
        "# Scale benchmark",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_scale.py` ({date.today()}, "
        f"{platform.processor() or platform.machine()}, Python {sys.version.split()[0]})",
        "",
        "| measure | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in result.items()],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results" / "scale.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
