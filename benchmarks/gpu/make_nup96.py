"""A simulated SMAP ``_sml.csv`` standing in for the Nup96 file, which the GPU machine cannot download.

grid x grid simulated NPC FOVs (miro.data.simulation.npc, 1250 nm each) side by side, written with SMAP's
columns, as ``write_sml`` of tests/test_npc.py does; the default 8 x 8 is a 10 um field of about
150 000 localizations.

Usage: python3 benchmarks/gpu/make_nup96.py OUT_sml.csv [--grid 8] [--seed 0]
"""

import argparse

import numpy as np
import pandas as pd

from miro.data.simulation import npc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--grid", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    parts = []
    for i in range(args.grid * args.grid):
        fov = npc(args.seed + i)
        fov[["x", "y"]] += 1250.0 * np.array([i % args.grid, i // args.grid])
        parts.append(fov)
    truth = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(args.seed)
    n = len(truth)
    pd.DataFrame({
        "frame": rng.integers(1, 50_000, n), "xnm": truth["x"], "ynm": truth["y"], "locprecnm": rng.uniform(4, 15, n),
        "phot": rng.uniform(500, 5000, n), "numberInGroup": 1,
    }).to_csv(args.out, index=False)
    print(f"{args.out}: {n} localizations, {args.grid} x {args.grid} NPC FOVs ({args.grid * 1.25:g} um field)")


if __name__ == "__main__":
    main()
