"""Provenance records (miro.provenance) and `miro compare-runs`."""

import hashlib
import json

import pandas as pd
import pytest

from miro.cli import main
from miro.errors import MiroInputError
from miro.provenance import RECORD_NAME, collect, compare_runs, format_comparison, read_record, write_record

from conftest import REPO

CONFIG = {"training": {"seed": 3, "epochs": 2}, "simulation_seed": 7, "figure4a": {"seed": 0}, "scenarios": [{"id": "a", "simulation_seed": 5}]}


def make_run(root, metric=0.5, config=CONFIG):
    """A run folder with a few outputs, timings and a training state, and its record."""
    results = root / "results"
    (results / "metrics" / "s").mkdir(parents=True)
    pd.DataFrame({"fov": [1, 2], "JIc": [metric, 0.7], "method": ["MIRO", "MIRO"]}).to_csv(results / "metrics" / "s" / "MIRO.csv", index=False)
    (results / "models" / "s" / "checkpoints" / "k").mkdir(parents=True)
    (results / "models" / "s" / "model.pt").write_bytes(b"weights")
    (results / "models" / "s" / "checkpoints" / "k" / "last.pt").write_bytes(str(root).encode())  # differs per run
    (results / "benchmarks" / "train").mkdir(parents=True)
    (results / "benchmarks" / "train" / "s.tsv").write_text(f"s\n{len(str(root))}\n")
    write_record(collect(results, config, repo=REPO), results / RECORD_NAME)
    return root


def test_record_names_code_config_seeds_platform_and_outputs(tmp_path):
    make_run(tmp_path)
    record, results = read_record(tmp_path)
    assert results == tmp_path / "results"
    assert set(record["files"]) == {"metrics/s/MIRO.csv", "models/s/model.pt"}  # no timings, no training states
    assert record["files"]["models/s/model.pt"] == {"sha256": hashlib.sha256(b"weights").hexdigest(), "bytes": 7}
    assert record["seeds"] == {"training.seed": 3, "simulation_seed": 7, "figure4a.seed": 0, "scenarios[0].simulation_seed": 5}
    assert record["config"] == CONFIG and len(record["config_sha256"]) == 64
    assert record["commit"] is None or len(record["commit"]) == 40
    for key in ("python", "system", "cpu", "logical_cores", "gpus"):
        assert key in record["platform"]
    assert record["packages"]["torch"] and record["packages"]["numpy"]


def test_config_hash_follows_the_config_not_key_order(tmp_path):
    a = collect(make_run(tmp_path / "a") / "results", CONFIG)
    reordered = dict(reversed(list(CONFIG.items())))
    assert collect(tmp_path / "a" / "results", reordered)["config_sha256"] == a["config_sha256"]
    assert collect(tmp_path / "a" / "results", {**CONFIG, "simulation_seed": 8})["config_sha256"] != a["config_sha256"]


def test_identical_runs_compare_equal(tmp_path, capsys):
    a, b = make_run(tmp_path / "a"), make_run(tmp_path / "b")
    comparison = compare_runs(a, b)
    assert comparison == {"inputs": [], "only_a": [], "only_b": [], "differ": {}, "same": 2}
    assert main(["compare-runs", str(a), str(b / "results" / RECORD_NAME)]) == 0
    assert "all output files are byte-identical" in capsys.readouterr().out


def test_a_moved_metric_is_shown_side_by_side(tmp_path, capsys):
    a, b = make_run(tmp_path / "a"), make_run(tmp_path / "b", metric=0.25, config={**CONFIG, "simulation_seed": 8})
    comparison = compare_runs(a, b)
    assert comparison["inputs"] == ["config.simulation_seed"]
    description = comparison["differ"]["metrics/s/MIRO.csv"]
    assert "JIc: 1 rows, max |diff| 0.25 (row 0: 0.5 vs 0.25" in description and "fov" not in description
    assert main(["compare-runs", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "differs: metrics/s/MIRO.csv: JIc" in out and "inputs that differ: config.simulation_seed" in out
    (b / "results" / "metrics" / "s" / "extra.csv").write_text("x\n1\n")
    write_record(collect(b / "results", CONFIG), b / "results" / RECORD_NAME)
    assert "only in run B: metrics/s/extra.csv" in format_comparison(compare_runs(a, b))


@pytest.mark.parametrize("content", [None, "not json", json.dumps({"format": "other"})])
def test_bad_record_is_one_line(tmp_path, capsys, content):
    target = tmp_path / "run"
    if content is not None:
        (target / "results").mkdir(parents=True)
        (target / "results" / RECORD_NAME).write_text(content)
    else:
        target.mkdir()
    with pytest.raises(MiroInputError, match=RECORD_NAME):
        read_record(target)
    assert main(["compare-runs", str(target), str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("miro: error: ") and err.count("\n") == 1
