"""The scale benchmark behind ``hrproductivity bench`` and ``benchmarks/bench_scale.py``.

Generates a large synthetic dataset, writes it as CSV, then times in fresh
processes (so peak memory is the step's own): plain ``pandas.read_csv`` of the
same files (the baseline) and :func:`hrproductivity.io.process` (read, validate,
write parquet with a manifest).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["scale_benchmark"]

_PEAK = """
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
_READ_CSV = (
    """
import sys, pandas as pd
from pathlib import Path
for f in sorted(Path(sys.argv[1]).glob("*.csv")):
    pd.read_csv(f)
"""
    + _PEAK
)
_PROCESS = (
    """
import sys
from hrproductivity.io import process
process(sys.argv[1], out=sys.argv[2])
"""
    + _PEAK
)


def _timed_child(code: str, *args: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of ``python -c code args`` in a new process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    return seconds, int(done.stdout.split()[-1]) / 1024


def scale_benchmark(
    *, respondents_per_wave: int = 100_000, n_waves: int = 3, n_orgs: int = 300, seed: int = 7
) -> dict[str, Any]:
    """Generate, write and process a large dataset; return timings and the read_csv ratio."""
    from hrproductivity import synthetic
    from hrproductivity.io import write_dataset

    waves = tuple(str(2022 + i) for i in range(n_waves))
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "processed"
        start = time.perf_counter()
        dataset = synthetic.generate(
            n_orgs=n_orgs, respondents_per_wave=respondents_per_wave, waves=waves, seed=seed
        )
        generate_s = time.perf_counter() - start
        start = time.perf_counter()
        write_dataset(dataset, raw)
        write_s = time.perf_counter() - start
        n_rows = len(dataset.responses)
        del dataset
        read_s, read_mib = _timed_child(_READ_CSV, str(raw))
        process_s, process_mib = _timed_child(_PROCESS, str(raw), str(out))
        csv_mib = sum(p.stat().st_size for p in raw.glob("*.csv")) / 2**20
    return {
        "responses": n_rows,
        "csv_size_mib": round(csv_mib, 1),
        "generate_seconds": round(generate_s, 2),
        "write_csv_seconds": round(write_s, 2),
        "read_csv_seconds (baseline, fresh process)": round(read_s, 2),
        "process_seconds (fresh process)": round(process_s, 2),
        "process_to_read_csv_ratio": round(process_s / read_s, 2),
        "read_csv_peak_mib": round(read_mib),
        "process_peak_mib": round(process_mib),
    }
