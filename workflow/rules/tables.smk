# Tables: Table 1 (long CSV, the paper's layout in Markdown and LaTeX) and the
# comparison with the published values.


rule table1:
    input:
        metrics=EXPERIMENT.metrics_files(),
        stats="results/tables/stats.csv",
        dbscan_params=EXPERIMENT.dbscan_params_files(),
        paper=EXPERIMENT.repo_path(config["paper_table1"]),
    output:
        csv=report("results/tables/table1.csv", caption="../report/table1.rst", category="Tables"),
        markdown="results/tables/table1.md",
        latex="results/tables/table1.tex",
        comparison=report(
            "results/tables/paper_comparison.md",
            caption="../report/paper_comparison.rst",
            category="Tables",
        ),
    log:
        "logs/table1.log",
    benchmark:
        "results/benchmarks/table1.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        pairs=EXPERIMENT.pairs(),
        labels={sid: scenario.label for sid, scenario in SCENARIOS.items()},
    script:
        "../scripts/table1.py"


# The leaderboard: every method ranked per scenario, the best tested against
# MIRO + DBSCAN (made when methods other than DBSCAN and MIRO + DBSCAN are run).
rule leaderboard:
    input:
        metrics=EXPERIMENT.metrics_files(),
    output:
        csv=report(
            "results/tables/leaderboard.csv",
            caption="../report/leaderboard.rst",
            category="Leaderboard",
        ),
        markdown="results/tables/leaderboard.md",
        png=report(
            "results/figures/leaderboard.png",
            caption="../report/leaderboard_figure.rst",
            category="Leaderboard",
        ),
        svg="results/figures/leaderboard.svg",
    log:
        "logs/leaderboard.log",
    benchmark:
        "results/benchmarks/leaderboard.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        pairs=EXPERIMENT.pairs(),
        labels={sid: scenario.label for sid, scenario in SCENARIOS.items()},
    script:
        "../scripts/leaderboard.py"
