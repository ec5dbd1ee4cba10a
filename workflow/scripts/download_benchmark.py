"""Fetch one benchmark folder, verified file by file against the manifest."""

import logging

from script_utils import run

from miro.data.download import fetch_folder, read_manifest


def main(smk):
    manifest = read_manifest(smk.params.manifest)
    paths = fetch_folder(smk.params.base_url, manifest, smk.params.folder, smk.output[0])
    logging.info("%s: %d files verified in %s", smk.params.folder, len(paths), smk.output[0])


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
