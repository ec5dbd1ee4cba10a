"""Fetch one file of the authors (released weights, single-shot material), verified against its manifest."""

import logging
from pathlib import Path

from script_utils import run

from miro.data.download import fetch_file, file_url, read_manifest
from miro.errors import MiroInputError


def main(smk):
    name = Path(smk.output[0]).name
    manifest = read_manifest(smk.params.manifest)
    rows = manifest[manifest["file"] == name]
    if rows.empty:
        raise MiroInputError(f"{name}: not in {smk.params.manifest}; add its sha256 and size there")
    row = rows.iloc[0]
    fetch_file(file_url(smk.params.base_url, row["folder"], name), smk.output[0], row["sha256"], int(row["bytes"]))
    logging.info("%s verified (sha256 %s)", name, row["sha256"])


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
