# Provenance of the run: code commit, resolved config and its hash, seeds,
# package versions, platform, and the SHA-256 of every output under results/
# (timings excepted). Compare two runs with `miro compare-runs RUN_A RUN_B`.


rule provenance:
    input:
        EXPERIMENT.final_outputs(),
    output:
        record=report(
            "results/provenance.json",
            caption="../report/provenance.rst",
            category="Provenance",
        ),
    log:
        "logs/provenance.log",
    conda:
        "../envs/miro.yaml"
    params:
        repo=workflow.basedir,
    script:
        "../scripts/provenance.py"
