"""Do a finished quick-preset run's tables hold every claim of its acceptance (issue 18, item 4)?

* MIRO + DBSCAN beats plain DBSCAN on JIc and on ARI_c, one-sided paired p < 0.05 in
  ``results/tables/stats.csv``, for every Table-1 row (the scenarios of
  ``config/paper_table1.tsv``) and every small-scale row (``results/scales`` scenarios, read
  from the run's metrics folders: ids of scenarios whose data lie in ``resources/scales``);
* Figure 4a: MIRO + DBSCAN's mean JIc >= DBSCAN's at every distance
  (``results/tables/figure4a.csv``);
* Figure 3: shapes macro F1 >= 0.8 for each mixture (``results/tables/figure3/*_f1.csv``).

Prints one Markdown table per claim and exits with status 1 when any comparison fails.

Usage::

    python benchmarks/quick_claims.py RUN_DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
METRICS = ("JIc", "ARI_c")


def rows_table(run: Path) -> pd.DataFrame:
    """One row per (scenario, metric) of the Table-1 and small-scale rows: means, p, held."""
    results = run / "results"
    table1 = list(dict.fromkeys(pd.read_csv(REPO / "config" / "paper_table1.tsv", sep="\t")["scenario"]))
    scales = sorted(p.name for p in (run / "resources" / "scales").iterdir()) if (run / "resources" / "scales").is_dir() else []
    stats = pd.read_csv(results / "tables" / "stats.csv")
    rows = []
    for kind, scenarios in (("Table 1", table1), ("small scale", scales)):
        for sid in scenarios:
            miro, dbscan = (pd.read_csv(results / "metrics" / sid / f"{m}.csv") for m in ("MIRO", "DBSCAN"))
            for metric in METRICS:
                test = stats[(stats.scenario == sid) & (stats.method == "MIRO") & (stats.metric == metric)]
                p = float(test["p"].iloc[0]) if len(test) else float("nan")
                better = miro[metric].mean() > dbscan[metric].mean()
                rows.append({"row": kind, "scenario": sid, "metric": metric, "MIRO": round(miro[metric].mean(), 3),
                             "DBSCAN": round(dbscan[metric].mean(), 3), "p": f"{p:.1e}", "holds": bool(better and p < 0.05)})
    return pd.DataFrame(rows)


def figure4a_table(run: Path) -> pd.DataFrame:
    table = pd.read_csv(run / "results" / "tables" / "figure4a.csv").pivot(index="distance_sigma", columns="method", values="mean")
    table = table.round(3).reset_index()
    table["holds"] = table["MIRO+DBSCAN"] >= table["DBSCAN"]
    return table


def figure3_table(run: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((run / "results" / "tables" / "figure3").glob("*_f1.csv")):
        f1 = pd.read_csv(path).set_index("class").loc["macro (shapes)", "F1"]
        rows.append({"mixture": path.name.removesuffix("_f1.csv"), "shapes macro F1": round(float(f1), 3), "holds": bool(f1 >= 0.8)})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the folder the quick preset ran in")
    run = parser.parse_args().run
    held = True
    for title, build in (("MIRO + DBSCAN vs DBSCAN (stats.csv)", rows_table), ("Figure 4a, mean JIc", figure4a_table),
                         ("Figure 3", figure3_table)):
        try:
            table = build(run)
        except FileNotFoundError as missing:
            print(f"## {title}\n\nnot made in this run: {missing.filename}\n")
            held = False
            continue
        print(f"## {title}\n\n{table.to_markdown(index=False)}\n")
        held &= bool(table["holds"].all()) and len(table) > 0
    print("every claim holds" if held else "NOT every claim holds")
    sys.exit(0 if held else 1)


if __name__ == "__main__":
    main()
