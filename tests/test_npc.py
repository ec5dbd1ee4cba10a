"""miro.analysis.npc (NPC and corner counts, exponential and labelling-efficiency fits) and the Nup96
workflow (Fig. 5c-f): the download rule over file:// (never the internet) and the whole pipeline on
a simulated SMAP _sml.csv."""

import json

import numpy as np
import pandas as pd
import pytest

from miro.analysis.npc import (
    assign_corners,
    corner_table,
    corners_histogram,
    fit_exponential,
    fit_labelling_efficiency,
    npc_table,
    summarize,
)
from miro.data.download import sha256_of
from miro.data.simulation import npc
from miro.errors import MiroInputError

from conftest import REPO, background, resolve_config, snakemake

NUP96_CONFIG = REPO / "tests" / "config" / "nup96.yaml"


@pytest.fixture(scope="module")
def fov():
    """One simulated NPC FOV with ground truth: index = NPC, sublabel = corner (0 = neither)."""
    return npc(3, localizations_per_corner=[0, 40])


def test_npc_table_counts_corners_of_ground_truth(fov):
    xy = fov[["x", "y"]].to_numpy()
    table = npc_table(xy, fov["index"], fov["sublabel"])
    truth = fov[fov["index"] > 0].groupby("index")
    assert list(table["npc"]) == list(truth.groups)
    assert list(table["n_localizations"]) == list(truth.size())
    assert list(table["n_corners"]) == list(truth["sublabel"].nunique())  # corners drawn with 0 localizations are absent
    assert table["n_corners"].between(1, 8).all() and (table["n_corners"] < 8).any()
    assert table["radius"].between(35, 70).all()  # corners about 53 nm from the centre
    np.testing.assert_allclose(table[["x", "y"]], truth[["x", "y"]].mean(), atol=1e-9)


def test_corner_table_and_assignment_by_majority(fov):
    xy = fov[["x", "y"]].to_numpy()
    corners = corner_table(xy, fov["index"], fov["sublabel"])
    assert list(corners.columns) == ["corner", "npc", "x", "y", "n_localizations"]
    assert corners["n_localizations"].sum() == (fov["sublabel"] > 0).sum()
    owner = fov[fov["sublabel"] > 0].groupby("sublabel")["index"].first()
    assert (corners.set_index("corner")["npc"] == owner).all()
    # corner 1: 3 of its 4 points in NPC 2; corner 2 split 1:1 between NPC 1 and background -> none
    npc_labels = np.array([2, 2, 2, 0, 1, 0, 0])
    corner_labels = np.array([1, 1, 1, 1, 2, 2, 0])
    assert assign_corners(npc_labels, corner_labels).to_dict() == {1: 2, 2: 0}
    assert npc_table(np.zeros((7, 2)), npc_labels, corner_labels)["n_corners"].tolist() == [0, 1]


def test_exponential_fit_recovers_the_mean_above_a_cutoff():
    rng = np.random.default_rng(0)
    counts = np.floor(rng.exponential(12.28, 4000)).astype(int)  # whole localizations per corner
    fit = fit_exponential(counts, lower=4)  # DBSCAN with min_samples 4 misses smaller corners
    assert fit.lower == 4 and fit.n == (counts >= 4).sum()
    assert abs(fit.mean - 12.28) < 3 * fit.stderr and 0.1 < fit.stderr < 0.5
    assert np.isclose(fit.pmf(np.arange(4, 2000)).sum(), 1) and fit.pmf(3) == 0
    assert fit_exponential(counts[counts >= 4]).lower == 4  # default cutoff: the smallest count
    means = [fit_exponential(np.floor(rng.exponential(12.28, 300)), lower=4).mean for _ in range(200)]
    assert abs(np.mean(means) - 12.28) < 0.3  # nearly unbiased at a few hundred corners


def test_labelling_efficiency_fit_recovers_p():
    rng = np.random.default_rng(1)
    p = 0.58  # Thevathasan et al.: ELE of Nup96-mMaple
    seen = rng.binomial(8, 1 - (1 - p) ** 4, 3000)
    fit = fit_labelling_efficiency(np.r_[seen, [9, 10]])  # over-split NPCs are left out
    assert fit.n == ((seen >= 3) & (seen <= 8)).sum()
    assert abs(fit.p - p) < 3 * fit.stderr and fit.stderr < 0.02
    assert np.isclose(fit.p_corner, 1 - (1 - fit.p) ** 4)
    assert np.isclose(fit.pmf(np.arange(3, 9)).sum(), 1) and fit.pmf(2) == 0
    low = fit_labelling_efficiency(rng.binomial(8, 1 - (1 - 0.3) ** 4, 3000))
    assert abs(low.p - 0.3) < 0.02  # truncation below 3 corners matters more here


def test_histogram_and_summary(fov):
    xy = fov[["x", "y"]].to_numpy()
    npcs, corners = npc_table(xy, fov["index"], fov["sublabel"]), corner_table(xy, fov["index"], fov["sublabel"])
    hist = corners_histogram(npcs["n_corners"])
    assert list(hist.index) == list(range(9)) and hist.sum() == len(npcs)
    assert corners_histogram([2, 11]).index[-1] == 11
    fit = fit_exponential(corners["n_localizations"], lower=4)
    summary = summarize(npcs, corners, fit, fit_labelling_efficiency(npcs["n_corners"]), n_localizations=len(xy)).set_index("quantity")["value"]
    assert summary["npcs"] == len(npcs) and summary["corners_in_npcs"] == len(corners)
    assert summary["exponential_mean_localizations_per_corner"] == fit.mean
    assert summary["share_of_localizations_in_npcs"] == pytest.approx((fov["index"] > 0).mean())
    assert sum(summary[f"npcs_with_{k}_corners"] for k in range(9)) == len(npcs)
    assert 0 < summary["labelling_efficiency"] < 1
    assert "labelling_efficiency" not in summarize(npcs, corners)["quantity"].tolist()
    settings = {"npc": {"step": 8, "eps_nm": 30.0}, "corner": {"step": 4, "min_samples": 4}}
    tail = summarize(npcs, corners, settings=settings).tail(4)
    assert tail["quantity"].tolist() == ["npc_step", "npc_eps_nm", "corner_step", "corner_min_samples"]
    assert tail["value"].tolist() == [8, 30.0, 4, 4]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: npc_table(np.zeros((3, 2)), [1, 1], [0, 0, 0]), "npc_labels: expected 3 labels"),
        (lambda: npc_table(np.zeros((3, 3)), [1, 1, 1], [0, 0, 0]), "xy: expected localization coordinates of shape (n, 2)"),
        (lambda: corner_table(np.zeros((2, 2)), [1, 1], [-1, 0]), "shift DBSCAN's -1 noise label"),
        (lambda: corner_table(np.zeros((2, 2)), [1, 1], [0.5, 0]), "corner_labels: labels must be whole numbers"),
        (lambda: npc_table([[0, np.nan]], [1], [1]), "xy: coordinates must be finite"),
        (lambda: fit_exponential([4, 4, 4], lower=4), "none above it"),
        (lambda: fit_exponential([4.5, 6]), "counts: expected whole counts"),
        (lambda: fit_exponential([4, 6], lower=-1), "lower: must be a whole count"),
        (lambda: fit_labelling_efficiency([1, 2]), "no NPC with 3..8 corners"),
        (lambda: fit_labelling_efficiency([5], k_min=9), "k_min: must not exceed corners"),
        (lambda: summarize(pd.DataFrame(), pd.DataFrame()), "npcs: missing column(s)"),
    ],
)
def test_bad_input_is_one_line(call, message):
    with pytest.raises(MiroInputError) as error:
        call()
    assert message in str(error.value) and "\n" not in str(error.value)


# ---------------------------------------------------------------- the workflow


def write_sml(path, seed=0, grid=2):
    """A SMAP-style _sml.csv of grid x grid simulated NPC FOVs side by side; returns the ground truth."""
    parts = []
    for i in range(grid * grid):
        fov = npc(seed + i)
        fov[["x", "y"]] += 1250.0 * np.array([i % grid, i // grid])
        for column, step in (("index", 100), ("sublabel", 1000)):
            fov.loc[fov[column] > 0, column] += step * i
        parts.append(fov)
    truth = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(seed)
    n = len(truth)
    pd.DataFrame({
        "frame": rng.integers(1, 50_000, n), "xnm": truth["x"], "ynm": truth["y"], "locprecnm": rng.uniform(4, 15, n),
        "phot": rng.uniform(500, 5000, n), "numberInGroup": 1,
    }).to_csv(path, index=False)
    return truth


def nup96_config(tmp_path, **nup96):
    """tests/config/nup96.yaml with the given nup96 keys."""
    path = tmp_path / "nup96.yaml"
    path.write_text(NUP96_CONFIG.read_text() + "nup96: " + json.dumps(nup96) + "\n")
    return path


def test_download_rule_records_checksum_and_fails_with_one_line(tmp_path):
    source = tmp_path / "data" / "cell_sml.csv"
    source.parent.mkdir()
    write_sml(source, grid=1)
    target = "resources/nup96/cell_sml.csv"
    run = tmp_path / "run"
    snakemake(target, "--cores", "1", "--directory", str(run), "--configfile", str(nup96_config(tmp_path, url=source.as_uri())))
    digest = sha256_of(source)
    assert sha256_of(run / target) == digest
    assert (run / f"{target}.sha256").read_text() == f"{digest}  cell_sml.csv\n"

    missing = (tmp_path / "data" / "gone_sml.csv").as_uri()
    failed = snakemake("resources/nup96/gone_sml.csv", "--cores", "1", "--directory", str(run),
                       "--configfile", str(nup96_config(tmp_path, url=missing)), check=False)
    assert failed.returncode != 0
    log = (run / "logs" / "download_nup96.log").read_text().strip().splitlines()
    assert len(log) == 1 and log[0].startswith("error: gone_sml.csv: download from file://")
    assert "S-BIAD8" in log[0] and "set nup96.file" in log[0]
    assert not list((run / "resources" / "nup96").glob("*gone*"))  # nothing half-written


NUP96_TARGETS = ["results/figures/nup96/figure5.png", "results/tables/nup96/summary.csv"]
MULTISCALE_ROWS = [f"results/metrics/{sid}/{method}.csv" for sid in ("npc", "npc_corners") for method in ("DBSCAN", "MIRO")]


@background(seconds=95)
def nup96_run(tmp_path_factory):
    """tests/config/nup96.yaml with nup96.file a simulated _sml.csv, its Fig. 5 targets and the multiscale
    rows: (run folder, the _sml.csv, its ground truth)."""
    folder = tmp_path_factory.mktemp("nup96")
    sml = folder / "field_sml.csv"
    truth = write_sml(sml)
    snakemake(*NUP96_TARGETS, *MULTISCALE_ROWS, "--cores", "2", "--resources", "gpu=0", "--directory", str(folder / "run"),
              "--configfile", str(NUP96_CONFIG), "--config", f"nup96={{file: {sml}}}")
    return folder / "run", sml, truth


@pytest.mark.slow
def test_nup96_pipeline_on_simulated_sml(nup96_run):
    """nup96.file = a simulated _sml.csv: train the tiny multiscale model, tune DBSCAN, segment NPCs and
    corners; the same run scores the multiscale scenario's two rows (miro.variant multiscale +
    small_scale: one mMIRO model, the small scale read at step cutoff_step)."""
    run, sml, truth = nup96_run
    targets, rows = NUP96_TARGETS, MULTISCALE_ROWS
    results = run / "results"
    assert not (results / "models" / "npc_corners").exists()  # the small scale uses the scenario's model
    fov = pd.read_csv(run / "resources" / "simulated" / "npc" / "fov_1.csv")
    corners_fov = pd.read_csv(run / "resources" / "scales" / "npc_corners" / "fov_1.csv")
    assert list(corners_fov.columns) == ["x", "y", "index"]
    assert (corners_fov["index"].to_numpy() == fov["sublabel"].to_numpy()).all() and corners_fov["index"].max() > fov["index"].max()
    steps = {sid: json.loads((results / "dbscan_params" / sid / "MIRO.json").read_text())["squeezed"]["step"] for sid in ("npc", "npc_corners")}
    assert steps == {"npc": -1, "npc_corners": 1}  # step cutoff_step (2) is index 1
    for row in rows:
        metrics = pd.read_csv(run / row)
        assert list(metrics["fov"]) == [1] and metrics["JIc"].between(0, 1).all()
    located = pd.read_csv(results / "nup96" / "localizations.csv")
    assert list(located.columns) == ["x", "y", "npc", "corner"]
    np.testing.assert_allclose(located[["x", "y"]], truth[["x", "y"]])
    npcs = pd.read_csv(results / "tables" / "nup96" / "npcs.csv")
    corners = pd.read_csv(results / "tables" / "nup96" / "corners.csv")
    assert list(npcs["n_localizations"]) == list(located[located["npc"] > 0].groupby("npc").size())
    assert npcs["n_corners"].sum() == (corners["npc"] > 0).sum()
    summary = pd.read_csv(results / "tables" / "nup96" / "summary.csv").set_index("quantity")["value"]
    assert summary["localizations"] == len(truth) and summary["npcs"] == len(npcs)
    # well-separated NPCs: even a seconds-trained model finds most of them
    assert 0.5 * truth["index"].nunique() < summary["npcs"] <= 1.5 * truth["index"].nunique()
    assert summary["npc_step"] == 3 and summary["corner_step"] == 2  # corners from step cutoff_step of K
    for suffix in ("png", "svg"):
        assert (results / "figures" / "nup96" / f"figure5.{suffix}").stat().st_size > 10_000
    again = snakemake(*targets, "-n", "--cores", "1", "--directory", str(run),
                      "--configfile", str(NUP96_CONFIG), "--config", f"nup96={{file: {sml}}}")
    assert "Nothing to be done" in again.stdout + again.stderr


def test_nup96_off_or_misconfigured():
    assert resolve_config(NUP96_CONFIG).nup96 is not None
    off = resolve_config(NUP96_CONFIG, "nup96: null\n")
    assert off.nup96 is None and "results/figures/nup96/figure5.png" not in off.final_outputs()
    bad = (
        "methods: [DBSCAN, MIRO]\nfigure4a: null\nnanoclusters: null\nnup96: {model_scenario: pairs}\nscenarios:\n"
        "  - {id: pairs, simulator: cluster_pairs, simulation: {separation: [1, 4]}, dbscan: {eps: 20, min_samples: 5},\n"
        "     miro: {connectivity_radius: 0.05, num_steps: 2, dbscan: {eps: 10, min_samples: 5},\n"
        "            training_set: {builder: simulated, dataset_size: 2}}}\n"
    )
    with pytest.raises(MiroInputError, match="nup96.model_scenario 'pairs' must be a multiscale scenario"):
        resolve_config(bad)
