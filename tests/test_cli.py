"""The ``miro`` command line (miro.cli): every input format, DBSCAN-only, evaluate, train, bad input."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import adjusted_rand_score
from test_formats import PIXEL_NM, make_table, write_picasso, write_plain, write_smap, write_thunderstorm

from miro.cli import cluster_table, main
from miro.data.download import read_manifest, sha256_of
from miro.data.released import RELEASED_WEIGHTS_MANIFEST, released_model


@pytest.fixture(scope="module")
def model_path(authors_dir):
    path = authors_dir / "benchmark-models" / "model_scenario_8.pt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="module")
def table():
    return make_table(seed=3)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- cluster


WRITERS = {
    "plain": (lambda t, d: write_plain(t, d / "fov.csv"), []),
    "thunderstorm": (lambda t, d: write_thunderstorm(t, d / "fov_ts.csv"), []),
    "thunderstorm-px": (lambda t, d: write_thunderstorm(t, d / "fov_px.csv", unit="px"), ["--pixel-size", PIXEL_NM]),
    "smap": (lambda t, d: write_smap(t, d / "fov_sml.csv"), []),
    "picasso": (lambda t, d: write_picasso(t, d / "fov_locs.hdf5"), []),
}


@pytest.fixture(scope="module")
def reference_labels(tmp_path_factory, model_path, table):
    folder = tmp_path_factory.mktemp("reference")
    path = write_plain(table, folder / "fov.csv")
    assert main(["cluster", str(path), "--model", str(model_path), "--out", str(folder / "out.csv"), "-q"]) == 0
    return pd.read_csv(folder / "out.csv")["cluster"].to_numpy()


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_cluster_every_format(tmp_path, capsys, model_path, table, reference_labels, fmt):
    write, extra = WRITERS[fmt]
    source = write(table, tmp_path)
    out = tmp_path / "result" / "labels.csv"
    code, stdout, err = run(capsys, "cluster", source, "--model", model_path, "--out", out, *extra)
    assert code == 0, err
    assert err == ""
    assert "defaults from released model model_scenario_8.pt" in stdout
    labels = pd.read_csv(out)
    assert list(labels.columns) == ["x", "y", "cluster"]
    np.testing.assert_allclose(labels[["x", "y"]].to_numpy(), table[["x", "y"]].to_numpy(), atol=0.05)
    assert adjusted_rand_score(reference_labels, labels["cluster"]) == pytest.approx(1.0)
    stats = pd.read_csv(tmp_path / "result" / "labels_clusters.csv")
    assert list(stats.columns) == ["cluster", "n_localizations", "x_nm", "y_nm", "radius_of_gyration_nm", "convex_hull_area_nm2"]
    assert stats["n_localizations"].sum() == (labels["cluster"] > 0).sum()
    assert len(stats) == labels["cluster"].max() >= 8  # 10 clusters of 20 simulated


def test_miro_finds_the_simulated_clusters(reference_labels, table):
    assert adjusted_rand_score(table["index"], reference_labels) > 0.8


def test_dbscan_only_and_keep_columns(tmp_path, capsys, table):
    source = write_thunderstorm(table, tmp_path / "ts.csv")
    code, stdout, err = run(capsys, "cluster", source, "--dbscan-only", "--eps", 50, "--min-samples", 4, "--out", tmp_path / "d.csv", "--keep-columns")
    assert code == 0 and err == ""
    assert "plain DBSCAN: eps 50 nm, min_samples 4" in stdout
    out = pd.read_csv(tmp_path / "d.csv")
    assert {"x", "y", "cluster", "frame", "uncertainty [nm]"} <= set(out.columns)
    from miro.inference.clustering import dbscan_labels

    np.testing.assert_array_equal(out["cluster"], dbscan_labels(table[["x", "y"]].to_numpy(), 50, 4))


def test_whole_fov_mode_reproduces_authors_pipeline(tmp_path, capsys, model_path, table):
    from miro.inference import miro_dbscan
    from miro.nn.weights import load_released

    source = write_plain(table, tmp_path / "fov.csv")
    code, _, err = run(capsys, "cluster", source, "--model", model_path, "--whole-fov", "--out", tmp_path / "w.csv")
    assert code == 0, err
    expected = miro_dbscan(load_released(model_path, num_steps=12), table[["x", "y"]].to_numpy(), 0.2, 40.62, 4)
    np.testing.assert_array_equal(pd.read_csv(tmp_path / "w.csv")["cluster"], expected)


def test_cluster_table_geometry():
    xy = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [5, 5], [100, 100], [110, 100], [200, 0], [210, 0], [220, 0], [999, 999]], float)
    labels = np.array([3, 3, 3, 3, 3, 1, 1, 2, 2, 2, 0])
    stats = cluster_table(xy, labels)
    assert stats["cluster"].tolist() == [1, 2, 3]
    assert stats["n_localizations"].tolist() == [2, 3, 5]
    assert stats["convex_hull_area_nm2"].tolist() == [0.0, 0.0, pytest.approx(100.0)]  # 2 points; collinear; square
    np.testing.assert_allclose(stats[["x_nm", "y_nm"]].to_numpy(), [[105, 100], [210, 0], [5, 5]])
    assert stats["radius_of_gyration_nm"].tolist() == pytest.approx([5.0, np.sqrt(200 / 3), np.sqrt(4 * 50 / 5)])
    assert len(cluster_table(xy, np.zeros(len(xy), int))) == 0


def test_released_settings_match_authors_metadata(authors_dir):
    """Every released file (all 18 folders): R, K and MIRO + DBSCAN parameters of the shipped manifest are
    the authors' metadata, and the checksums of the files in ../shared/data (all but Scenario 7's) are the manifest's."""
    meta = json.loads((authors_dir / "benchmark-metadata.json").read_text())
    manifest = read_manifest(RELEASED_WEIGHTS_MANIFEST).set_index("file")
    assert len(manifest) == len(meta) == 18
    for key, entry in meta.items():
        model = released_model(Path(entry["checkpoint"]).name)
        assert model.benchmark == key and model.connectivity_radius == entry["builder_kwargs"]["connectivity_radius"]
        assert model.num_steps == entry["recurrent_iterations"]
        assert model.dbscan == entry["MIRO_DBSCAN_params"]
    local = sorted((authors_dir / "benchmark-models").glob("*.pt"))
    assert len(local) == 16 and not any("scenario_7" in path.name for path in local)  # Scenario 7's files are not in ../shared/data
    for path in local:
        assert (sha256_of(path), path.stat().st_size) == (manifest.loc[path.name, "sha256"], manifest.loc[path.name, "bytes"])
    assert released_model("my_model.pt") is None


# --------------------------------------------------------------------------- evaluate


def test_evaluate_table_and_json(tmp_path, capsys, table):
    truth = write_plain(table, tmp_path / "truth.csv")
    assert main(["cluster", str(truth), "--dbscan-only", "--out", str(tmp_path / "pred.csv"), "-q", "--keep-columns"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "evaluate", tmp_path / "pred.csv", truth)
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert lines[0].split()[:2] == ["metric", "value"] and len(lines) == 9
    for name in ("ARI_dagger", "IoU", "JIc", "RMSRE_N", "RMSE_xy", "AMI", "ARI_c", "ARI"):
        assert any(line.startswith(name + " ") for line in lines)
    code, out, _ = run(capsys, "evaluate", tmp_path / "pred.csv", truth, "--json")
    scores = json.loads(out)
    assert list(scores) == ["ARI_dagger", "IoU", "JIc", "RMSRE_N", "RMSE_xy", "AMI", "ARI_c", "ARI"]
    from miro.evaluation import evaluate
    from miro.inference.clustering import dbscan_labels

    expected = evaluate(table[["x", "y"]].to_numpy(), table["index"], dbscan_labels(table[["x", "y"]].to_numpy(), 50, 4))
    assert scores == pytest.approx(expected, nan_ok=True)
    # one file holding both columns (written with --keep-columns)
    code, out, _ = run(capsys, "evaluate", tmp_path / "pred.csv", "--json")
    assert code == 0 and json.loads(out) == pytest.approx(expected, nan_ok=True)
    # perfect prediction
    code, out, _ = run(capsys, "evaluate", truth, truth, "--pred-column", "index", "--json")
    assert json.loads(out)["ARI"] == 1.0


# --------------------------------------------------------------------------- train


def test_train_then_cluster_with_the_trained_model(tmp_path, capsys):
    fovs = []
    for seed in (1, 2):
        fovs.append(write_plain(make_table(n=300, seed=seed), tmp_path / f"fov_{seed}.csv"))
    model = tmp_path / "tiny.pt"
    code, out, err = run(
        capsys, "train", *fovs, "--out", model, "--epochs", 1, "--dataset-size", 4, "--hidden", 8, "--steps", 2,
        "--radius", 0.2, "--seed", 1, "--device", "cpu", "--eps", 30, "--min-samples", 5,
    )
    assert code == 0, err
    assert f"wrote {model}" in out
    from miro.nn.weights import load_checkpoint

    net, meta = load_checkpoint(model)
    assert net.hidden_channels == 8 and meta["num_steps"] == 2 and meta["connectivity_radius"] == 0.2
    assert meta["eps"] == 30 and meta["min_samples"] == 5 and 1500 < meta["fov_size_nm"] < 2100
    code, out, err = run(capsys, "cluster", fovs[0], "--model", model, "--out", tmp_path / "l.csv")
    assert code == 0, err
    assert "K 2, eps 30 nm, min_samples 5" in out and "checkpoint metadata" in out


def test_single_shot_train_from_one_cluster_then_cluster(tmp_path, capsys):
    table = make_table(n=300, seed=4)
    one = table[table["index"] == table.loc[table["index"] > 0, "index"].iloc[0]][["x", "y"]]
    cluster = tmp_path / "one_cluster.csv"
    one.to_csv(cluster, index=False)
    fov = write_plain(table, tmp_path / "fov.csv")
    model = tmp_path / "one_shot.pt"
    code, out, err = run(
        capsys, "train", "--single-shot", cluster, "--out", model, "--epochs", 1, "--dataset-size", 2, "--hidden", 8,
        "--steps", 2, "--radius", 0.2, "--device", "cpu",
    )
    assert code == 0, err
    assert f"one cluster of {len(one)} localizations" in out and "FOV 2000 nm" in out
    from miro.nn.weights import load_checkpoint

    _, meta = load_checkpoint(model)
    assert meta["single_shot_cluster"] == str(cluster) and meta["fov_size_nm"] == 2000 and meta["training_files"] == []
    code, _, err = run(capsys, "cluster", fov, "--model", model, "--eps", 30, "--min-samples", 5, "--out", tmp_path / "l.csv")
    assert code == 0, err
    # a real background for a blinking builder: the FOV's index-0 localizations
    code, out, err = run(
        capsys, "train", "--single-shot", cluster, fov, "--builder", "GraphBlinkingDataset", "--out", tmp_path / "b.pt",
        "--epochs", 1, "--dataset-size", 2, "--hidden", 8, "--steps", 2, "--radius", 0.2, "--device", "cpu",
    )
    assert code == 0, err
    assert "1 background file(s)" in out


def test_train_with_mean_shift_features_and_cluster(tmp_path, capsys, bf16_units):
    fov = write_plain(make_table(n=300, seed=3), tmp_path / "fov.csv")
    model = tmp_path / "ms.pt"
    code, _, err = run(
        capsys, "train", fov, "--out", model, "--epochs", 1, "--dataset-size", 2, "--hidden", 8, "--steps", 2,
        "--radius", 0.2, "--seed", 1, "--device", "cpu", "--node-features", "laplacian+meanshift", "--tiles", 2,
        "--precision", "bf16",
    )
    assert code == 0, err
    from miro.nn.weights import load_checkpoint

    net, meta = load_checkpoint(model)
    assert meta["node_features"] == "laplacian+meanshift" and net.node_in == 14 and meta["tiles"] == 2
    assert meta["precision"] == "bf16"
    code, _, err = run(capsys, "cluster", fov, "--model", model, "--eps", 30, "--min-samples", 5, "--out", tmp_path / "l.csv")
    assert code == 0, err
    assert len(pd.read_csv(tmp_path / "l.csv")) == 300


# --------------------------------------------------------------------------- bad input


def _file(name, content):
    def make(tmp_path, table, model_path):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return path

    return make


def _good(tmp_path, table, model_path):
    return write_plain(table, tmp_path / "good.csv")


def _um(tmp_path, table, model_path):
    path = tmp_path / "um.csv"
    pd.DataFrame({"x": table["x"] / 1000, "y": table["y"] / 1000}).to_csv(path, index=False)
    return path


BAD_CALLS = {
    "missing input": (lambda d, t, m: d / "missing.csv", ["--dbscan-only"], "file not found"),
    "empty input": (_file("empty.csv", ""), ["--dbscan-only"], "file is empty"),
    "no x,y columns": (_file("cols.csv", "a,b\n1,2\n"), ["--dbscan-only"], "missing column"),
    "NaN coordinate": (_file("nan.csv", "x,y\n1,2\nnan,3\n"), ["--dbscan-only"], "missing, non-numeric"),
    "duplicate columns": (_file("dup.csv", "x,y,y\n1,2,3\n"), ["--dbscan-only"], "more than once"),
    "µm claimed nm": (_um, ["--dbscan-only"], "looks like µm"),
    "px without --pixel-size": (lambda d, t, m: write_thunderstorm(t, d / "px.csv", unit="px"), ["--dbscan-only"], "--pixel-size"),
    "Picasso without sidecar": (lambda d, t, m: write_picasso(t, d / "p.hdf5", sidecar=None), ["--dbscan-only"], "pixel size unknown"),
    "not HDF5": (_file("fake.hdf5", b"garbage"), ["--dbscan-only"], "not a readable HDF5"),
    "model not found": (_good, ["--model", "/nonexistent/model.pt"], "no such checkpoint"),
    "model not a checkpoint": (_good, ["--model", "@garbage"], "not a PyTorch checkpoint"),
    "no model": (_good, [], "--model is required"),
    "model and --dbscan-only": (_good, ["--dbscan-only", "--model", "@model"], "drop --model"),
    "negative eps": (_good, ["--dbscan-only", "--eps", "-3"], "--eps must be > 0"),
    "eps not a number": (_good, ["--dbscan-only", "--eps", "fifty"], "--eps must be a number"),
    "min-samples not whole": (_good, ["--dbscan-only", "--min-samples", "2.5"], "whole number"),
    "overlap >= tile": (_good, ["--model", "@model", "--overlap", "3000"], "smaller than the tile size"),
    "unknown option": (_good, ["--dbscan-only", "--epsilon", "3"], "unrecognized arguments"),
    "unknown format": (_good, ["--dbscan-only", "--format", "excel"], "invalid choice"),
    "cuda without GPU": (_good, ["--model", "@model", "--device", "cuda"], "no CUDA GPU"),
    "out overwrites input": (_good, ["--dbscan-only", "--out", "@input"], "overwrite the input"),
    "out under a file": (_good, ["--dbscan-only", "--out", "@input/labels.csv"], "error"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_cluster_calls_give_one_line_and_exit_2(tmp_path, capsys, table, model_path, case):
    make, extra, message = BAD_CALLS[case]
    if case == "cuda without GPU" and torch.cuda.is_available():
        pytest.skip("a GPU is available")
    source = make(tmp_path, table, model_path)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a checkpoint")
    subst = {"@garbage": garbage, "@model": model_path, "@input": source, "@input/labels.csv": f"{source}/labels.csv"}
    extra = [str(subst.get(a, a)) for a in extra]
    if "--out" not in extra:
        extra += ["--out", str(tmp_path / "out.csv")]
    code, _, err = run(capsys, "cluster", source, *extra)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("miro: error: ") and message in lines[0], lines[0]
    assert "Traceback" not in err


BAD_OTHER = {
    "evaluate: rows differ": (["evaluate", "@pred_short", "@truth"], "rows but"),
    "evaluate: sklearn -1 labels": (["evaluate", "@pred_negative", "@truth"], "add 1 first"),
    "evaluate: missing ground truth": (["evaluate", "@pred", "@missing"], "file not found"),
    "evaluate: no label column": (["evaluate", "@truth", "@truth", "--pred-column", "cluster"], "no column 'cluster'"),
    "evaluate: other rows": (["evaluate", "@pred_shuffled", "@truth"], "differ from"),
    "train: FOV without labels": (["train", "@unlabelled", "--out", "@model_out"], "index"),
    "train: FOV with no clusters": (["train", "@noclusters", "--out", "@model_out"], "no clustered localizations"),
    "train: neither FOVs nor a cluster": (["train", "--out", "@model_out"], "or one cluster with --single-shot CLUSTER.csv"),
    "train: single-shot blinking without backgrounds": (
        ["train", "--single-shot", "@truth", "--builder", "GraphBlinkingDataset", "--out", "@model_out"], "give background files",
    ),
    # each case runs as on a CPU without bfloat16 units (an AVX2-only one)
    "train: bf16 without bfloat16 units": (["train", "@truth", "--out", "@model_out", "--precision", "bf16"], "use precision fp32"),
    "no subcommand argument": (["cluster"], "required"),
    "unknown subcommand": (["frobnicate"], "invalid choice"),
}


@pytest.mark.parametrize("case", sorted(BAD_OTHER))
def test_bad_evaluate_and_train_calls(tmp_path, capsys, table, case, monkeypatch):
    monkeypatch.setattr("miro.training.loop.has_bf16_units", lambda device: False)
    truth = write_plain(table, tmp_path / "truth.csv")
    pred = tmp_path / "pred.csv"
    pd.DataFrame({"x": table["x"], "y": table["y"], "cluster": 0}).to_csv(pred, index=False)
    files = {
        "@truth": truth,
        "@pred": pred,
        "@missing": tmp_path / "missing.csv",
        "@model_out": tmp_path / "m.pt",
    }
    files["@pred_short"] = tmp_path / "short.csv"
    pd.read_csv(pred).iloc[:10].to_csv(files["@pred_short"], index=False)
    files["@pred_negative"] = tmp_path / "neg.csv"
    pd.read_csv(pred).assign(cluster=-1).to_csv(files["@pred_negative"], index=False)
    files["@pred_shuffled"] = tmp_path / "shuffled.csv"
    pd.read_csv(pred).iloc[::-1].to_csv(files["@pred_shuffled"], index=False)
    files["@unlabelled"] = tmp_path / "unlabelled.csv"
    table[["x", "y"]].to_csv(files["@unlabelled"], index=False)
    files["@noclusters"] = tmp_path / "noclusters.csv"
    table.assign(index=0).to_csv(files["@noclusters"], index=False)
    argv, message = BAD_OTHER[case]
    code, _, err = run(capsys, *[files.get(a, a) for a in argv])
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("miro: error: ") and message in lines[0], err
    assert not files["@model_out"].exists()


def test_help_speaks_nm(capsys):
    code, out, _ = run(capsys, "cluster", "--help")
    assert code == 0
    for phrase in ("eps", "nm", "model_scenario_", "github.com/DeepTrackAI/MIRO", "miro train", "OUT_clusters.csv"):
        assert phrase in out
    assert run(capsys, "--help")[0] == 0
    assert run(capsys, "evaluate", "--help")[0] == 0
    assert run(capsys, "train", "--help")[0] == 0


def _console_script():
    script = Path(sys.executable).with_name("miro")
    if script.is_file():
        return str(script)
    found = shutil.which("miro")
    if found is None:
        pytest.skip("the miro console script is not installed (pip install -e .)")
    return found


def test_installed_console_script(tmp_path, table):
    script = _console_script()
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    bad = subprocess.run([script, "cluster", str(tmp_path / "nope.csv"), "--dbscan-only", "--out", str(tmp_path / "o.csv")], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == [f"miro: error: {tmp_path / 'nope.csv'}: file not found; check the path"]
    source = write_smap(table, tmp_path / "cell_sml.csv")
    good = subprocess.run([script, "cluster", str(source), "--dbscan-only", "--out", str(tmp_path / "o.csv")], capture_output=True, text=True, env=env, timeout=120)
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "o_clusters.csv").is_file()
