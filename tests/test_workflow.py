"""The Snakemake workflow: lint, schema errors, dry runs of every preset, and a tiny end-to-end run."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import AUTHORS, BENCHMARK, REPO

SNAKEMAKE = [sys.executable, "-m", "snakemake"]
TINY = REPO / "tests" / "config" / "tiny.yaml"
PRESETS = sorted((REPO / "config").glob("*.yaml"))


def snakemake(*args, cwd=REPO, check=True):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [*SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), *args],
        cwd=cwd, env=env, capture_output=True, text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def local_urls():
    return [
        f"benchmark_base_url={BENCHMARK.as_uri()}",
        f"released_weights_base_url={(AUTHORS / 'benchmark-models').as_uri()}",
    ]


def test_lint_is_clean():
    result = snakemake("--lint", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_preset_builds_a_dag(preset, tmp_path):
    result = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(preset))
    assert "rule all" in result.stdout or "all" in result.stdout


def test_bad_config_value_names_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("metrics: {rmse_convention: median}\n")
    result = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(bad), check=False)
    assert result.returncode != 0
    assert "rmse_convention" in result.stdout + result.stderr


def test_unknown_benchmark_folder_is_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - {id: s, benchmark: Scenario 99, dbscan: {eps: 1, min_samples: 2}}\n")
    result = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(bad), check=False)
    assert result.returncode != 0
    assert "Scenario 99" in result.stdout + result.stderr


@pytest.mark.slow
def test_tiny_end_to_end(tmp_path):
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    snakemake(
        "--cores", "2", "--directory", str(tmp_path), "--configfile", str(TINY),
        "--resources", "gpu=0", "--config", *local_urls(),
    )
    results = tmp_path / "results"
    table = pd.read_csv(results / "tables" / "table1.csv")
    assert set(table["method"]) == {"DBSCAN", "MIRO", "MIRO_released"}
    assert list(table.columns) == ["scenario", "method", "metric", "mean", "sd", "n_fov"]
    assert set(table["scenario"]) == {"scenario8", "scenario6_blinking"}
    assert set(table["metric"]) == {"ARI_dagger", "IoU", "JIc", "RMSRE_N", "RMSE_xy", "AMI", "ARI_c", "ARI"}
    # training FOV 32 is excluded: 3 test FOVs for scenario8, 2 for scenario6_blinking
    assert set(table.loc[table["scenario"] == "scenario8", "n_fov"]) == {3}
    per_fov = pd.read_csv(tmp_path / "results" / "metrics" / "scenario8" / "DBSCAN.csv")
    assert list(per_fov["fov"]) == [1, 2, 3]
    assert per_fov.drop(columns="fov").notna().all().all()
    for name in ("table1.md", "table1.tex", "paper_comparison.md"):
        assert (tmp_path / "results" / "tables" / name).stat().st_size > 0
    assert "\\begin{tabular}" in (tmp_path / "results" / "tables" / "table1.tex").read_text()
    stats = pd.read_csv(tmp_path / "results" / "tables" / "stats.csv")
    assert list(stats.columns) == ["scenario", "method", "metric", "test", "statistic", "p", "d", "stars", "n"]
    for scenario in ("scenario8", "scenario6_blinking"):
        for suffix in ("png", "svg"):
            assert (tmp_path / "results" / "figures" / "figure2" / f"{scenario}.{suffix}").stat().st_size > 10_000
    snakemake(
        "--cores", "1", "--directory", str(tmp_path), "--configfile", str(TINY), "--config", *local_urls(),
        "--report", str(tmp_path / "report.html"),
    )
    assert "figure2" in (tmp_path / "report.html").read_text(errors="ignore")
    # training: loss per epoch, a model file, and DBSCAN parameters tuned on the training FOVs only
    loss = pd.read_csv(results / "models" / "scenario8" / "loss.tsv", sep="\t")
    assert len(loss) == 1 and loss["loss"].notna().all()
    params = json.loads((results / "dbscan_params" / "scenario8" / "MIRO.json").read_text())
    assert params["mode"] == "tuned" and params["tuned_on_fovs"] == [32, 48, 28]
    assert params["chosen"] == {"eps": params["tuned"]["eps"], "min_samples": params["tuned"]["min_samples"]}
    assert "### DBSCAN parameters" in (results / "tables" / "paper_comparison.md").read_text()
    # a second run has nothing to do
    again = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(TINY), "--config", *local_urls())
    assert "Nothing to be done" in again.stdout + again.stderr
