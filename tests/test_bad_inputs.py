"""Bad and odd inputs (issue #19): every one ends in one line naming the file or key and the fix,
with exit status 2 on the command line, no traceback, and nothing left behind: no temporary or
partial file, no changed input, no worker process. Cases marked ``# was:`` misbehaved before.

Tables: CLI (cluster, evaluate, train, compare-runs), library entry points, workflow config.
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import resolve_config, still_running
from test_cli import run
from test_formats import make_table, write_plain

from miro.errors import MiroInputError

SRC = Path(__file__).resolve().parents[1] / "src"
TINY = ["--dataset-size", "2", "--hidden", "8", "--steps", "2", "--device", "cpu", "-q"]


def _tree(folder: Path) -> dict:
    """Every file under ``folder`` (hidden ones included) -> its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _children() -> set:
    """Live child processes of this process, except multiprocessing's fork server and resource tracker
    and the session's end-to-end Snakemake runs (conftest.background), which come and go meanwhile."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        helper = any(name in cmdline for name in (b"forkserver", b"resource_tracker", b"snakemake"))
        if int(fields[1]) == os.getpid() and fields[0] != "Z" and not helper:
            found.add(int(status.parent.name))
    return found


def _one_line(err: str, *needles: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# --------------------------------------------------------------------------- inputs of the CLI cases


@pytest.fixture(scope="module")
def material(tmp_path_factory, authors_dir):
    """Read-only inputs shared by the cases: FOVs, odd files, models, a 3-epoch training state."""
    from miro.nn.model import MIRO
    from miro.nn.weights import save_checkpoint

    d = tmp_path_factory.mktemp("material")
    table = make_table(n=300, seed=3)
    write_plain(table, d / "good.csv")
    table[["x", "y"]].to_csv(d / "X_clusters.csv", index=False)
    table.assign(cluster=0)[["x", "y", "cluster", "index"]].to_csv(d / "pred0.csv", index=False)
    table.assign(cluster=0)[["x", "y", "cluster"]][:10].to_csv(d / "pred_short.csv", index=False)
    pd.DataFrame({"x": table["x"][:80] / 1000, "y": table["y"][:80] / 1000}).to_csv(d / "um80.csv", index=False)
    pd.DataFrame({"x": np.full(50, 1000.0), "y": np.full(50, 1000.0)}).to_csv(d / "same.csv", index=False)
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.uniform(0, 400, (20000, 2)), columns=["x", "y"]).to_csv(d / "dense.csv", index=False)
    torch.manual_seed(0)
    save_checkpoint(MIRO(hidden_channels=8, num_steps=2), d / "tiny.pt", connectivity_radius=0.2, metadata={"eps": 30, "min_samples": 5})
    state = torch.load(d / "tiny.pt", weights_only=True)
    next(iter(state["state_dict"].values())).fill_(float("nan"))
    torch.save(state, d / "nan.pt")
    (d / "half.pt").write_bytes((d / "tiny.pt").read_bytes()[:3000])
    code = _main("train", d / "good.csv", "--out", d / "e3.pt", "--epochs", 3, "--checkpoint-dir", d / "ck3", *TINY)
    assert code == 0
    (d / "ck_half").mkdir()
    (d / "ck_half" / "last.pt").write_bytes((d / "ck3" / "last.pt").read_bytes()[:5000])
    (d / "folder").mkdir()
    (d / "folder" / "placeholder.txt").write_text("keep me")
    os.symlink(d / "good.csv", d / "link.csv")
    return d, authors_dir / "benchmark-models" / "model_scenario_8.pt"


def _main(*argv):
    from miro.cli import main

    return main([str(a) for a in argv])


# (argv with @name for a file of `material`, $name for a file in the case's folder), exit code, needles.
# Failing cases must leave the case folder and the material exactly as they were.
CLI_CASES = {
    # data loss: no output may replace an input
    "cluster: companion table onto the input": (["cluster", "@X_clusters.csv", "--out", "@X.csv", "--dbscan-only"], 2, ["X_clusters.csv", "overwrite the input", "--out"]),  # was: input overwritten
    "cluster: --out is the model": (["cluster", "@good.csv", "--model", "@tiny.pt", "--out", "@tiny.pt"], 2, ["tiny.pt", "overwrite the input"]),  # was: model overwritten
    "cluster: --out is the input": (["cluster", "@good.csv", "--out", "@good.csv", "--dbscan-only"], 2, ["overwrite the input"]),
    "cluster: --out links to the input": (["cluster", "@good.csv", "--out", "@link.csv", "--dbscan-only"], 2, ["link.csv", "overwrite the input"]),
    "train: --out is a FOV": (["train", "@good.csv", "--out", "@good.csv", *TINY], 2, ["good.csv", "overwrite the input"]),  # was: FOV overwritten
    "train: --out is the training state": (["train", "@good.csv", "--out", "@ck3/last.pt", "--checkpoint-dir", "@ck3", *TINY], 2, ["last.pt", "overwrite the input"]),  # was: state overwritten
    # leftovers: the message names the user's path
    "cluster: --out is a folder": (["cluster", "@good.csv", "--out", "@folder", "--dbscan-only"], 2, ["folder: is a folder", "file name"]),  # was: .part left, named
    "cluster: --out inside a file": (["cluster", "@good.csv", "--out", "@good.csv/labels.csv", "--dbscan-only"], 2, ["good.csv is a file, not a folder"]),
    "train: --out is a folder": (["train", "@good.csv", "--out", "@folder", *TINY], 2, ["folder: is a folder"]),  # was: traceback-free but named .tmp
    # units and memory
    "cluster: 80 points in µm": (["cluster", "@um80.csv", "--out", "$o.csv", "--dbscan-only"], 2, ["um80.csv", "looks like µm", "--unit"]),  # was: one cluster
    "cluster: all points identical": (["cluster", "@same.csv", "--out", "$o.csv", "--dbscan-only"], 2, ["same.csv", "one position", "--no-unit-check"]),  # was: silent
    "cluster: MIRO on identical points": (["cluster", "@same.csv", "--out", "$o.csv", "--model", "%authors", "--no-unit-check", "-q"], 2, ["displacements", "units"]),  # was: silent garbage
    "cluster: µm read as nm, memory": (["cluster", "@dense.csv", "--out", "$o.csv", "--dbscan-only", "-q"], 2, ["eps", "neighbour pairs", "GB", "nm"]),  # was: memory exhausted
    # numbers out of range, with the reason
    "cluster: --radius 1e6": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@tiny.pt", "--radius", "1e6"], 2, ["--radius must be at most 1", "fraction"]),  # was: accepted
    "cluster: --eps 1e9": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "--eps", "1e9"], 2, ["--eps must be at most", "nm"]),  # was: accepted
    "cluster: --steps 1e5": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@tiny.pt", "--steps", "100000"], 2, ["--steps must be at most 200"]),  # was: accepted
    "cluster: --workers 1e5": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@tiny.pt", "--workers", "100000"], 2, ["--workers must be at most"]),  # was: accepted
    "cluster: --tile-size 1e12": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@tiny.pt", "--tile-size", "1e12"], 2, ["--tile-size must be at most"]),  # was: accepted
    "cluster: --min-samples 0": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "--min-samples", "0"], 2, ["--min-samples must be >= 1"]),
    "cluster: --eps nan": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "--eps", "nan"], 2, ["--eps must be > 0"]),
    "cluster: --eps inf": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "--eps", "inf"], 2, ["--eps must be > 0"]),
    "cluster: --overlap -1": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@tiny.pt", "--overlap", "-1"], 2, ["--overlap must be >= 0"]),
    "cluster: --batch-tiles 0": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@tiny.pt", "--batch-tiles", "0"], 2, ["--batch-tiles must be >= 1"]),
    "cluster: --pixel-size 0": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "--pixel-size", "0"], 2, ["--pixel-size must be > 0"]),
    "cluster: --eps text": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "--eps", "fifty"], 2, ["--eps must be a number"]),
    "cluster: overlap >= tile": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@tiny.pt", "--overlap", "3000"], 2, ["smaller than the tile size"]),
    # model files
    "cluster: NaN weights": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@nan.pt"], 2, ["nan.pt", "NaN or infinite", "another model"]),  # was: traceback
    "cluster: truncated model": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@half.pt"], 2, ["half.pt", "truncated, damaged"]),
    "cluster: model is a folder": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "@folder"], 2, ["folder: is a folder"]),
    "cluster: model missing": (["cluster", "@good.csv", "--out", "$o.csv", "--model", "$none.pt"], 2, ["none.pt: no such checkpoint file"]),
    "cluster: no model": (["cluster", "@good.csv", "--out", "$o.csv"], 2, ["--model is required"]),
    "cluster: model and --dbscan-only": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "--model", "@tiny.pt"], 2, ["drop --model"]),
    # input files
    "cluster: input missing": (["cluster", "$none.csv", "--out", "$o.csv", "--dbscan-only"], 2, ["none.csv: file not found"]),
    "cluster: input is a folder": (["cluster", "@folder", "--out", "$o.csv", "--dbscan-only"], 2, ["folder: is a folder"]),
    "cluster: unknown option": (["cluster", "@good.csv", "--out", "$o.csv", "--epsilon", "3"], 2, ["unrecognized arguments"]),
    # evaluate
    "evaluate: --json when no cluster matched": (["evaluate", "@pred0.csv", "@good.csv", "--json"], 0, ["note", "RMSRE_N", "no predicted cluster matched"]),  # was: NaN, invalid JSON
    "evaluate: table when no cluster matched": (["evaluate", "@pred0.csv", "@good.csv"], 0, ["note", "undefined"]),
    "evaluate: ground truth missing": (["evaluate", "@pred0.csv", "$none.csv"], 2, ["none.csv: file not found"]),
    "evaluate: ground truth is a folder": (["evaluate", "@pred0.csv", "@folder"], 2, ["folder: is a folder"]),
    "evaluate: rows differ": (["evaluate", "@pred_short.csv", "@good.csv"], 2, ["pred_short.csv", "rows but"]),
    "evaluate: label column missing": (["evaluate", "@good.csv", "@good.csv", "--pred-column", "cluster"], 2, ["no column 'cluster'"]),
    "evaluate: labels not whole": (["evaluate", "@good.csv", "@good.csv", "--pred-column", "x"], 2, ["whole numbers"]),
    # train
    "train: --lr 1e30": (["train", "@good.csv", "--out", "$m.pt", "--lr", "1e30", *TINY], 2, ["--lr must be at most 1", "diverge"]),  # was: a model of 1e30 weights
    "train: --hidden 1e5": (["train", "@good.csv", "--out", "$m.pt", "--hidden", "100000"], 2, ["--hidden must be at most 4096"]),  # was: accepted
    "train: --epochs 0": (["train", "@good.csv", "--out", "$m.pt", "--epochs", "0"], 2, ["--epochs must be >= 1"]),
    "train: --seed -1": (["train", "@good.csv", "--out", "$m.pt", "--seed", "-1"], 2, ["--seed must be >= 0"]),
    "train: resume 3 epochs as 2": (["train", "@good.csv", "--out", "$m.pt", "--epochs", "2", "--checkpoint-dir", "@ck3", *TINY], 2, ["last.pt", "3 trained epochs", "epochs >= 3"]),  # was: model says 2
    "train: truncated training state": (["train", "@good.csv", "--out", "$m.pt", "--epochs", "4", "--checkpoint-dir", "@ck_half", *TINY], 2, ["ck_half/last.pt", "training state", "delete"]),  # was: traceback
    "train: resume with another lr": (["train", "@good.csv", "--out", "$m.pt", "--epochs", "4", "--lr", "0.001", "--checkpoint-dir", "@ck3", *TINY], 2, ["other settings", "lr"]),
    "train: FOV without labels": (["train", "@um80.csv", "--out", "$m.pt", "--no-unit-check", *TINY], 2, ["index"]),
    "train: no FOV": (["train", "--out", "$m.pt", *TINY], 2, ["--single-shot"]),
    # compare-runs
    "compare-runs: missing folder": (["compare-runs", "$none", "$none2"], 2, ["none"]),
    "compare-runs: not a record": (["compare-runs", "@good.csv", "@good.csv"], 2, ["good.csv", "provenance"]),
    # good inputs
    "cluster: plain DBSCAN": (["cluster", "@good.csv", "--out", "$o.csv", "--dbscan-only", "-q"], 0, []),
    "cluster: tiny model": (["cluster", "@good.csv", "--out", "$sub/o.csv", "--model", "@tiny.pt", "-q"], 0, []),
    "train: one tiny epoch": (["train", "@good.csv", "--out", "$m.pt", "--epochs", "1", *TINY], 0, []),
}
WRITES = {"cluster: plain DBSCAN": ["o.csv", "o_clusters.csv"], "cluster: tiny model": ["sub/o.csv", "sub/o_clusters.csv"], "train: one tiny epoch": ["m.pt"]}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_case(tmp_path, capsys, monkeypatch, material, case):
    folder, authors_model = material
    monkeypatch.setattr("miro.inference.clustering.available_memory", lambda: 20e6, raising=False)  # 10 MB for DBSCAN's neighbours
    if "%authors" in CLI_CASES[case][0] and not authors_model.is_file():
        pytest.skip(f"{authors_model} not found")
    argv, expected, needles = CLI_CASES[case]
    subst = {"%authors": str(authors_model)}
    argv = [subst.get(a) or (str(folder / a[1:]) if a[0] == "@" else str(tmp_path / a[1:]) if a[0] == "$" else a) for a in argv]
    before, material_before, children = _tree(tmp_path), _tree(folder), _children()
    code, out, err = run(capsys, *argv)
    assert code == expected, err
    assert _tree(folder) == material_before, "an input changed"
    assert not [p for p in tmp_path.rglob("*.part")] and not [p for p in folder.rglob("*.part")]
    assert _children() <= children, "a process was left behind"
    if expected == 0 and not needles:
        assert err == ""
        assert sorted(set(_tree(tmp_path)) - set(before)) == sorted(WRITES[case])
        return
    line = _one_line(err, *needles)
    if expected == 2:
        assert line.startswith("miro: error: ")
        assert _tree(tmp_path) == before, "a failed run wrote something"
    else:
        scores = json.loads(out) if "--json" in argv else None  # strict JSON: NaN would fail
        assert scores is None or (scores["RMSRE_N"] is None and scores["ARI"] == 0.0)


def test_sigterm_ends_workers_and_leaves_nothing(tmp_path, authors_dir):
    """SIGTERM while `miro cluster --workers 2` squeezes: exit 143, one line, no worker, no partial file."""
    model = authors_dir / "benchmark-models" / "model_scenario_8.pt"
    rng = np.random.default_rng(1)
    pd.DataFrame(rng.uniform(0, 6000, (6000, 2)), columns=["x", "y"]).to_csv(tmp_path / "big.csv", index=False)
    env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, "-m", "miro.cli", "cluster", str(tmp_path / "big.csv"), "--model", str(model), "--workers", "2",
            "--batch-tiles", "1", "--out", str(tmp_path / "o.csv"), "-q"]
    process = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    descendants = set()
    deadline = time.monotonic() + 60
    while len(descendants) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        descendants = _descendants(process.pid) - _helpers(process.pid)  # the workers, children of the fork server
    assert len(descendants) >= 2, "the workers never started"
    descendants |= _descendants(process.pid)  # and the fork server, resource tracker
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143
    _one_line(err, "terminated")
    assert still_running(descendants, within=10) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


def _descendants(pid: int) -> set:
    parents = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(status.parent.name)] = int(status.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        parent = frontier.pop()
        kids = {child for child, of in parents.items() if of == parent} - found
        found |= kids
        frontier |= kids
    return found


def _helpers(pid: int) -> set:
    """The fork server and resource tracker: the children of ``pid`` that multiprocessing starts."""
    helpers = set()
    for child in _descendants(pid) & _children_of(pid):
        try:
            if any(name in Path(f"/proc/{child}/cmdline").read_bytes() for name in (b"forkserver", b"resource_tracker")):
                helpers.add(child)
        except OSError:
            continue
    return helpers


def _children_of(pid: int) -> set:
    return {child for child in _descendants(pid) if _parent(child) == pid}


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return -1


# --------------------------------------------------------------------------- library entry points


def _dbscan_memory(tmp_path):
    from miro.inference.clustering import check_dbscan_memory

    check_dbscan_memory(np.random.default_rng(0).uniform(0, 400, (5000, 2)), 50.0, budget=1e6)


def _read_um80(tmp_path):
    from miro.data.io import read_localizations

    pd.DataFrame({"x": [0.1, 1.2, 1.9, 0.5], "y": [0.2, 0.7, 1.8, 1.1]}).to_csv(tmp_path / "um.csv", index=False)
    read_localizations(tmp_path / "um.csv")


def _nan_model():
    from miro.nn.model import MIRO

    model = MIRO(hidden_channels=8, num_steps=2)
    with torch.no_grad():
        next(model.parameters()).fill_(float("nan"))
    return model


def _save_nan_model(tmp_path):
    from miro.nn.weights import save_checkpoint

    save_checkpoint(_nan_model(), tmp_path / "m.pt", connectivity_radius=0.2)


def _load_nan_state_dict(tmp_path):
    from miro.nn.model import MIRO
    from miro.nn.weights import load_state_dict_into

    load_state_dict_into(MIRO(hidden_channels=8, num_steps=2), _nan_model().state_dict(), "weights.pt")


def _tiled_nan(tmp_path):
    from miro.inference.tiling import tiled_squeeze

    tiled_squeeze(_nan_model(), make_table(n=300)[["x", "y"]].to_numpy(), 0.2, progress=False, workers=1)


def _graphs():
    from miro.training.training_sets import build_training_set, source_from_fovs

    return build_training_set("GraphDataset", {"connectivity_radius": 0.2}, source_from_fovs([make_table(n=300, seed=1)]), seed=0, dataset_size=2, progress=False)


def _diverge(tmp_path):
    from miro.nn.model import MIRO
    from miro.training import train

    torch.manual_seed(0)
    try:
        train(MIRO(hidden_channels=8, num_steps=2), _graphs(), epochs=3, lr=1e30, connectivity_radius=0.2, seed=0, device="cpu",
              checkpoint_dir=tmp_path / "ck", progress=False)
    finally:
        from miro.training.state import completed_epochs

        assert completed_epochs(tmp_path / "ck") == 1  # the last good epoch is kept


def _write_csv_to_folder(tmp_path):
    from miro.data.io import write_csv

    (tmp_path / "out.csv").mkdir()
    write_csv(pd.DataFrame({"a": [1]}), tmp_path / "out.csv")


def _interrupted_outputs(tmp_path):
    from miro._outputs import atomic_outputs

    (tmp_path / "a.csv").write_text("old\n")
    with atomic_outputs([tmp_path / "a.csv", tmp_path / "b.csv"]) as (a, b):
        a.write_text("new\n")
        raise MiroInputError("stopped half-way")


def _tampered_download(tmp_path):
    from miro.data.download import sha256_of, write_stamp
    from miro.data.io import read_localizations

    path = write_plain(make_table(n=300), tmp_path / "fov_1.csv")
    write_stamp(path, sha256_of(path))
    path.write_text(path.read_text()[:2000])  # truncated after its verified download
    read_localizations(path)


def _training_set_half(tmp_path):
    from miro.training.training_sets import load_training_set

    (tmp_path / "set.pt").write_bytes(b"PK\x03\x04 not a whole file")
    load_training_set(tmp_path / "set.pt")


LIBRARY_CASES = {
    "dbscan memory bound": (_dbscan_memory, ["eps", "neighbour pairs", "GB"]),  # was: no bound
    "read 4 points in µm": (_read_um80, ["um.csv", "looks like µm"]),  # was: accepted
    "save NaN weights": (_save_nan_model, ["m.pt", "NaN or infinite"]),  # was: written
    "load NaN weights": (_load_nan_state_dict, ["weights.pt", "NaN or infinite"]),  # was: loaded
    "tiles of a NaN model": (_tiled_nan, ["displacements"]),  # was: RuntimeError
    "training diverges": (_diverge, ["diverged in epoch 2", "lower lr", "keeps epoch 1"]),  # was: FloatingPointError
    "write_csv onto a folder": (_write_csv_to_folder, ["out.csv: is a folder"]),  # was: IsADirectoryError on .part
    "outputs interrupted": (_interrupted_outputs, ["stopped half-way"]),
    "tampered download": (_tampered_download, ["fov_1.csv", "changed since its verified download", "download it again"]),  # was: used
    "truncated training set": (_training_set_half, ["set.pt", "training set", "build it again"]),
}


@pytest.mark.parametrize("case", sorted(LIBRARY_CASES))
def test_library_case(tmp_path, case):
    call, needles = LIBRARY_CASES[case]
    with pytest.raises(MiroInputError) as info:
        call(tmp_path)
    _one_line(str(info.value), *needles)
    assert not list(tmp_path.rglob("*.part")) and not (tmp_path / "m.pt").exists()
    if case == "outputs interrupted":
        assert (tmp_path / "a.csv").read_text() == "old\n" and not (tmp_path / "b.csv").exists()


def test_touched_but_unchanged_download_is_used(tmp_path):
    from miro.data.download import sha256_of, write_stamp
    from miro.data.io import read_localizations

    path = write_plain(make_table(n=300), tmp_path / "fov_1.csv")
    write_stamp(path, sha256_of(path))
    os.utime(path, ns=(1, 1))
    assert len(read_localizations(path)) == 300


# --------------------------------------------------------------------------- workflow config


CONFIG_CASES = {
    "two scenarios, one id": ("scenarios:\n  - {id: s8, benchmark: Ground Truth - Scenario 8, training_fovs: [32]}\n"
                              "  - {id: s8, benchmark: Ground Truth - Scenario 9, training_fovs: [3]}\n", ["scenarios", "s8", "2 times"]),  # was: second replaced the first
    "unknown top-level key": ("trainig: {epochs: 3}\n", ["unknown key trainig", "did you mean training?"]),  # was: schema dump
    "unknown nested key": ("training: {epocs: 3}\n", ["unknown key training.epocs", "epochs"]),  # was: schema dump
    "wrong type": ("training: {epochs: many}\n", ["training.epochs", "'many'"]),  # was: schema dump
    "negative epochs": ("training: {epochs: -1}\n", ["training.epochs", "-1"]),  # was: schema dump
    "no test FOV left": ("scenarios:\n  - {id: s8, benchmark: Ground Truth - Scenario 8, training_fovs: [1], fovs: [1], dbscan: {eps: 50, min_samples: 4}}\nmethods: [DBSCAN]\n", ["s8", "no test FOVs"]),
    "benchmark and simulator": ("scenarios:\n  - {id: s8, benchmark: Ground Truth - Scenario 8, simulator: nieves}\n", ["s8", "exactly one of"]),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_config_case(case):
    overlay, needles = CONFIG_CASES[case]
    with pytest.raises(MiroInputError) as info:
        resolve_config(overlay)
    line = _one_line(str(info.value), *needles)
    assert line.startswith("config: ") and len(line) < 400


def test_default_config_still_resolves():
    assert "scenario8" in resolve_config().scenarios
