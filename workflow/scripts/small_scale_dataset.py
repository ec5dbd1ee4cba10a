"""The FOVs of a multiscale scenario with their small-scale structures (sublabel) as ground truth."""

import logging
from pathlib import Path

import pandas as pd
from script_utils import run

from miro.data.io import list_fovs
from miro.data.simulation import small_scale, write_fov


def main(smk):
    out = Path(smk.output[0])
    out.mkdir(parents=True, exist_ok=True)
    for fov, path in list_fovs(smk.input.data).items():
        table = small_scale(pd.read_csv(path))
        write_fov(table, out / path.name)
        logging.info("FOV %d: %d small-scale clusters", fov, table["index"].max())


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
