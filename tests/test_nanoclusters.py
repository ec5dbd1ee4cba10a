"""Nanocluster statistics (miro.analysis.nanoclusters) and the Figure 4b-e rule of the workflow."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BENCHMARK, REPO, SIMULATED, background, jobs_run, local_urls, resolve_config, snakemake
from miro.analysis.nanoclusters import (
    CLUSTER_COLUMNS,
    cluster_statistics,
    density_mode,
    example_regions,
    extra_clusters,
    merged_clusters,
    nearest_neighbour_distances,
    summarize_clusters,
)
from miro.errors import MiroInputError


def gaussian_clusters(rng, centres, n, sd):
    xy = np.vstack([c + rng.normal(0, sd, (n, 2)) for c in centres])
    return xy, np.repeat(np.arange(1, len(centres) + 1), n)


# ---------------------------------------------------------------- statistics


def test_cluster_statistics_by_hand():
    xy = [[0, 0], [2, 0], [1, 3], [100, 0], [50, 50], [100, 40]]
    table = cluster_statistics(xy, [4, 4, 4, 9, 0, 9])
    assert list(table.columns) == list(CLUSTER_COLUMNS)
    assert table["label"].tolist() == [4, 9] and table["n_localizations"].tolist() == [3, 2]
    np.testing.assert_allclose(table[["x_nm", "y_nm"]], [[1, 1], [100, 20]])
    # cluster 4: squared distances to (1, 1) are 2, 2, 4 -> sqrt(8 / 3); cluster 9: 20 nm
    np.testing.assert_allclose(table["radius_nm"], [math.sqrt(8 / 3), 20])
    np.testing.assert_allclose(table["nn_distance_nm"], [math.hypot(99, 19)] * 2)


def test_radius_of_a_ring_and_of_a_gaussian_cluster():
    angles = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    ring = np.column_stack([500 + 38 * np.cos(angles), -200 + 38 * np.sin(angles)])
    table = cluster_statistics(ring, np.ones(36, int))
    np.testing.assert_allclose(table[["x_nm", "y_nm", "radius_nm"]].to_numpy()[0], [500, -200, 38], atol=1e-9)
    # 2D Gaussian of per-axis SD sigma: radius of gyration sqrt(2) sigma
    xy, labels = gaussian_clusters(np.random.default_rng(0), [(0, 0)], 20000, 30.0)
    assert cluster_statistics(xy, labels)["radius_nm"].item() == pytest.approx(math.sqrt(2) * 30, rel=0.01)


def test_no_clusters_and_a_single_cluster():
    empty = cluster_statistics(np.zeros((5, 2)), np.zeros(5, int))
    assert empty.empty and list(empty.columns) == list(CLUSTER_COLUMNS)
    assert cluster_statistics(np.zeros((0, 2)), np.zeros(0, int)).empty
    single = cluster_statistics([[1, 1], [3, 1]], [2, 2])
    assert single["radius_nm"].item() == 1 and np.isnan(single["nn_distance_nm"].item())


@pytest.mark.parametrize("spacing, shape", [(100.0, "square"), (80.0, "hexagonal")])
def test_nearest_neighbour_distances_of_a_lattice(spacing, shape):
    i, j = np.meshgrid(np.arange(7), np.arange(6))
    x, y = i.ravel() * spacing, j.ravel() * spacing
    if shape == "hexagonal":
        x, y = x + (j.ravel() % 2) * spacing / 2, y * math.sqrt(3) / 2
    np.testing.assert_allclose(nearest_neighbour_distances(np.column_stack([x, y])), spacing)
    assert np.isnan(nearest_neighbour_distances([[5, 5]])).all() and nearest_neighbour_distances(np.zeros((0, 2))).size == 0


@st.composite
def clustered_fovs(draw):
    """A FOV of up to 8 Gaussian clusters plus noise, and a shuffle of its rows and labels."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    k = draw(st.integers(0, 8))
    sizes = rng.integers(1, 30, k)
    xy = np.vstack([rng.normal(rng.uniform(0, 3000, 2), rng.uniform(10, 60), (s, 2)) for s in sizes] + [rng.uniform(0, 3000, (20, 2))])
    labels = np.r_[np.repeat(np.arange(1, k + 1), sizes), np.zeros(20, int)]
    return xy, labels, rng.permutation(len(xy)), rng.permutation(k)


@settings(max_examples=40, deadline=None)
@given(clustered_fovs())
def test_statistics_ignore_row_order_and_label_values(fov):
    xy, labels, rows, relabel = fov
    table = cluster_statistics(xy, labels)
    pd.testing.assert_frame_equal(cluster_statistics(xy[rows], labels[rows]), table, check_exact=False, rtol=1e-9)
    # new label values (noise stays 0): the same clusters, their rows follow the labels
    renamed = np.r_[0, relabel * 3 + 1][labels]
    other = cluster_statistics(xy, renamed)
    assert sorted(other["label"]) == sorted(relabel * 3 + 1)
    key = ["n_localizations", "x_nm", "y_nm"]
    np.testing.assert_allclose(other.sort_values(key)[key[1:] + ["radius_nm", "nn_distance_nm"]],
                               table.sort_values(key)[key[1:] + ["radius_nm", "nn_distance_nm"]], rtol=1e-9)
    assert table["n_localizations"].sum() == (labels > 0).sum()
    assert (table["radius_nm"] >= 0).all()


@pytest.mark.parametrize(
    "xy, labels, message",
    [
        (np.zeros((4, 3)), np.zeros(4, int), r"shape \(n, 2\) in nm"),
        ([[0, 0], [np.nan, 1]], [1, 1], "finite"),
        (np.zeros((4, 2)), np.zeros(3, int), r"one label per localization, shape \(4,\)"),
        (np.zeros((2, 2)), [-1, 1], "non-negative integer"),
        (np.zeros((2, 2)), [0.5, 1.0], "non-negative integer"),
    ],
    ids=["three-columns", "nan", "label-count", "negative-label", "float-labels"],
)
def test_bad_input_is_one_line(xy, labels, message):
    with pytest.raises(MiroInputError, match=message) as error:
        cluster_statistics(xy, labels)
    assert "\n" not in str(error.value)


def test_density_mode():
    values = np.random.default_rng(1).normal(100.0, 15.0, 4000)
    assert density_mode(values) == pytest.approx(100.0, abs=4)
    assert density_mode([7.0, 7.0, np.nan]) == 7.0
    assert np.isnan(density_mode([])) and np.isnan(density_mode([np.nan]))


def test_summarize_clusters_per_method_keeps_empty_methods():
    clusters = pd.DataFrame(
        {
            "method": pd.Categorical(["MIRO+DBSCAN"] * 3, categories=["MIRO+DBSCAN", "DBSCAN"]),
            "n_localizations": [10, 20, 60],
            "radius_nm": [30.0, 40.0, 80.0],
            "nn_distance_nm": [100.0, 100.0, np.nan],
        }
    )
    summary = summarize_clusters(clusters).set_index("method")
    assert summary.loc["MIRO+DBSCAN", "n_clusters"] == 3 and summary.loc["DBSCAN", "n_clusters"] == 0
    assert summary.loc["MIRO+DBSCAN", "radius_median_nm"] == 40 and summary.loc["MIRO+DBSCAN", "radius_mean_nm"] == 50
    assert summary.loc["MIRO+DBSCAN", "localizations_mean"] == 30 and summary.loc["MIRO+DBSCAN", "nn_distance_median_nm"] == 100
    assert summary.loc["MIRO+DBSCAN", "nn_distance_mode_nm"] == 100 and np.isnan(summary.loc["DBSCAN", "radius_mean_nm"])
    with pytest.raises(MiroInputError, match="missing column"):
        summarize_clusters(clusters.drop(columns="radius_nm"))


# ---------------------------------------------------------------- where two clusterings disagree


def test_merged_clusters_and_example_regions():
    rng = np.random.default_rng(2)
    xy, fine = gaussian_clusters(rng, [(0, 0), (120, 0), (240, 0), (120, 150), (3000, 0)], 30, 25.0)
    coarse = np.select([fine <= 3, fine == 4], [1, 2], 3)  # fine 1-3 merged; 4 and 5 found alike
    merged = merged_clusters(xy, coarse, fine)
    assert merged["n_fine"].tolist() == [3, 1, 1] and merged["n_localizations"].tolist() == [90, 30, 30]
    regions = example_regions(xy, coarse, fine, n_regions=3, padding_nm=50)
    # the merged cluster first; cluster 2 (centre near (120, 150)) lies in its window and is skipped
    assert regions["label"].tolist() == [1, 3] and regions["n_fine"].tolist() == [3, 1]
    first = regions.iloc[0]
    inside = (xy[:, 0] >= first.x_min) & (xy[:, 0] <= first.x_max) & (xy[:, 1] >= first.y_min) & (xy[:, 1] <= first.y_max)
    assert inside[coarse == 1].all()
    assert first.x_max - first.x_min == pytest.approx(first.y_max - first.y_min)  # square
    # a coarse cluster over the whole field is shown in part, by a window of max_side_nm where most fine clusters are
    spread = example_regions(xy, np.ones(len(xy), int), fine, n_regions=1, max_side_nm=500)
    assert spread["x_max"].item() - spread["x_min"].item() == pytest.approx(500) and spread["n_fine"].item() == 4
    assert example_regions(xy, coarse, fine, n_regions=0).empty
    # the score of the example field: fine clusters beyond the first per region
    assert extra_clusters(regions) == 2 and extra_clusters(spread) == 3
    assert extra_clusters(example_regions(xy, coarse, fine, n_regions=0)) == 0
    with pytest.raises(MiroInputError, match="n_fine"):
        extra_clusters(merged.drop(columns="n_fine"))
    with pytest.raises(MiroInputError, match="n_regions"):
        example_regions(xy, coarse, fine, n_regions=1.5)
    with pytest.raises(MiroInputError, match="labels_fine"):
        merged_clusters(xy, coarse, fine[:-1])


# ---------------------------------------------------------------- workflow


def nanoclusters_config(tmp_path, datasets):
    config = tmp_path / "nanoclusters.yaml"
    config.write_text(json.dumps({"nanoclusters": {"model_scenario": "sim_scenario2", "datasets": datasets}}))
    return config


@pytest.mark.parametrize(
    "dataset, message",
    [
        ({"id": "x"}, "give exactly one of 'benchmark'"),
        ({"id": "x", "benchmark": "FGFR1 C8 nb AF647 on MCF7 cells", "files": ["a.csv"]}, "give exactly one of 'benchmark'"),
        ({"id": "x", "benchmark": "Integrin a5b1"}, "benchmark folder 'Integrin a5b1' is not in"),
        ({"id": "x", "files": ["/no/such/cell.csv"]}, "no such file(s): /no/such/cell.csv"),
    ],
    ids=["no-source", "two-sources", "unknown-folder", "missing-file"],
)
def test_bad_nanoclusters_dataset_stops_at_parse_time(tmp_path, dataset, message):
    with pytest.raises(MiroInputError, match="^config: nanoclusters.datasets: x") as error:
        resolve_config(SIMULATED, nanoclusters_config(tmp_path, [dataset]))
    assert message in str(error.value)


def test_nanoclusters_rule_only_when_enabled():
    assert resolve_config().nanoclusters is not None
    assert resolve_config(REPO / "config" / "baseline.yaml").nanoclusters is None  # needs MIRO
    assert resolve_config("nanoclusters: null\n").nanoclusters is None


@background(seconds=18, after="simulated_run")
def nanoclusters_run(tmp_path_factory, simulated):
    """The nanoclusters targets of the FGFR1 benchmark fields and of a user's CSV, added by a config
    file to conftest.simulated_run's folder and run there when that run ends: (run folder, Snakemake
    result, the user's CSV). Only these new jobs may run: the simulated scenario's are done."""
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    from miro.data.simulation import integrin

    run, _ = simulated
    folder = tmp_path_factory.mktemp("nanoclusters")
    cell = folder / "my cell.csv"
    integrin(0, n_clusters=40, fov=2000)[["x", "y"]].to_csv(cell, index=False)
    config = nanoclusters_config(
        folder,
        [{"id": "fgfr1", "benchmark": "FGFR1 C8 nb AF647 on MCF7 cells"}, {"id": "cell", "label": "my cell", "files": [str(cell)]}],
    )
    targets = [f"results/{kind}" for name in ("fgfr1", "cell")
               for kind in (f"figures/nanoclusters/{name}.png", f"tables/nanoclusters/{name}_summary.csv")]
    result = snakemake(*targets, "--cores", "2", "--directory", str(run), "--configfile", str(SIMULATED), str(config),
                       "--resources", "gpu=0", "--config", *local_urls())
    return run, result, cell


@pytest.mark.slow
def test_nanoclusters_of_fgfr1_and_a_user_file(nanoclusters_run):
    """The FGFR1 benchmark fields and a user's CSV, clustered with the model of a simulated scenario
    (its folder's: the nanoclusters targets train nothing again)."""
    run, result, cell = nanoclusters_run
    # the simulated scenario's jobs are done: only the nanoclusters jobs (and the FGFR1 download) run
    ran = jobs_run(result)
    assert "nanoclusters" in ran and ran <= {"nanoclusters", "download_benchmark"}, (result.stdout + result.stderr)[-4000:]
    results = run / "results"
    clusters = pd.read_csv(results / "nanoclusters" / "fgfr1" / "clusters.csv")
    assert list(clusters.columns) == ["file", "method", *CLUSTER_COLUMNS]
    assert set(clusters["method"]) == {"MIRO+DBSCAN", "DBSCAN"}
    assert clusters["file"].str.fullmatch(r"FGFR1_MCF7_AF647_\d+\.csv").all() and clusters["file"].nunique() > 10
    labels = pd.read_csv(results / "nanoclusters" / "cell" / "labels.csv")
    assert list(labels.columns) == ["file", "x", "y", "MIRO+DBSCAN", "DBSCAN"] and len(labels) == len(pd.read_csv(cell))
    assert set(labels["file"]) == {str(cell)}
    for name in ("fgfr1", "cell"):
        summary = pd.read_csv(results / "tables" / "nanoclusters" / f"{name}_summary.csv")
        assert summary["method"].tolist() == ["MIRO+DBSCAN", "DBSCAN"]
        assert {"n_clusters", "radius_mean_nm", "localizations_mean", "nn_distance_mode_nm", "eps_nm"} <= set(summary.columns)
        assert (results / "figures" / "nanoclusters" / f"{name}.svg").stat().st_size > 10_000
    chosen = json.loads((results / "dbscan_params" / "sim_scenario2" / "DBSCAN.json").read_text())["chosen"]
    assert summary.set_index("method").loc["DBSCAN", "eps_nm"] == chosen["eps"]
