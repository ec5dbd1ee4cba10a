"""Fetch the Nup96 localization file (nup96.url); verify it against nup96.sha256 when given, and
record its SHA-256 next to it either way."""

import logging
from pathlib import Path

from script_utils import run

from miro.data.download import fetch_recorded

STUDY = "BioImage Archive S-BIAD8, https://www.ebi.ac.uk/biostudies/BioImages/studies/S-BIAD8"


def main(smk):
    name = Path(smk.output.data).name
    advice = (
        f"fetch {name} by hand ({STUDY}) and set nup96.file to its path, "
        f"e.g. --config 'nup96={{file: /path/to/{name}}}'"
    )
    digest = fetch_recorded(smk.params.url, smk.output.data, smk.params.sha256, advice=advice)
    pinned = "verified against nup96.sha256" if smk.params.sha256 else "recorded; set nup96.sha256 to it to pin the file"
    logging.info("%s: sha256 %s (%s)", name, digest, pinned)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
