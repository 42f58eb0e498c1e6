"""Generate the committed test data for design-based inference (run once; output committed).

Writes four small randomised studies into ``tests/reference/``:

* ``design_blocked.csv`` — 14 people in two blocks (6 and 8), 3 and 4 treated: a blocked
  design with probability 0.5 (C(6,3)·C(8,4) = 1,400 possible assignments);
* ``design_clustered.csv`` — 8 clusters of 2–5 people in two blocks, 2 clusters treated per
  block: blocked and clustered (C(4,2)² = 36), and, ignoring blocks, clustered (C(8,4) = 70);
* ``design_complete.csv`` — 10 people, 3 treated, declared complete with probability 1/3, so
  3 or 4 are treated (probabilities 2/3 and 1/3: 330 assignments of unequal probability);
* ``design_wild.csv`` — 5 clusters (4–9 people) in two strata for the wild cluster bootstrap
  (6^5 = 7,776 Webb weight vectors).

The R script ``design.R`` reads them and writes ``design_values.json``.

Run: ``.venv/bin/python tests/reference/design_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def _outcome(rng: np.random.Generator, z: np.ndarray, x: np.ndarray, missing: float) -> list:
    p = 0.35 + 0.25 * z + 0.1 * np.tanh(x)
    y = (rng.random(z.size) < p).astype(int).astype(object)
    y[rng.random(z.size) < missing] = ""
    return list(y)


def blocked(rng: np.random.Generator) -> pd.DataFrame:
    block = np.array(["A"] * 6 + ["B"] * 8)
    z = np.zeros(14, dtype=int)
    z[rng.choice(6, 3, replace=False)] = 1
    z[6 + rng.choice(8, 4, replace=False)] = 1
    x = np.round(rng.normal(size=14), 3)
    return pd.DataFrame(
        {"arm": np.where(z == 1, "treatment", "control"), "stratum": block, "x": x,
         "y": _outcome(rng, z, x, 0.1)}
    )  # fmt: skip


def clustered(rng: np.random.Generator) -> pd.DataFrame:
    sizes = rng.integers(2, 6, 8)
    cluster = np.repeat([f"c{i}" for i in range(8)], sizes)
    block = np.repeat(np.where(np.arange(8) < 4, "A", "B"), sizes)
    zc = np.zeros(8, dtype=int)
    zc[rng.choice(4, 2, replace=False)] = 1
    zc[4 + rng.choice(4, 2, replace=False)] = 1
    z = np.repeat(zc, sizes)
    x = np.round(rng.normal(size=z.size), 3)
    return pd.DataFrame(
        {"arm": np.where(z == 1, "treatment", "control"), "stratum": block, "cluster": cluster,
         "x": x, "y": _outcome(rng, z, x, 0.1)}
    )  # fmt: skip


def complete(rng: np.random.Generator) -> pd.DataFrame:
    z = np.zeros(10, dtype=int)
    z[rng.choice(10, 3, replace=False)] = 1
    x = np.round(rng.normal(size=10), 3)
    return pd.DataFrame(
        {"arm": np.where(z == 1, "treatment", "control"), "x": x, "y": _outcome(rng, z, x, 0.0)}
    )


def wild(rng: np.random.Generator) -> pd.DataFrame:
    sizes = rng.integers(4, 10, 5)
    cluster = np.repeat([f"g{i}" for i in range(5)], sizes)
    z = np.repeat(np.array([1, 0, 1, 0, 1]), sizes)
    stratum = np.where(rng.random(z.size) < 0.5, "s1", "s2")
    x = np.round(rng.normal(size=z.size), 3)
    return pd.DataFrame(
        {"arm": np.where(z == 1, "treatment", "control"), "stratum": stratum, "cluster": cluster,
         "x": x, "y": _outcome(rng, z, x, 0.05)}
    )  # fmt: skip


def main() -> None:
    rng = np.random.default_rng(20261203)
    for name, make in (("blocked", blocked), ("clustered", clustered), ("complete", complete),
                       ("wild", wild)):  # fmt: skip
        make(rng).to_csv(HERE / f"design_{name}.csv", index=False)


if __name__ == "__main__":
    main()
