"""Benchmark of impact.link: accuracy against synthetic truth, speed and peak memory.

Run: ``.venv/bin/python benchmarks/link.py [--skip-100k] [--quick]``. Writes the numbers to
stdout as Markdown (copy them into ``benchmarks/results/link.md``).

* Accuracy (10k baseline respondents, 70 % answer the result survey, 3 % newcomers): exact-only
  links vs the full linker vs the Python Record Linkage Toolkit (``recordlinkage``, ECM
  classifier on the same normalised element comparisons and blocking), in two scenarios —
  (A) 15 % of people mistype one code element in the result survey, (B) errors in both waves.
  Both also have case/separator noise (30 %), look-alike characters (10 %), gender answered
  ``not_stated`` (5 %), birth year off by one (2 %) and 2 % duplicate answers.
* Threshold sweep (2 000 people, scenario B, 3 seeds): F1 by threshold — the default — and
  the calibration of Splink's probabilities (mean probability vs share truly matching).
* Speed: 10k × 10k and 100k × 100k (a fresh process each: wall time, peak RSS).

``recordlinkage`` is needed for the comparison only: ``.venv/bin/pip install recordlinkage``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from impact.ingest.codes import CodeLayout, normalise_codes  # noqa: E402
from impact.link import link_waves  # noqa: E402
from impact.link.assign import one_to_one  # noqa: E402
from link_fixtures import SECRET, make_study, pair_accuracy, record_pseudonyms  # noqa: E402


def scenario(
    n: int, seed: int, both_waves: bool, response_rate: float = 0.7, newcomer_share: float = 0.03
):
    return make_study(
        n,
        seed=seed,
        baseline_errors=both_waves,
        response_rate=response_rate,
        newcomer_share=newcomer_share,
    )


def metrics_row(name: str, acc: dict, seconds: float | None = None) -> dict:
    return {
        "method": name,
        "precision": acc["precision"],
        "recall": acc["recall"],
        "f1": acc["f1"],
        "links": acc["predicted"],
        "true links": acc["true"],
        "seconds": seconds,
    }


def recordlinkage_links(study) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Link with recordlinkage's ECM (Fellegi–Sunter EM) on the same normalised inputs.

    Returns the raw ECM links and the links after our one-to-one assignment (as a pairs
    table in the format of ``LinkResult.pairs``), and the time.
    """
    import recordlinkage as rl

    t0 = time.perf_counter()
    layout = CodeLayout()

    def prep(frame: pd.DataFrame) -> pd.DataFrame:
        codes = normalise_codes(frame["link_code"], layout)
        out = codes[["e1", "e2", "e3", "e4"]].astype(object)
        out["birth_year"] = frame["birth_year"].astype("float64")
        out["gender"] = frame["gender"].astype(object).where(frame["gender"] != "not_stated")
        out["round_id"] = frame["round_id"].astype(object)
        out.index = pd.Index(frame["response_id"].astype(str), name="rid")
        return out[codes["code"].notna().to_numpy()]

    a, b = prep(study.baseline), prep(study.result)
    indexer = rl.Index()
    for pair in [
        ("e1", "e2"),
        ("e1", "e3"),
        ("e1", "e4"),
        ("e2", "e3"),
        ("e2", "e4"),
        ("e3", "e4"),
    ]:
        indexer.block(left_on=[*pair, "birth_year"], right_on=[*pair, "birth_year"])
    for triple in [("e1", "e2", "e3"), ("e1", "e2", "e4"), ("e1", "e3", "e4"), ("e2", "e3", "e4")]:
        indexer.block(left_on=list(triple), right_on=list(triple))
    candidates = indexer.index(a, b)
    compare = rl.Compare()
    for e in ("e1", "e2", "e3", "e4", "gender", "round_id"):
        compare.exact(e, e, label=e)
    compare.numeric("birth_year", "birth_year", method="step", offset=0, origin=0, label="by")
    features = compare.compute(candidates, a, b)
    ecm = rl.ECMClassifier(binarize=0.5)
    matches = ecm.fit_predict(features)
    prob = ecm.prob(features)
    seconds = time.perf_counter() - t0
    rids = pd.DataFrame(list(matches), columns=["left", "right"])
    cand = pd.DataFrame(
        {
            "left_uid": [i for i, _ in prob.index],
            "right_uid": [j for _, j in prob.index],
            "match_probability": prob.to_numpy(),
        }
    )
    cand["match_weight"] = np.log2(
        np.clip(cand["match_probability"], 1e-12, 1 - 1e-12)
        / np.clip(1 - cand["match_probability"], 1e-12, 1)
    )
    chosen = one_to_one(cand, 0.5).chosen
    return rids, chosen.rename(columns={"left_uid": "left", "right_uid": "right"}), seconds


def as_pairs(links: pd.DataFrame) -> pd.DataFrame:
    """recordlinkage links (response ids) → the pairs format pair_accuracy reads."""
    truth_ids = pd.DataFrame(
        {
            "response_id": list(links["left"]) + list(links["right"]),
            "wave": ["b"] * len(links) + ["r"] * len(links),
        }
    )
    pseud = record_pseudonyms(truth_ids)["record"].to_numpy()
    return pd.DataFrame(
        {
            "wave": "r",
            "spine_wave": "b",
            "spine_record": pseud[: len(links)],
            "record": pseud[len(links) :],
        }
    )


def accuracy(n: int, seed: int, both_waves: bool, with_rl: bool) -> list[dict]:
    study = scenario(n, seed, both_waves)
    t0 = time.perf_counter()
    res = link_waves(study.baseline, study.result, secret=SECRET)
    seconds = time.perf_counter() - t0
    rows = [
        metrics_row(
            "exact only (study id; code + birth year + gender + round)",
            pair_accuracy(res.panel, res.pairs[res.pairs["stage"] != "splink"], study.truth, "r"),
        ),
        metrics_row(
            "impact.link (exact → Splink → one-to-one)",
            pair_accuracy(res.panel, res.pairs, study.truth, "r"),
            seconds,
        ),
    ]
    if with_rl:
        raw, one, rl_seconds = recordlinkage_links(study)
        rows.append(
            metrics_row(
                "recordlinkage 0.16 ECM",
                pair_accuracy(res.panel, as_pairs(raw), study.truth, "r"),
                rl_seconds,
            )
        )
        rows.append(
            metrics_row(
                "recordlinkage 0.16 ECM + one-to-one",
                pair_accuracy(res.panel, as_pairs(one), study.truth, "r"),
                rl_seconds,
            )
        )
    return rows


def threshold_sweep(n: int, seeds: list[int]) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        study = scenario(n, seed, both_waves=True)
        for threshold in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
            res = link_waves(study.baseline, study.result, secret=SECRET, threshold=threshold)
            acc = pair_accuracy(res.panel, res.pairs, study.truth, "r")
            rows.append({"seed": seed, "threshold": threshold, **acc})
    frame = pd.DataFrame(rows)
    return frame.groupby("threshold")[["precision", "recall", "f1"]].mean().reset_index()


def calibration(n: int, seeds: list[int]) -> pd.DataFrame:
    """Splink candidates binned by match probability: mean probability vs share truly matching."""
    frames = []
    for seed in seeds:
        study = scenario(n, seed, both_waves=True)
        res = link_waves(study.baseline, study.result, secret=SECRET)
        person = record_pseudonyms(study.truth).set_index("record")["person"]
        cand = res.report.candidates
        same = (
            person.reindex(cand["spine_record"]).to_numpy()
            == person.reindex(cand["record"]).to_numpy()
        )
        frames.append(pd.DataFrame({"p": cand["match_probability"].to_numpy(), "true": same}))
    data = pd.concat(frames)
    data["bin"] = pd.cut(data["p"], [0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0])
    table = data.groupby("bin", observed=True).agg(
        pairs=("true", "size"), mean_probability=("p", "mean"), share_true=("true", "mean")
    )
    return table.reset_index().assign(bin=lambda t: t["bin"].astype(str))


def speed_child(n: int, seed: int) -> None:
    """Run in a fresh process: generate, link, print JSON with time and peak RSS."""
    study = scenario(n, seed, both_waves=False, response_rate=0.9, newcomer_share=0.1)
    t0 = time.perf_counter()
    res = link_waves(study.baseline, study.result, secret=SECRET)
    seconds = time.perf_counter() - t0
    acc = pair_accuracy(res.panel, res.pairs, study.truth, "r")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "n_baseline": len(study.baseline),
                "n_later": len(study.result),
                "seconds": seconds,
                "peak_rss_mb": rss_mb,
                "f1": acc["f1"],
                "splink_pairs": len(res.report.candidates),
            }
        )
    )


def speed(n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--speed-child", str(n)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def markdown(frame: pd.DataFrame) -> str:
    """A Markdown table (floats with 4 decimals) without extra dependencies."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return "" if np.isnan(value) else f"{value:.4f}"
        return str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument("--quick", action="store_true", help="2 000 people, no speed runs")
    parser.add_argument("--accuracy-only", action="store_true", help="no speed runs")
    parser.add_argument("--speed-only", action="store_true", help="only the speed runs")
    parser.add_argument("--speed-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_child:
        speed_child(args.speed_child, seed=7)
        return
    n = 2000 if args.quick else 10_000
    if not args.speed_only:
        accuracy_sections(n)
    if args.quick or args.accuracy_only:
        return
    print("## Speed (fresh process each; 2 cores)\n")
    sizes = [10_000] if args.skip_100k else [10_000, 100_000]
    print(markdown(pd.DataFrame([speed(size) for size in sizes])), "\n")


def accuracy_sections(n: int) -> None:
    """Print the accuracy tables and the threshold sweep."""
    print(f"## Accuracy ({n} baseline respondents)\n")
    for both, label in (
        (False, "A: 15 % mistype one element in the result survey"),
        (True, "B: 15 % mistype one element in each wave"),
    ):
        print(f"### Scenario {label}\n")
        print(markdown(pd.DataFrame(accuracy(n, seed=1, both_waves=both, with_rl=True))), "\n")
    print("## Threshold sweep (2 000 people, scenario B, mean of 3 seeds)\n")
    print(markdown(threshold_sweep(2000, [1, 2, 3])), "\n")
    print("## Calibration of Splink probabilities (2 000 people, scenario B, 3 seeds)\n")
    print(markdown(calibration(2000, [1, 2, 3])), "\n")


if __name__ == "__main__":
    main()
