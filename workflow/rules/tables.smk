# Tables: Table 1 (long CSV and the paper's layout) and the comparison with the
# published values.


rule table1:
    input:
        metrics=metrics_files(),
        paper=repo_path(config["paper_table1"]),
    output:
        csv="results/tables/table1.csv",
        markdown="results/tables/table1.md",
        comparison="results/tables/paper_comparison.md",
    params:
        scenarios=list(SCENARIOS),
        methods=METHODS,
        labels={sid: s.get("label", sid) for sid, s in SCENARIOS.items()},
    log:
        "logs/table1.log",
    conda:
        "../envs/miro.yaml"
    script:
        "../scripts/table1.py"
