"""Tests of miro.plotting on small synthetic data (no display needed)."""

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from miro.errors import MiroInputError
from miro.evaluation import METRICS
from miro.plotting import (
    FIGURE2_METRICS,
    NOISE_COLOR,
    cluster_colors,
    figure2,
    figure3,
    plot_fov_panels,
    plot_metric_distributions,
    save_figure,
)


@pytest.fixture
def fov():
    rng = np.random.default_rng(0)
    centers = rng.uniform(0, 2000, (8, 2))
    xy = np.vstack([c + rng.normal(0, 25, (15, 2)) for c in centers] + [rng.uniform(0, 2000, (60, 2))])
    truth = np.r_[np.repeat(np.arange(1, 9), 15), np.zeros(60, int)]  # 0 = not clustered
    dbscan = truth.copy()
    dbscan[truth == 2] = 1  # two clusters merged
    dbscan[rng.random(truth.size) < 0.1] = 0
    return xy, {"DBSCAN": dbscan, "MIRO+DBSCAN": truth.copy(), "Ground truth": truth}


@pytest.fixture
def per_fov():
    rng = np.random.default_rng(1)

    def table(shift):
        return pd.DataFrame({"fov": np.arange(1, 21), **{m: rng.normal(0.6 + shift, 0.05, 20) for m in METRICS}})

    return {"DBSCAN": table(0.0), "MIRO+DBSCAN": table(0.05)}


def test_cluster_colors_noise_grey_and_clusters_coloured():
    labels = np.array([0, 1, 1, 5, 0, 5, 7])
    colors = cluster_colors(labels)
    assert colors.shape == (7, 4)
    grey = mpl.colors.to_rgba(NOISE_COLOR)
    assert np.allclose(colors[[0, 4]], grey)
    assert not np.allclose(colors[1], grey)
    assert np.allclose(colors[1], colors[2]) and np.allclose(colors[3], colors[5])
    assert not np.allclose(colors[1], colors[3])
    # another noise label (sklearn's -1)
    assert np.allclose(cluster_colors(np.array([-1, 1]), noise_label=-1)[0], grey)


def test_fov_panels(fov):
    xy, labels = fov
    fig = Figure()
    axes = fig.subplots(1, 3)
    plot_fov_panels(axes, xy, labels, {"MIRO+DBSCAN": "MIRO + DBSCAN"})
    assert [ax.get_title() for ax in axes] == ["DBSCAN", "MIRO + DBSCAN", "Ground truth"]
    for ax in axes:
        assert ax.get_aspect() == 1.0
        assert len(ax.collections) == 2  # noise underneath, clusters on top
        assert any("nm" in t.get_text() for t in ax.findobj(mpl.text.Text))  # scale bar
    n_noise = len(ax.collections[0].get_offsets())
    assert n_noise == 60


def test_fov_panels_nm_axes_and_errors(fov):
    xy, labels = fov
    fig = Figure()
    ax = fig.subplots(1, 1)
    plot_fov_panels([ax], xy, {"GT": labels["Ground truth"]}, scale_bar=False)
    assert ax.get_xlabel() == "x (nm)"
    with pytest.raises(MiroInputError, match="2 axes for 3 methods"):
        plot_fov_panels(Figure().subplots(1, 2), xy, labels)
    with pytest.raises(MiroInputError, match="one per localization"):
        plot_fov_panels([ax], xy, {"GT": labels["Ground truth"][:-1]})
    with pytest.raises(MiroInputError, match=r"\(n, 2\)"):
        plot_fov_panels([ax], xy[:, :1], {"GT": labels["Ground truth"]})


def test_metric_distributions(per_fov):
    fig = Figure()
    axes = fig.subplots(1, 4)
    plot_metric_distributions(axes, per_fov, FIGURE2_METRICS, {"ARI_dagger": "****", "IoU": "ns", "JIc": "n/a"})
    texts = [[t.get_text() for t in ax.texts] for ax in axes]
    assert texts == [["****"], ["ns"], [], []]
    for ax in axes:
        assert [t.get_text() for t in ax.get_xticklabels()] == ["DBSCAN", "MIRO+\nDBSCAN"]
        assert len(ax.collections) == 2  # one per-FOV scatter per method
    assert axes[3].get_ylabel() == r"RMSRE$_{N}$"
    # the bracket sits above every point
    top = max(df["ARI_dagger"].max() for df in per_fov.values())
    assert axes[0].texts[0].get_position()[1] > top


def test_metric_distributions_errors(per_fov):
    axes = Figure().subplots(1, 2)
    with pytest.raises(MiroInputError, match="2 axes for 4 metrics"):
        plot_metric_distributions(axes, per_fov)
    with pytest.raises(MiroInputError, match="IoU"):
        plot_metric_distributions(axes, {"A": per_fov["DBSCAN"].drop(columns="IoU")}, ("ARI", "IoU"))


def test_figure2_layout_and_save(tmp_path, fov, per_fov):
    xy, labels = fov
    per_fov["MIRO+DBSCAN"].loc[3, "IoU"] = np.nan  # a failed FOV must not break the plot
    fig = figure2(xy, labels, per_fov, {"ARI_dagger": "***", "IoU": "**", "JIc": "*", "RMSRE_N": "ns"}, "Scenario 8")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3 + 4
    assert fig.get_suptitle() == "Scenario 8"
    assert [ax.get_title() for ax in fig.axes[:3]] == list(labels)
    png, svg = tmp_path / "out" / "fig2.png", tmp_path / "out" / "fig2.svg"
    written = save_figure(fig, png, svg, dpi=60)
    assert written == [png, svg]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    text = svg.read_text()
    assert "<svg" in text and "Scenario 8" in text  # text kept as text
    assert save_figure(fig, tmp_path / "only.png") == [tmp_path / "only.png"]


def test_figure2_other_panel_counts(fov, per_fov):
    xy, labels = fov
    fig = figure2(xy, {"GT": labels["Ground truth"]}, per_fov, metrics=("ARI", "AMI", "RMSE_xy"))
    assert len(fig.axes) == 1 + 3
    assert fig.axes[-1].get_ylabel() == r"RMSE$_{x,y}$ (nm)"


def test_figure4a_curves_and_example_panels(tmp_path):
    from miro.plotting import figure4a

    summary = pd.DataFrame({"distance_sigma": [1, 1, 2, 2], "method": ["DBSCAN", "MIRO+DBSCAN"] * 2,
                            "mean": [0.3, 0.5, 0.6, 0.9], "sd": [0.1, 0.1, 0.1, 0.05]})
    xy = np.random.default_rng(0).normal(size=(40, 2)) * 25
    labels = {"Ground truth": np.repeat([1, 2], 20), "DBSCAN": np.ones(40, int), "MIRO+DBSCAN": np.repeat([1, 2], 20)}
    fig = figure4a(summary, xy, labels, 2.0, title="pairs")
    assert len(fig.axes) == 4
    assert [text.get_text() for text in fig.axes[0].get_legend().get_texts()] == ["DBSCAN", "MIRO+DBSCAN"]
    paths = save_figure(fig, tmp_path / "f4a.png", tmp_path / "f4a.svg")
    assert all(p.stat().st_size > 1000 for p in paths)


def test_figure3_class_panels_and_row_normalised_confusion(tmp_path):
    from miro.inference.classification import confusion_matrix

    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 2000, (200, 2))
    true = rng.integers(0, 3, 200)
    pred = np.where(rng.random(200) < 0.8, true, (true + 1) % 3)
    names = ["not clustered", "spot", "ring"]
    confusion = confusion_matrix(true, pred, names=names)
    fig = figure3(xy, true, pred, confusion, names, title="mixture")
    class_axes = fig.axes[:2]
    assert [ax.get_title() for ax in class_axes] == ["Ground truth", "cMIRO + DBSCAN"]
    heatmap = fig.axes[2]
    shown = [float(t.get_text()) for t in heatmap.texts]
    expected = (confusion.to_numpy() / confusion.to_numpy().sum(axis=1, keepdims=True)).ravel()
    np.testing.assert_allclose(shown, expected, atol=0.006)
    paths = save_figure(fig, tmp_path / "f3.png", tmp_path / "f3.svg")
    assert all(p.stat().st_size > 10_000 for p in paths)
    with pytest.raises(MiroInputError, match="expected 200 classes"):
        figure3(xy, true[:-1], pred, confusion, names)


def test_figure4b_e_overview_zooms_and_histograms(tmp_path, fov):
    from miro.analysis.nanoclusters import cluster_statistics, example_regions
    from miro.plotting import figure4b_e

    xy, labels = fov
    shown = {"MIRO+DBSCAN": labels["MIRO+DBSCAN"], "DBSCAN": labels["DBSCAN"]}  # DBSCAN merged clusters 1 and 2
    clusters = pd.concat([cluster_statistics(xy, values).assign(method=m) for m, values in shown.items()])
    regions = example_regions(xy, shown["DBSCAN"], shown["MIRO+DBSCAN"], n_regions=2)
    fig = figure4b_e(clusters, xy, shown, regions, title="nanoclusters")
    assert len(fig.axes) == 1 + 2 * 2 + 3  # overview, two zoomed regions x two methods, three histograms
    assert [ax.get_title() for ax in fig.axes[1:3]] == ["MIRO+DBSCAN", "DBSCAN"]
    radius, per_cluster, distance = fig.axes[-3:]
    legend = [t.get_text() for t in radius.get_legend().get_texts()]
    assert legend == [f"MIRO+DBSCAN (n = {(clusters.method == 'MIRO+DBSCAN').sum()})", f"DBSCAN (n = {(clusters.method == 'DBSCAN').sum()})"]
    assert per_cluster.child_axes[0].get_yscale() == "log"  # the inset
    assert "nearest-neighbour" in distance.get_title(loc="left")
    paths = save_figure(fig, tmp_path / "f4be.png", tmp_path / "f4be.svg")
    assert all(p.stat().st_size > 10_000 for p in paths)
    # no region: overview and histograms only
    assert len(figure4b_e(clusters, xy, shown, regions.iloc[:0]).axes) == 1 + 3
    with pytest.raises(MiroInputError, match="no labels for method 'DBSCAN'"):
        figure4b_e(clusters, xy, {"MIRO+DBSCAN": shown["MIRO+DBSCAN"]}, regions)
    with pytest.raises(MiroInputError, match="missing column"):
        figure4b_e(clusters.drop(columns="radius_nm"), xy, shown, regions)


def test_figure5_field_zoom_and_histograms(tmp_path):
    from miro.analysis.npc import corner_table, fit_exponential, fit_labelling_efficiency, npc_table
    from miro.data.simulation import npc
    from miro.plotting import figure5

    fov = npc(0)
    xy, rings, corners_of = fov[["x", "y"]].to_numpy(), fov["index"].to_numpy(), fov["sublabel"].to_numpy()
    npcs, corners = npc_table(xy, rings, corners_of), corner_table(xy, rings, corners_of)
    exponential, efficiency = fit_exponential(corners["n_localizations"], lower=4), fit_labelling_efficiency(npcs["n_corners"])
    fig = figure5(xy, rings, corners_of, npcs, corners, exponential, efficiency, zoom_nm=500, title="NPCs")
    field, zoom, per_npc, per_corner, n_corners = fig.axes
    assert zoom.get_xlim()[1] - zoom.get_xlim()[0] == pytest.approx(500)
    assert {t.get_text() for t in zoom.texts} <= {str(k) for k in npcs["n_corners"]}  # corners per NPC in view
    assert f"{exponential.mean:.2f}" in per_corner.get_legend().get_texts()[0].get_text()
    assert n_corners.get_legend().get_texts()[0].get_text() == f"ELE {100 * efficiency.p:.0f} %"
    paths = save_figure(fig, tmp_path / "f5.png", tmp_path / "f5.svg")
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert len(figure5(xy, rings, corners_of, npcs, corners).axes) == 5  # no fits: histograms only
    with pytest.raises(MiroInputError, match="npc_labels: expected"):
        figure5(xy, rings[:-1], corners_of, npcs, corners)
