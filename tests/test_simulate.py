"""Statistics of the simulated FOVs of :mod:`miro.data.simulation` against their parameters.

Paper values (Pineda et al., Methods "Simulated data") and benchmark values
(benchmark-notes §2) are checked over several seeds with tolerances of a few
standard errors.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import least_squares

from miro.data import simulation as sim

SEEDS = range(8)

DEFAULT_PARAMS = {
    "cshape": {},
    "rings": {},
    "cluster_pairs": {"separation": 2.0},
    "benchmark": {},
    "integrin": {},
    "rings_of_spots": {},
    "npc": {},
    "multishape": sim.MULTISHAPE_MIXTURES["spots_ellipses"],
}


def clusters(fov: pd.DataFrame, column: str = "index"):
    """(label, xy) of every labelled group of a FOV, label 0 excluded."""
    return [(label, group[["x", "y"]].to_numpy()) for label, group in fov[fov[column] > 0].groupby(column)]


def pooled_sd(groups) -> float:
    """Per-axis SD pooled over groups: sqrt(sum |p - c|² / (2 sum (n - 1)))."""
    squares = sum(((xy - xy.mean(0)) ** 2).sum() for xy in groups)
    return float(np.sqrt(squares / (2 * sum(len(xy) - 1 for xy in groups))))


def fit_circle(xy: np.ndarray) -> tuple[np.ndarray, float]:
    """Geometric least-squares circle (started from the algebraic Kasa fit): centre and radius (nm)."""
    design = np.column_stack([xy, np.ones(len(xy))])
    solution = np.linalg.lstsq(design, (xy**2).sum(1), rcond=None)[0]
    start = solution[:2] / 2
    fit = least_squares(lambda centre: np.hypot(*(xy - centre).T) - np.hypot(*(xy - centre).T).mean(), start)
    return fit.x, float(np.hypot(*(xy - fit.x).T).mean())


def angular_span(xy: np.ndarray, centre: np.ndarray) -> float:
    """Angle (rad) covered by points around ``centre``: 2π minus the largest empty gap."""
    angles = np.sort(np.arctan2(*(xy - centre).T[::-1]))
    gaps = np.diff(np.concatenate([angles, angles[:1] + 2 * np.pi]))
    return float(2 * np.pi - gaps.max())


# --------------------------------------------------------------------------- common behaviour


@pytest.mark.parametrize("name", sorted(sim.SIMULATORS))
def test_same_seed_same_fov_and_other_seed_differs(name):
    params = DEFAULT_PARAMS[name]
    first = sim.simulate(name, seed=7, **params)
    pd.testing.assert_frame_equal(first, sim.simulate(name, seed=7, **params))
    pd.testing.assert_frame_equal(first, sim.simulate(name, seed=np.random.default_rng(7), **params))
    other = sim.simulate(name, seed=8, **params)
    assert len(other) != len(first) or not np.allclose(other[["x", "y"]], first[["x", "y"]])


@pytest.mark.parametrize("name", sorted(sim.SIMULATORS))
def test_labels_are_contiguous_with_background_zero(name):
    for seed in range(3):
        fov = sim.simulate(name, seed=seed, **DEFAULT_PARAMS[name])
        assert list(fov.columns[:3]) == ["x", "y", "index"]
        assert fov["index"].dtype == np.int64
        for column in {"index", "sublabel"} & set(fov.columns):
            labels = np.unique(fov[column])
            positive = labels[labels > 0]
            np.testing.assert_array_equal(positive, np.arange(1, len(positive) + 1))
            np.testing.assert_array_equal(fov[column] == 0, fov["index"] == 0)
        if "sublabel" in fov:  # every small cluster lies in one structure
            assert (fov[fov.sublabel > 0].groupby("sublabel")["index"].nunique() == 1).all()
        if "class" in fov:
            np.testing.assert_array_equal(fov["class"] == 0, fov["index"] == 0)
            assert (fov[fov["index"] > 0].groupby("index")["class"].nunique() == 1).all()


# --------------------------------------------------------------------------- C-shapes and rings


@pytest.fixture(scope="module")
def cshape_fovs():
    return [sim.cshapes(seed) for seed in SEEDS]


@pytest.fixture(scope="module")
def ring_fovs():
    return [sim.rings(seed) for seed in SEEDS]


def test_cshape_counts_and_noise(cshape_fovs):
    sizes = []
    for fov in cshape_fovs:
        assert 30 <= fov["index"].max() <= 60
        counts = fov[fov["index"] > 0].groupby("index").size()
        assert counts.between(30, 60).all()
        sizes.extend(counts)
        assert (fov["index"] == 0).mean() == pytest.approx(0.06, abs=0.001)
    assert np.mean(sizes) == pytest.approx(45, abs=1.5)


def test_cshapes_are_semicircles_of_radius_250(cshape_fovs):
    radii, spreads, spans = [], [], []
    for fov in cshape_fovs:
        for _, xy in clusters(fov):
            centre, radius = fit_circle(xy)
            distance = np.hypot(*(xy - centre).T)
            radii.append(radius)
            spreads.append(distance.std(ddof=1))
            spans.append(angular_span(xy, centre))
    assert np.median(radii) == pytest.approx(250, abs=10)
    assert np.median(spreads) == pytest.approx(50, abs=5)
    # n points uniform on an arc of π leave end gaps: expected span π (n - 1)/(n + 1) ≈ 0.96 π
    assert np.median(spans) == pytest.approx(np.pi, rel=0.1)


def test_ring_counts_and_noise(ring_fovs):
    sizes = []
    for fov in ring_fovs:
        assert 60 <= fov["index"].max() <= 70
        counts = fov[fov["index"] > 0].groupby("index").size()
        assert counts.between(60, 80).all()
        sizes.extend(counts)
        assert (fov["index"] == 0).mean() == pytest.approx(0.07, abs=0.001)
        noise = fov[fov["index"] == 0]
        assert noise[["x", "y"]].to_numpy().min() >= 0 and noise[["x", "y"]].to_numpy().max() <= 6400
    assert np.mean(sizes) == pytest.approx(70, abs=1)


def test_rings_have_radius_250_and_radial_sd_50(ring_fovs):
    distances, spreads, spans, centres = [], [], [], []
    for fov in ring_fovs:
        fov_centres = []
        for _, xy in clusters(fov):
            centre, _ = fit_circle(xy)
            distance = np.hypot(*(xy - centre).T)
            distances.extend(distance)
            spreads.append(distance.std(ddof=1))
            spans.append(angular_span(xy, centre))
            fov_centres.append(centre)
        centres.append(np.array(fov_centres))
    assert np.mean(distances) == pytest.approx(250, abs=3)
    assert np.median(spreads) == pytest.approx(50, abs=3)
    assert np.median(spans) > 0.9 * 2 * np.pi
    for fov_centres in centres:  # min_distance 500 nm between ring centres (centroids scatter ~20 nm)
        gaps = np.hypot(*(fov_centres[:, None] - fov_centres[None]).transpose(2, 0, 1))
        assert gaps[np.triu_indices(len(fov_centres), 1)].min() > 420


# --------------------------------------------------------------------------- cluster pairs, integrin


def test_cluster_pairs_sd_distance_and_geometric_counts():
    separation, sizes, sds, distances = 3.0, [], [], []
    for seed in SEEDS:
        fov = sim.cluster_pairs(seed, separation=separation)
        groups = clusters(fov)
        assert len(groups) == 32 and (fov["index"] > 0).all()
        assert fov[["x", "y"]].to_numpy().min() > 0 and fov[["x", "y"]].to_numpy().max() < 2000
        sizes.extend(len(xy) for _, xy in groups)
        sds.append(pooled_sd([xy for _, xy in groups if len(xy) > 1]))
        centroids = np.array([xy.mean(0) for _, xy in groups if len(xy) > 0])
        distances.extend(np.hypot(*(centroids[0::2] - centroids[1::2]).T))
    assert min(sizes) >= 1
    assert np.mean(sizes) == pytest.approx(90, abs=15)  # geometric, SD ≈ 89.5 over 256 clusters
    assert np.mean(sds) == pytest.approx(25, abs=1)
    assert np.median(distances) == pytest.approx(separation * 25, abs=6)


def test_cluster_pairs_separation_range_drawn_per_pair():
    distances = []
    for seed in SEEDS:
        groups = clusters(sim.cluster_pairs(seed, separation=[1, 4], mean_localizations=400, grid=6, spacing=500))
        centroids = np.array([xy.mean(0) for _, xy in groups])
        distances.extend(np.hypot(*(centroids[0::2] - centroids[1::2]).T) / 25)
    # uniform on [1, 4] sigma (centroid noise about 25 / sqrt(400) nm)
    assert min(distances) == pytest.approx(1, abs=0.3) and max(distances) == pytest.approx(4, abs=0.3)
    assert np.mean(distances) == pytest.approx(2.5, abs=0.15)


def test_integrin_counts_sd_and_noise():
    sizes, groups = [], []
    for seed in range(5):
        fov = sim.integrin(seed)
        assert 100 <= fov["index"].max() <= 200
        assert (fov["index"] == 0).mean() == pytest.approx(0.04, abs=0.002)
        fov_groups = [xy for _, xy in clusters(fov)]
        sizes.extend(len(xy) for xy in fov_groups)
        groups.extend(xy for xy in fov_groups if len(xy) > 1)
    assert np.mean(sizes) == pytest.approx(25, abs=2)
    # SD uniform on [25, 40] nm: pooled (root mean square) SD sqrt((25² + 25·40 + 40²)/3) = 32.8 nm
    assert pooled_sd(groups) == pytest.approx(32.8, abs=1.5)


# --------------------------------------------------------------------------- multiscale


def test_rings_of_spots_geometry_and_counts():
    spot_sizes, spot_groups, radii, spacing_errors = [], [], [], []
    for seed in range(4):
        fov = sim.rings_of_spots(seed)
        assert 40 <= fov["index"].max() <= 60
        assert (fov["index"] == 0).mean() == pytest.approx(0.015, abs=0.001)
        for _, ring in fov[fov["index"] > 0].groupby("index"):
            spots = [g[["x", "y"]].to_numpy() for _, g in ring.groupby("sublabel")]
            assert 5 <= len(spots) <= 9
            spot_sizes.extend(len(xy) for xy in spots)
            spot_groups.extend(spots)
            centroids = np.array([xy.mean(0) for xy in spots])
            offsets = centroids - centroids.mean(0)
            radii.extend(np.hypot(*offsets.T))
            angles = np.sort(np.arctan2(offsets[:, 1], offsets[:, 0]))
            steps = np.diff(np.concatenate([angles, angles[:1] + 2 * np.pi]))
            spacing_errors.extend(steps - 2 * np.pi / len(spots))
    assert min(spot_sizes) >= 6 and max(spot_sizes) <= 30
    assert np.mean(spot_sizes) == pytest.approx(18, abs=0.7)
    assert pooled_sd(spot_groups) == pytest.approx(15, abs=0.7)
    assert np.median(radii) == pytest.approx(40, abs=2)
    assert np.median(np.abs(spacing_errors)) < 0.2  # n-fold symmetric, up to spot-centroid noise


def test_npc_corners_counts_and_radii():
    corner_sizes, corner_distances, inside, steps = [], [], [], []
    for seed in range(12):
        fov = sim.npc(seed)
        assert 5 <= fov["index"].max() <= 9
        assert (fov["index"] == 0).mean() == pytest.approx(0.03, abs=0.003)
        for _, structure in fov[fov["index"] > 0].groupby("index"):
            corners = [g[["x", "y"]].to_numpy() for _, g in structure.groupby("sublabel")]
            assert len(corners) <= 8
            corner_sizes.extend(len(xy) for xy in corners)
            if len(corners) < 8:
                continue
            centroids = np.array([xy.mean(0) for xy in corners])
            centre = centroids.mean(0)  # eight symmetric corners: their mean is the NPC centre
            corner_distances.extend(np.hypot(*(centroids - centre).T))
            distance = np.hypot(*(structure[["x", "y"]].to_numpy() - centre).T)
            inside.append(np.mean((distance > 20) & (distance < 80)))
            angles = np.sort(np.arctan2(*(centroids - centre).T[::-1]))
            steps.extend(np.diff(angles))
    assert min(corner_sizes) >= 1 and max(corner_sizes) <= 80
    assert np.mean(corner_sizes) == pytest.approx(41, abs=3)  # uniform on 0..80, given >= 1
    # r = h/2 = 50 nm; the corner's mass sits slightly outward (53 nm) as the triangle widens outward
    assert np.median(corner_distances) == pytest.approx(53, abs=3)
    assert np.mean(inside) > 0.85  # effective inner and outer radii 20 and 80 nm (model: 0.91)
    assert np.median(steps) == pytest.approx(np.pi / 4, abs=0.05)


# --------------------------------------------------------------------------- multishape


@pytest.mark.parametrize("mixture", sorted(sim.MULTISHAPE_MIXTURES))
def test_multishape_classes_counts_and_noise(mixture):
    params = sim.MULTISHAPE_MIXTURES[mixture]
    for seed in range(3):
        fov = sim.multishape(seed, **params)
        assert set(np.unique(fov["class"])) == {0, 1, 2}
        assert (fov["index"] == 0).mean() == pytest.approx(params["noise_fraction"], abs=0.002)
        per_class = fov[fov["index"] > 0].groupby("class")["index"].nunique()
        for shape_class, spec in enumerate(params["shapes"], start=1):
            low, high = spec["n_clusters"]
            assert low <= per_class[shape_class] <= high
            sizes = fov[fov["class"] == shape_class].groupby("index").size()
            assert sizes.between(*spec["localizations_per_cluster"]).all()


def test_multishape_spots_and_ellipses_have_their_sds():
    params = sim.MULTISHAPE_MIXTURES["spots_ellipses"]
    spots, majors, minors = [], [], []
    for seed in range(4):
        fov = sim.multishape(seed, **params)
        spots.extend(xy for _, xy in clusters(fov[fov["class"] == 1]))
        for _, xy in clusters(fov[fov["class"] == 2]):
            minor, major = np.sqrt(np.linalg.eigvalsh(np.cov(xy.T)))
            majors.append(major)
            minors.append(minor)
    assert pooled_sd(spots) == pytest.approx(25, abs=1.5)
    assert np.median(majors) == pytest.approx(75, abs=6)
    assert np.median(minors) == pytest.approx(25, abs=3)


def test_multishape_classes_follow_shape_order():
    ring = {"shape": "ring", "n_clusters": 3, "localizations_per_cluster": 50, "radius": 250.0, "radial_sd": 50.0}
    fov = sim.multishape(0, shapes=[ring, dict(ring)], noise_fraction=0.0, fov=3000.0)
    assert fov.groupby("class")["index"].nunique().to_dict() == {1: 3, 2: 3}


# --------------------------------------------------------------------------- benchmark scenarios and blinking

# Exact per-FOV counts measured in the Nieves Ground Truth files (benchmark-notes §2.1):
# clusters, non-clustered molecules, molecules per cluster (sorted multiset).
NIEVES_COUNTS = {
    "scenario_2": (20, 300, [15] * 20),
    "scenario_3": (20, 1200, [15] * 20),
    "scenario_4": (20, 300, [5] * 20),
    "scenario_5": (100, 1500, [15] * 100),
    "scenario_6": (20, 1000, [50] * 20),
    "scenario_7": (20, 300, [15] * 20),
    "scenario_8": (20, 200, [5] * 10 + [15] * 10),
    "scenario_9": (20, 1500, [15] * 10 + [135] * 10),
    "scenario_10": (20, 300, [15] * 20),
}


@pytest.mark.parametrize("scenario", sorted(sim.NIEVES_SCENARIOS))
def test_nieves_scenario_counts_are_exact(scenario):
    n_clusters, n_noise, sizes = NIEVES_COUNTS[scenario]
    fov = sim.simulate("benchmark", seed=3, **sim.NIEVES_SCENARIOS[scenario])
    assert fov["index"].max() == n_clusters
    assert (fov["index"] == 0).sum() == n_noise
    assert sorted(fov[fov["index"] > 0].groupby("index").size()) == sizes
    noise = fov.loc[fov["index"] == 0, ["x", "y"]].to_numpy()
    assert noise.min() >= 0 and noise.max() <= 2000


def benchmark_groups(scenario, seeds=range(5)):
    return [xy for seed in seeds for _, xy in clusters(sim.benchmark(seed, **sim.NIEVES_SCENARIOS[scenario]))]


@pytest.mark.parametrize(("scenario", "sd"), [("scenario_2", 25), ("scenario_3", 15), ("scenario_5", 25)])
def test_nieves_gaussian_cluster_sd(scenario, sd):
    assert pooled_sd(benchmark_groups(scenario)) == pytest.approx(sd, rel=0.04)


def test_nieves_scenario_6_ellipse_axes():
    axes = np.array([np.sqrt(np.linalg.eigvalsh(np.cov(xy.T))) for xy in benchmark_groups("scenario_6")])
    assert np.median(axes[:, 1]) == pytest.approx(75, abs=4)  # measured median 77 × 14 nm
    assert np.median(axes[:, 0]) == pytest.approx(15, abs=1.5)


@pytest.mark.parametrize("scenario", ["scenario_7", "scenario_9"])
def test_nieves_two_cluster_sizes(scenario):
    fovs = [sim.benchmark(seed, **sim.NIEVES_SCENARIOS[scenario]) for seed in range(5)]
    small = [xy for fov in fovs for label, xy in clusters(fov) if label <= 10]
    large = [xy for fov in fovs for label, xy in clusters(fov) if label > 10]
    assert pooled_sd(small) == pytest.approx(25, rel=0.06)
    assert pooled_sd(large) == pytest.approx(75, rel=0.06)


def test_nieves_scenario_10_noise_gradient():
    noise = np.vstack(
        [sim.benchmark(seed, **sim.NIEVES_SCENARIOS["scenario_10"]).query("index == 0")[["x", "y"]] for seed in SEEDS]
    )
    # density ∝ x on [0, 2000] nm: mean x = 2/3 · 2000; y uniform
    assert noise[:, 0].mean() == pytest.approx(4000 / 3, abs=25)
    assert noise[:, 1].mean() == pytest.approx(1000, abs=35)
    first, last = np.histogram(noise[:, 0], bins=10, range=(0, 2000))[0][[0, -1]]
    assert last / first > 8  # measured 2903 / 163 ≈ 18 in the Nieves files


def test_benchmark_populations_split_clusters():
    fov = sim.benchmark(0, n_clusters=5, populations=[{"molecules_per_cluster": 4}, {"molecules_per_cluster": 9}])
    assert sorted(fov[fov["index"] > 0].groupby("index").size()) == [4, 4, 4, 9, 9]
    ranged = sim.benchmark(0, molecules_per_cluster=[10, 12], clustered_fraction=1.0)
    assert ranged[ranged["index"] > 0].groupby("index").size().between(10, 12).all()
    assert (ranged["index"] > 0).all()


def test_blink_statistics_match_the_nieves_files():
    n = 40_000
    molecules = pd.DataFrame({"x": np.zeros(n), "y": np.zeros(n), "index": np.arange(n) % 3})
    locs = sim.blink(molecules, seed=1)
    per_molecule = locs.groupby("molecule").size()
    assert 1 - len(per_molecule) / n == pytest.approx(0.2, abs=0.01)  # P(0) = 0.2
    assert per_molecule.mean() == pytest.approx(5.0, abs=0.08)  # measured 4.94–5.00
    assert per_molecule.var() == pytest.approx(20, rel=0.08)  # measured 19.3–20.4
    assert locs["error"].mean() == pytest.approx(17.65, abs=0.2)
    assert locs["error"].median() == pytest.approx(15.86, abs=0.3)
    assert locs["error"].std() == pytest.approx(10.5, abs=0.3)
    assert locs[["x", "y"]].std().to_numpy() == pytest.approx([14.5, 14.5], abs=0.2)
    np.testing.assert_allclose(np.hypot(locs["x"], locs["y"]), locs["error"])
    np.testing.assert_array_equal(locs["index"], (locs["molecule"] - 1) % 3)


def test_benchmark_blinking_uses_the_same_molecules_and_crops():
    molecules = sim.benchmark(4, **sim.NIEVES_SCENARIOS["scenario_8"])
    locs = sim.benchmark(4, **sim.NIEVES_SCENARIOS["scenario_8"], blinking=True)
    source = molecules.iloc[locs["molecule"] - 1]
    np.testing.assert_allclose(
        np.hypot(locs["x"].to_numpy() - source["x"].to_numpy(), locs["y"].to_numpy() - source["y"].to_numpy()),
        locs["error"],
    )
    np.testing.assert_array_equal(locs["index"] == 0, source["index"].to_numpy() == 0)
    assert locs[["x", "y"]].to_numpy().min() >= 0 and locs[["x", "y"]].to_numpy().max() <= 2000


def test_blinking_scenario_2_matches_measured_localization_counts():
    fovs = [sim.benchmark(seed, **sim.NIEVES_SCENARIOS["scenario_2"], blinking=True) for seed in range(10)]
    # measured: 2377 localizations per FOV (2147–2624), noise fraction 0.502, 59.2 per cluster
    assert np.mean([len(fov) for fov in fovs]) == pytest.approx(2377, abs=90)
    assert np.mean([(fov["index"] == 0).mean() for fov in fovs]) == pytest.approx(0.50, abs=0.02)
    per_cluster = pd.concat([fov[fov["index"] > 0].groupby("index").size() for fov in fovs])
    assert per_cluster.mean() == pytest.approx(59.2, abs=3)


# --------------------------------------------------------------------------- output


def test_write_fov_nieves_format(tmp_path):
    fov = sim.npc(1)
    path = sim.write_fov(fov, tmp_path / "sub" / "npc_1.csv")
    assert path.read_text().splitlines()[0] == '"x","y","index","sublabel"'
    pd.testing.assert_frame_equal(pd.read_csv(path), fov)
    blinked = sim.benchmark(1, blinking=True)
    sim.write_fov(blinked, tmp_path / "mb.csv")
    assert (tmp_path / "mb.csv").read_text().splitlines()[0] == '"x","y","index"'


# --------------------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("nonexistent", {}, "unknown"),
        ("rings", {"radius_nm": 250}, "no parameter radius_nm"),
        ("cluster_pairs", {}, "separation"),
        ("rings", {"n_clusters": [70, 60]}, "low <= high"),
        ("rings", {"n_clusters": [60, 65, 70]}, "range"),
        ("rings", {"n_clusters": 0}, "n_clusters"),
        ("rings", {"n_clusters": 2.5}, "integer"),
        ("cshape", {"noise_fraction": 1.0}, "noise_fraction"),
        ("cshape", {"radius": -1.0}, "radius"),
        ("cshape", {"fov": 0}, "fov"),
        ("cshape", {"margin": 3200}, "margin"),
        ("rings", {"n_clusters": 10, "min_distance": 6000}, "could not place"),
        ("cluster_pairs", {"separation": 30}, "spacing"),
        ("cluster_pairs", {"separation": -1}, "separation"),
        ("cluster_pairs", {"separation": [1, 30]}, "separation 30"),
        ("cluster_pairs", {"separation": [3, 1]}, "low <= high"),
        ("integrin", {"sd": [40, 25]}, "sd"),
        ("rings_of_spots", {"symmetry": 0}, "symmetry"),
        ("npc", {"localizations_per_corner": [0, -1]}, "localizations_per_corner"),
        ("npc", {"n_corners": 2}, "n_corners"),
        ("benchmark", {"clustered_fraction": 0.0}, "clustered_fraction"),
        ("benchmark", {"aspect_ratio": 0.5}, "aspect_ratio"),
        ("benchmark", {"noise_gradient": 2.0}, "noise_gradient"),
        ("benchmark", {"populations": [{"sigma": 25}]}, "populations"),
        ("benchmark", {"populations": []}, "populations"),
        ("benchmark", {"blinking": True, "precision_mean": 0}, "precision_mean"),
        ("multishape", {"shapes": [{"shape": "star"}], "noise_fraction": 0, "fov": 1000}, "shape"),
        ("multishape", {"shapes": [{"shape": "spot", "n_clusters": 3}], "noise_fraction": 0, "fov": 1000}, "missing"),
        ("multishape", {"shapes": [], "noise_fraction": 0, "fov": 1000}, "shapes"),
    ],
)
def test_bad_parameters_raise_value_error(name, params, message):
    with pytest.raises(ValueError, match=message):
        sim.simulate(name, seed=0, **params)


@pytest.mark.parametrize("seed", [None, -1, 1.5, True])
def test_bad_seed_raises_value_error(seed):
    with pytest.raises(ValueError, match="seed"):
        sim.rings(seed)


def test_bad_blink_and_write_inputs_raise_value_error(tmp_path):
    with pytest.raises(ValueError, match="p_geometric"):
        sim.blink(sim.benchmark(0), seed=0, p_geometric=0)
    with pytest.raises(ValueError, match="index"):
        sim.blink(pd.DataFrame({"x": [0.0], "y": [0.0]}), seed=0)
    with pytest.raises(ValueError, match="index"):
        sim.write_fov(pd.DataFrame({"x": [0.0], "y": [0.0]}), tmp_path / "bad.csv")


@pytest.mark.parametrize("name", sorted(sim.MULTISCALE_SIMULATORS))
def test_small_scale_scores_the_sublabel(name):
    fov = sim.simulate(name, 3)
    small = sim.small_scale(fov)
    assert list(small.columns) == ["x", "y", "index"]
    np.testing.assert_array_equal(small["index"], fov["sublabel"])
    np.testing.assert_array_equal(small[["x", "y"]], fov[["x", "y"]])
    assert ((small["index"] == 0) == (fov["index"] == 0)).all()  # background stays background
    assert small["index"].max() > fov["index"].max()  # several spots / corners per ring / NPC


def test_small_scale_needs_a_sublabel():
    with pytest.raises(ValueError, match="no sublabel column.*npc, rings_of_spots"):
        sim.small_scale(sim.simulate("rings", 0))
