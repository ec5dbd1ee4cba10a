"""The run's provenance record (results/provenance.json), written after every other output."""

import os

from script_utils import run

from miro.provenance import collect, write_record


def main(smk):
    results = os.path.dirname(smk.output.record)
    write_record(collect(results, smk.config, repo=smk.params.repo), smk.output.record)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
