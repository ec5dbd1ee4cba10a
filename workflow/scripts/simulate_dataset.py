"""Simulate the FOVs of one scenario (test and training FOVs) as Nieves-format CSVs.

Writes <output>/fov_<i>.csv ("x","y","index"; nm; 0 = not clustered) for every
FOV number of the scenario, and <output>/simulation.json (simulator,
parameters, seed, seeding rule, test and training FOVs). FOV i uses its own
random stream (miro.experiments.fov_rng), so any FOV can be regenerated alone.
"""

import json
import logging
from pathlib import Path

from script_utils import run

from miro.data.simulation import simulate, write_fov
from miro.experiments import fov_rng


def main(smk):
    out = Path(smk.output[0])
    out.mkdir(parents=True, exist_ok=True)
    scenario, name, params, seed = smk.wildcards.scenario, smk.params.simulator, dict(smk.params.simulation), smk.params.seed
    for fov in smk.params.fovs:
        table = simulate(name, fov_rng(seed, scenario, fov), **params)
        write_fov(table, out / f"fov_{fov}.csv")
        logging.info("FOV %d: %d localizations, %d clusters, %d not clustered", fov, len(table), table["index"].max(), (table["index"] == 0).sum())
    training = list(smk.params.training_fovs)
    provenance = {
        "scenario": scenario,
        "simulator": name,
        "simulation": params,
        "seed": seed,
        "seeding": "numpy.random.default_rng(numpy.random.SeedSequence([seed, zlib.crc32(scenario.encode()), fov]))",
        "test_fovs": [f for f in smk.params.fovs if f not in training],
        "training_fovs": training,
    }
    (out / "simulation.json").write_text(json.dumps(provenance, indent=2) + "\n")


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
