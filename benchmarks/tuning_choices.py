"""How the DBSCAN parameters chosen on the training FOVs score on the test FOVs: the plain argmax
of the tuning grid against its smoothed argmax (``dbscan_selection.smoothing``) and the smoothed
best among the grid points within one paired standard error of the argmax
(``dbscan_selection.smoothing_among: one_se``), for DBSCAN and MIRO + DBSCAN, on a finished run.

    .venv/bin/python benchmarks/tuning_choices.py RUN_DIR SCENARIO [SCENARIO ...] \\
        [--configfile config/quick.yaml ...] [--smoothing 1]

For each scenario: the training FOVs are (squeezed with the run's model and) searched over the
run's ``dbscan_selection`` grid once (each grid point's own and smoothed score, and whether it is
near the best); the parameters each rule picks are then scored on every test FOV (the same squeezed
points for every rule). Prints one row per scenario, method and rule: the parameters and the mean
JIc and ARI_c over the test FOVs. Used for config/README.md, "Smoothed tuning".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from extrapolate_run import target_experiment  # noqa: E402

from miro.data.io import list_fovs, read_localizations  # noqa: E402
from miro.evaluation.metrics import evaluate  # noqa: E402
from miro.inference.clustering import dbscan_labels  # noqa: E402
from miro.inference.estimator import MiroDBSCAN  # noqa: E402
from miro.inference.tuning import grid_search, metric_function, metric_target  # noqa: E402


def choices(run: Path, experiment, scenario_id: str, smoothing: int) -> list[dict]:
    """The rows of one scenario: DBSCAN and MIRO, each rule's parameters and test scores."""
    scenario = experiment.scenarios[scenario_id]
    files = list_fovs(run / scenario.data_dir)
    training = [read_localizations(files[f], require_labels=True) for f in scenario.training_fovs]
    test = [read_localizations(files[f], require_labels=True) for f in scenario.test_fovs]
    params = run / "results" / "dbscan_params" / scenario_id / "MIRO.json"
    model = MiroDBSCAN.from_files(run / "results" / "models" / scenario_id / "model.pt", params, **scenario.methods["MIRO"].miro)
    rows = []
    for method in ("DBSCAN", "MIRO"):
        selection = scenario.methods[method].dbscan_selection
        raw = [t[["x", "y"]].to_numpy() for t in training + test]
        clustered = [model.squeeze(xy) for xy in raw] if method == "MIRO" else raw
        n = len(training)
        # one search: its grid holds each point's own score, its smoothed score and near_best
        search = grid_search(clustered[:n], raw[:n], [t["index"].to_numpy() for t in training], eps=selection["eps"],
                             min_samples=selection["min_samples"], metric=selection["metric"], smoothing=smoothing,
                             smoothing_among="one_se")
        grid, higher = search.grid, _higher_is_better(selection["metric"])
        plain = grid.loc[grid["score"].idxmax() if higher else grid["score"].idxmin()]  # first of ties, as grid_search
        smoothed = grid.loc[grid["smoothed_score"].idxmax() if higher else grid["smoothed_score"].idxmin()]
        picks = {"argmax": (plain["eps"], plain["min_samples"]), f"smoothing {smoothing}": (smoothed["eps"], smoothed["min_samples"]),
                 f"smoothing {smoothing} among one_se": (search.best["eps"], search.best["min_samples"])}
        for rule, (eps, min_samples) in picks.items():
            scores = pd.DataFrame([
                evaluate(xy, t["index"].to_numpy(), dbscan_labels(points, float(eps), int(min_samples)))
                for t, xy, points in zip(test, raw[n:], clustered[n:])
            ])
            rows.append({"scenario": scenario_id, "method": method, "rule": rule, "eps": float(eps), "min_samples": int(min_samples),
                         "JIc": round(float(scores["JIc"].mean()), 3), "ARI_c": round(float(scores["ARI_c"].mean()), 3)})
            print(rows[-1], file=sys.stderr, flush=True)
    return rows


def _higher_is_better(metric) -> bool:
    """The direction of a tuning metric (a target's deviation is minimised)."""
    return metric_target(metric) is None and metric_function(metric)[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a finished run folder with MIRO models")
    parser.add_argument("scenarios", nargs="+")
    parser.add_argument("--configfile", nargs="*", default=["config/quick.yaml"], help="the run's presets (default config/quick.yaml)")
    parser.add_argument("--smoothing", type=int, default=1)
    args = parser.parse_args(argv)
    experiment = target_experiment(args.configfile)
    rows = [row for scenario in args.scenarios for row in choices(args.run, experiment, scenario, args.smoothing)]
    print(pd.DataFrame(rows).to_markdown(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
