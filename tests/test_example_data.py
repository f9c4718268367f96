"""The committed example dataset is exactly what the generator makes from its seed."""

from __future__ import annotations

from pathlib import Path

from hrproductivity import load_dataset, synthetic, write_dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "example"


def test_committed_example_equals_the_generator_output(tmp_path: Path) -> None:
    write_dataset(synthetic.example_dataset(), tmp_path)
    committed = sorted(p.name for p in EXAMPLE.iterdir())
    assert committed == sorted(p.name for p in tmp_path.iterdir())
    for name in committed:
        assert (EXAMPLE / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_example_is_valid_and_shaped_like_a_regional_project() -> None:
    ds = load_dataset(EXAMPLE)
    assert ds.orgs == sorted(synthetic.EXAMPLE_ORGS)
    assert ds.waves == ["2022", "2023", "2024"]
    per_wave = ds.responses.groupby("wave").size()
    assert per_wave.between(1300, 1700).all()
    assert [i.name for i in ds.instruments] == ["qwl15", "uwes9", "who5"]
    small = ds.responses.groupby(["org", "unit", "wave"]).size()
    assert (small < 5).any(), "anonymity rules need some small units to protect"
