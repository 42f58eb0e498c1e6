"""Benchmark: linking, indicators and register matching at national size on DuckDB and Spark.

Jobs, each at several sizes and on several engines, every measurement in a fresh subprocess
(so peak memory is the job's own):

``link``
    Synthetic baseline of N respondents and a later wave of N respondents too: 90 % of the
    baseline people answer again and newcomers (10 % of N) make up the rest, so a size of 1 M
    is a 1 M × 1 M linkage (both waves then get 1 % duplicate answers). Realistic typing: in
    the later wave 15 % mistype one code element; in both waves 2 % give a birth year off by
    one, 5 % gender ``not_stated``, 30 % lower case / separators, 10 % look-alike characters.
    Round ids are drawn from 10 programme rounds. :func:`impact.link.link_waves` with
    the ``linear`` blocking rules and the default threshold 0.5; precision and recall against
    the known truth; on DuckDB / Spark the time of the engine steps (loading, exact stage,
    Splink blocking and comparisons, pattern counts, EM, pairs back; the rest: records,
    assignment, panel and link report) and the evidence of the trained model in bits (prior
    log2 odds; log2(m/u) of agreement on each element, the birth year, gender and round;
    their sum; the sum with one element mistyped).
``link_thorough``
    The same with the ``thorough`` blocking rules of :mod:`impact.link`.
``link_rounds200``
    The same with round ids drawn from 200 rounds (e.g. start month × local office) instead
    of 10: round agreement is one of the comparisons, so this shows what one more stable
    piece of information recovers at national size.
``link_threshold02``
    The same as ``link`` with the match probability threshold 0.2 instead of 0.5 (the
    precision / recall trade-off).
``indicators``
    A linked panel of N persons with every field the built-in indicators read (10 % missing
    answers, 28 % without a result survey) generated *inside* the engine by SQL, then
    :func:`impact.indicators.aggregate_indicators` grouped by round and gender.
``matching``
    A register of N persons (1 % intervention members) and 13 months of employment generated
    inside the engine; exact matching on sex, citizenship, county, education, immigration
    period, employment at start and birth year, then the weighted monthly rates
    (:func:`impact.analysis.matching.matched_rates`).

Peak memory is the highest resident set size (VmHWM) of the Python process plus, for Spark,
its Java child process. Load average is recorded beside each run (the machine is shared).

Run everything (small sizes first, largest last; writes benchmarks/results/scale.md)::

    .venv/bin/python benchmarks/scale.py plan

or only some jobs (``plan link link_thorough`` runs the plan's rows of those jobs), or one
measurement (prints one JSON line)::

    .venv/bin/python benchmarks/scale.py run link duckdb 100000
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

SECRET = "benchmark-secret-key"
RESULTS = Path(__file__).parent / "results"
RAW = Path(os.environ.get("IMPACT_SCALE_RAW", "/tmp/impact_scale_benchmarks.jsonl"))
REPORT = RESULTS / "scale.md"
START, END = "<!-- tables: written by benchmarks/scale.py -->", "<!-- end of tables -->"

#: Wait for the load average to drop below this before each run: at most QUIET_WAIT seconds
#: before the largest runs, QUIET_WAIT_SMALL before the others (IMPACT_SCALE_WAIT caps both).
QUIET_LOAD = 2.5
QUIET_WAIT = int(os.environ.get("IMPACT_SCALE_WAIT", 900))
QUIET_WAIT_SMALL = min(120, QUIET_WAIT)
#: Longest run allowed per engine, in seconds (Spark local mode on two cores is slow).
TIMEOUT = {"spark": 300}
TIMEOUT_DEFAULT = 3600
#: (job, engine, size), run in this order: small first, the largest last.
PLAN = [
    ("indicators", "pandas", 300_000),
    ("indicators", "duckdb", 1_000_000),
    ("indicators", "duckdb", 3_000_000),
    ("indicators", "spark", 300_000),
    ("indicators", "spark", 1_000_000),
    ("matching", "duckdb", 500_000),
    ("matching", "duckdb", 1_500_000),
    ("matching", "spark", 100_000),
    ("matching", "spark", 300_000),
    ("link", "pandas", 30_000),
    ("link", "pandas", 100_000),
    ("link", "pandas", 300_000),
    ("link", "duckdb", 30_000),
    ("link", "duckdb", 100_000),
    ("link", "duckdb", 300_000),
    ("link", "spark", 30_000),
    ("link", "spark", 100_000),
    ("indicators", "duckdb", 10_000_000),
    ("matching", "duckdb", 5_000_000),
    ("link_thorough", "duckdb", 100_000),
    ("link_thorough", "duckdb", 300_000),
    ("link", "duckdb", 1_000_000),
    ("link_rounds200", "duckdb", 1_000_000),
    ("link_threshold02", "duckdb", 1_000_000),
]


# ------------------------------------------------------------------ measurement helpers
def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def peak_memory_mb() -> float:
    """Peak resident memory of this process and its children (e.g. Spark's JVM), in MB."""
    me = os.getpid()
    total = _status_kb(me, "VmHWM")
    total += sum(_status_kb(child, "VmHWM") for child in _children(me))
    return total / 1024


def load_average() -> float:
    """One-minute load average."""
    return float(os.getloadavg()[0])


# ------------------------------------------------------------------ synthetic linking waves
def _zipf_choice(rng, values, n, exponent=0.8):
    weights = 1.0 / np.arange(1, len(values) + 1) ** exponent
    return rng.choice(np.asarray(values), n, p=weights / weights.sum())


#: Share of the baseline people who answer the later wave; newcomers make up the rest.
LATER_RETURN_SHARE = 0.9


def make_waves(
    n: int, seed: int = 1, rounds: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Baseline and later wave of ``n`` respondents each, with the person behind every response.

    The later wave is answered by ``LATER_RETURN_SHARE`` of the baseline people (chosen at
    random) plus newcomers making up the rest; every wave then gets 1 % duplicate answers.
    ``round_id`` is drawn uniformly from ``rounds`` rounds.
    """
    from impact.synth.codes import BIRTH_PLACES, MOTHER_NAMES

    rng = np.random.default_rng(seed)
    n_return = int(round(LATER_RETURN_SHARE * n))
    n_new = n - n_return
    total = n + n_new
    width = len(str(rounds))
    e1 = _zipf_choice(rng, sorted({m[:2].upper() for m in MOTHER_NAMES}), total)
    e2 = np.char.zfill(rng.integers(1, 32, total).astype(str), 2)
    e3 = _zipf_choice(rng, sorted({p[:2].upper() for p in BIRTH_PLACES}), total)
    sib_p = np.array([0.3, 0.25, 0.18, 0.12, 0.07, 0.04, 0.02, 0.01, 0.005, 0.005])
    e4 = rng.choice(10, total, p=sib_p).astype(str)
    people = pd.DataFrame(
        {
            "e1": e1,
            "e2": e2,
            "e3": e3,
            "e4": e4,
            "birth_year": rng.integers(1955, 2005, total),
            "gender": rng.choice(["woman", "man", "other"], total, p=[0.6, 0.38, 0.02]),
            "round_id": np.char.add(
                "R", np.char.zfill(rng.integers(1, rounds + 1, total).astype(str), width)
            ),
        }
    )
    base_idx = np.arange(n)
    returning = np.sort(rng.choice(n, n_return, replace=False))
    later_idx = np.concatenate([returning, np.arange(n, total)])
    baseline = _type_wave(people.iloc[base_idx], "b", rng, mistype=0.0)
    later = _type_wave(people.iloc[later_idx], "r", rng, mistype=0.15)
    return baseline, later, pd.Series(base_idx), pd.Series(later_idx)


def _type_wave(people: pd.DataFrame, wave: str, rng, mistype: float) -> pd.DataFrame:
    n = len(people)
    parts = [people[c].to_numpy().astype("<U2") for c in ("e1", "e2", "e3", "e4")]
    letters = np.array(list("ABCDEFGHIJKLMNOPRSTUVYZ"))
    which = np.where(rng.random(n) < mistype, rng.integers(0, 4, n), -1)
    for k in range(4):
        rows = which == k
        if not rows.any():
            continue
        old = parts[k][rows]
        if k in (0, 2):
            new = np.char.add(
                letters[rng.integers(0, len(letters), rows.sum())],
                np.char.ljust(np.array([s[1:] for s in old]), 1),
            )
            new = np.where(new == old, np.char.add(old[:, None].astype("<U1")[:, 0], "Q"), new)
        elif k == 1:
            new = np.char.zfill(
                ((old.astype(int) + rng.integers(1, 30, rows.sum())) % 31 + 1).astype(str), 2
            )
        else:
            new = ((old.astype(int) + 1) % 10).astype(str)
        parts[k] = parts[k].copy()
        parts[k][rows] = new
    lookalike = rng.random(n) < 0.10
    parts[0] = np.where(lookalike, np.char.replace(parts[0], "O", "0"), parts[0])
    parts[1] = np.where(lookalike, np.char.replace(parts[1], "1", "l"), parts[1])
    sep = rng.choice(["", "-", " "], n)
    noisy = rng.random(n) < 0.3
    code = parts[0]
    for part in parts[1:]:
        code = np.char.add(np.char.add(code, np.where(noisy, sep, "")), part)
    code = np.where(noisy & (rng.random(n) < 0.7), np.char.lower(code), code)
    by = people["birth_year"].to_numpy() + np.where(rng.random(n) < 0.02, rng.choice([-1, 1], n), 0)
    gender = np.where(rng.random(n) < 0.05, "not_stated", people["gender"].to_numpy())
    frame = pd.DataFrame(
        {
            "response_id": pd.array([f"{wave}-{i}" for i in range(n)], dtype="string"),
            "round_id": pd.array(people["round_id"].to_numpy(), dtype="string"),
            "link_code": pd.array(code, dtype="string"),
            "birth_year": pd.array(by, dtype="Int64"),
            "gender": pd.array(gender, dtype="string"),
        }
    )
    dup = rng.random(n) < 0.01
    extra = frame[dup].assign(response_id=lambda f: f["response_id"] + "-dup")
    return pd.concat([frame, extra], ignore_index=True)


def _time_engine_steps() -> dict[str, float]:
    """Sum the wall time of the engine link steps, by wrapping their functions (benchmark only).

    A step called inside another step counts for the outer one.
    """
    from impact.engines import sessions
    from impact.link import engine_sql as link_sql
    from impact.link import engine_stage

    spent: dict[str, float] = {}
    active: list[str] = []

    def wrap(owner, attr: str, step: str) -> None:
        original = getattr(owner, attr)

        def timed(*args, **kwargs):
            if active:
                return original(*args, **kwargs)
            active.append(step)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[step] = spent.get(step, 0.0) + time.perf_counter() - start
                active.pop()

        setattr(owner, attr, timed)

    for cls in (sessions.DuckDBSession, sessions.SparkEngineSession):
        wrap(cls, "put", "load")
    for name in ("exact_stage", "remainder", "exact_pairs_frame"):
        wrap(link_sql, name, "exact")
    for name in ("splink_compare", "filter_candidates"):
        wrap(link_sql, name, "splink")
    for name in ("value_counts", "pattern_counts", "known_patterns"):
        wrap(link_sql, name, "patterns")
    wrap(engine_stage, "train_patterns", "em")
    wrap(link_sql, "pairs_of_patterns", "pairs")
    return spent


def _stages(seconds: float, steps: dict[str, float]) -> dict[str, float]:
    """Seconds per engine step (DuckDB / Spark) and the rest of the call."""
    order = ("load", "exact", "splink", "patterns", "em", "pairs")
    stages = {k: steps[k] for k in order if k in steps}
    stages["other"] = seconds - sum(steps.values())
    return {k: round(v, 1) for k, v in stages.items()}


def evidence_bits(settings: dict) -> dict[str, object]:
    """The trained model's evidence in bits (log2 odds), rounded to 0.1.

    ``prior``: log2 odds of a match before comparing; ``elements``, ``birth_year``,
    ``gender``, ``round``: log2(m/u) of agreement on each (birth year: the same year);
    ``agree``: their sum, every comparison agreeing; ``one_off``: the same with one element
    disagreeing (range over the elements).
    """
    lam = settings["probability_two_random_records_match"]
    top, disagree = {}, {}
    for comp in settings["comparisons"]:
        levels = [x for x in comp["comparison_levels"] if not x.get("is_null_level")]
        ratios = [float(np.log2(x["m_probability"] / x["u_probability"])) for x in levels]
        top[comp["output_column_name"]] = ratios[0]
        disagree[comp["output_column_name"]] = ratios[-1]
    elements = [c for c in top if c.startswith("h_")]
    agree = sum(top.values())
    one_off = [agree - top[e] + disagree[e] for e in elements]
    return {
        "prior": round(float(np.log2(lam / (1 - lam))), 1),
        "elements": " + ".join(f"{top[e]:.1f}" for e in elements),
        "birth_year": round(top["birth_year"], 1),
        "gender": round(top["gender"], 1),
        "round": round(top["round_id"], 1),
        "agree": round(agree, 1),
        "one_off": f"{min(one_off):.1f}–{max(one_off):.1f}",
    }


def link_job(
    engine: str, size: int, blocking: str = "linear", rounds: int = 10, threshold: float = 0.5
) -> dict:
    from impact.link import link_waves
    from impact.link.pseudonymise import Pseudonymiser

    baseline, later, base_person, later_person = make_waves(size, rounds=rounds)
    steps = _time_engine_steps() if engine != "pandas" else {}
    start = time.perf_counter()
    result = link_waves(
        baseline, later, engine=engine, secret=SECRET, blocking=blocking, threshold=threshold
    )
    seconds = time.perf_counter() - start
    pseud = Pseudonymiser(SECRET.encode())
    truth = {}
    for frame, persons, wave in ((baseline, base_person, "b"), (later, later_person, "r")):
        ids = frame["response_id"].str.removesuffix("-dup").str.split("-").str[1].astype(int)
        hashed = pseud.hash_column(frame["response_id"], f"record:{wave}").tolist()
        truth.update(zip(hashed, persons.to_numpy()[ids.to_numpy()], strict=True))
    pairs = result.pairs
    left = pairs["spine_record"].map(truth).to_numpy()
    right = pairs["record"].map(truth).to_numpy()
    correct = left == right
    both = len(set(base_person) & set(later_person))
    row = result.report.waves.iloc[-1]
    settings = result.report.splink_settings.get("r")
    return {
        "seconds": seconds,
        "stages": _stages(seconds, steps),
        "records": len(baseline) + len(later),
        "candidates": len(result.report.candidates),
        "linked": int(row["linked"]),
        "linked_exact": int(row["linked_exact"]),
        "linked_splink": int(row["linked_splink"]),
        "precision": float(correct.mean()),
        "recall": float(len(set(left[correct])) / both),
        "bits": evidence_bits(settings) if settings else None,
    }


# ------------------------------------------------------------------ panel and register in SQL
def _rand(engine: str, k: int) -> str:
    return f"rand({k})" if engine == "spark" else "random()"


def _pick(engine: str, values: list[str], k: int) -> str:
    """One of ``values`` at random (one random draw per row)."""
    listed = ", ".join(f"'{v}'" for v in values)
    index = f"1 + CAST(FLOOR({_rand(engine, k)} * {len(values)}) AS INT)"
    if engine == "spark":
        return f"element_at(array({listed}), {index})"
    return f"list_extract([{listed}], {index})"


def panel_sql(engine: str, n: int) -> str:
    """SQL generating a linked panel of ``n`` persons with 10 % missing answers."""
    text = "STRING" if engine == "spark" else "VARCHAR"
    ident = "id" if engine == "spark" else "range"
    counter = iter(range(1, 10_000))

    def r() -> str:
        return _rand(engine, next(counter))

    def miss(expr: str) -> str:
        return f"CASE WHEN {r()} < 0.1 THEN NULL ELSE {expr} END"

    def ints(low: int, high: int) -> str:
        return miss(f"CAST(FLOOR({r()} * {high - low + 1}) + {low} AS BIGINT)")

    def code(values: list[str]) -> str:
        return miss(_pick(engine, values, next(counter)))

    columns = {
        "person_id": f"CONCAT('p', CAST({ident} AS {text}))",
        "round_id": f"CONCAT('R', CAST(1 + ({ident} % 10) AS {text}))",
        "gender": f"CASE WHEN {r()} < 0.6 THEN 'woman' ELSE 'man' END",
        "responded_b": f"{r()} < 0.97",
        "responded_r": f"{r()} < 0.72",
    }
    for wave in ("b", "r"):
        columns[f"{wave}_employment"] = code(["none", "part_time", "full_time"])
        columns[f"{wave}_job_matches_field"] = miss(f"{r()} < 0.4")
        columns[f"{wave}_interviews_3m"] = ints(0, 5)
        columns[f"{wave}_cv_status"] = ints(0, 2)
        columns[f"{wave}_professional_contacts"] = ints(0, 8)
        columns[f"{wave}_has_reference"] = miss(f"{r()} < 0.3")
        for scale in (
            "knows_education_paths",
            "knows_social_codes",
            "swedish_level",
            "professional_swedish_level",
            "knows_labour_market",
        ):
            columns[f"{wave}_{scale}"] = ints(1, 5)
    for name in (
        "changed_job",
        "got_internship",
        "started_relevant_education",
        "visited_workplace",
    ):
        columns[f"r_{name}"] = miss(f"{r()} < 0.3")
    for name in ("contributed_job", "contributed_internship", "contributed_education"):
        columns[f"r_{name}"] = code(["yes", "no", "dont_know"])
    select = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
    return f"SELECT {select} FROM range({n})" + ("" if engine == "spark" else " AS t")


def persons_sql(engine: str, n: int) -> str:
    """SQL generating ``n`` register persons, 1 % intervention members."""
    text = "STRING" if engine == "spark" else "VARCHAR"
    ident = "id" if engine == "spark" else "range"
    counter = iter(range(10_001, 20_000))

    def pick(values: list[str]) -> str:
        return _pick(engine, values, next(counter))

    group = "`group`" if engine == "spark" else '"group"'
    return (
        f"SELECT CONCAT('P', CAST({ident} AS {text})) AS person_id, "
        f"CASE WHEN {ident} % 100 = 0 THEN 'intervention' ELSE 'external' END AS {group}, "
        f"{pick(['woman', 'man'])} AS sex, "
        f"CAST(1960 + FLOOR({_rand(engine, 1)} * 41) AS BIGINT) AS birth_year, "
        f"{pick(['MENA', 'SSA', 'ASIA', 'EUR', 'AMER'])} AS citizenship, "
        f"{pick(['01', '03', '05', '12', '14', '20', '22', '25'])} AS county, "
        f"CAST(1 + FLOOR({_rand(engine, 2)} * 5) AS BIGINT) AS education_level, "
        f"{pick(['2010-2014', '2015-2017', '2018-2020', '2021-2023'])} AS immigration_period, "
        f"{_rand(engine, 3)} < 0.4 AS employed_at_start "
        f"FROM range({n})" + ("" if engine == "spark" else " AS t")
    )


def months_sql(engine: str, persons: str) -> str:
    """SQL generating months 0–12 of employment for every register person."""
    q = (lambda c: f"`{c}`") if engine == "spark" else (lambda c: f'"{c}"')
    months = "range(0, 13)"
    month_col = "id" if engine == "spark" else "range"
    return (
        f"SELECT p.person_id, CAST(m.{month_col} AS BIGINT) AS month, "
        f"({_rand(engine, 4)} < 0.25 + 0.02 * m.{month_col} "
        f"+ CASE WHEN p.{q('group')} = 'intervention' THEN 0.01 * m.{month_col} ELSE 0 END) "
        f"AS employed FROM {persons} p CROSS JOIN {months} AS m"
    )


def _session(engine: str):
    from impact.engines import open_session

    if engine == "duckdb":
        return open_session("duckdb", memory_limit="12GB")
    from impact.engines import SparkEngineSession, spark_session

    return SparkEngineSession(spark_session({"spark.driver.memory": "6g"}))


def indicators_job(engine: str, size: int) -> dict:
    from impact.indicators import aggregate_indicators

    if engine == "pandas":
        from impact.engines import open_session

        with open_session("duckdb") as duck:
            panel = duck.fetch(panel_sql("duckdb", size))
        start = time.perf_counter()
        result = aggregate_indicators(panel, engine="pandas", groups=["round_id", "gender"])
        seconds = time.perf_counter() - start
    else:
        session = _session(engine)
        session.create("bench_panel", panel_sql(engine, size))
        start = time.perf_counter()
        result = aggregate_indicators(
            "bench_panel", engine=engine, session=session, groups=["round_id", "gender"]
        )
        seconds = time.perf_counter() - start
        session.close()
    overall = result.tidy().query("group_by == 'all' and indicator == 'job_or_steps'").iloc[0]
    return {
        "seconds": seconds,
        "persons": size,
        "aggregate_rows": len(result.tidy()),
        "job_or_steps_share": round(float(overall["share"]), 4),
    }


def matching_job(engine: str, size: int) -> dict:
    from impact.analysis.matching import matched_rates

    session = _session(engine)
    session.create("bench_persons", persons_sql(engine, size))
    session.create("bench_months", months_sql(engine, session.dialect.quote("bench_persons")))
    start = time.perf_counter()
    result = matched_rates(
        "bench_persons",
        "bench_months",
        engine=engine,
        method="exact",
        exact=[
            "sex",
            "citizenship",
            "county",
            "education_level",
            "immigration_period",
            "employed_at_start",
            "birth_year",
        ],
        coarsen={},
        session=session,
    )
    seconds = time.perf_counter() - start
    session.close()
    groups = result.groups.set_index("group")
    return {
        "seconds": seconds,
        "persons": size,
        "person_months": size * 13,
        "matched_intervention": int(groups.loc["intervention", "n_matched"]),
        "matched_external": int(groups.loc["external", "n_matched"]),
        "rate_rows": len(result.rates),
    }


def link_thorough_job(engine: str, size: int) -> dict:
    """Linking with the ``thorough`` blocking rules of :mod:`impact.link` (for comparison)."""
    return link_job(engine, size, "thorough")


def link_rounds200_job(engine: str, size: int) -> dict:
    """Linking with round ids from 200 rounds (start month × local office) instead of 10."""
    return link_job(engine, size, rounds=200)


def link_threshold02_job(engine: str, size: int) -> dict:
    """Linking with the match probability threshold 0.2 instead of 0.5."""
    return link_job(engine, size, threshold=0.2)


JOBS = {
    "link": link_job,
    "link_thorough": link_thorough_job,
    "link_rounds200": link_rounds200_job,
    "link_threshold02": link_threshold02_job,
    "indicators": indicators_job,
    "matching": matching_job,
}


def run_one(job: str, engine: str, size: int) -> dict:
    """Run one measurement in this process and return its record."""
    warnings.simplefilter("ignore")
    load = load_average()
    record = {"job": job, "engine": engine, "size": size, "load_before": round(load, 2)}
    record.update(JOBS[job](engine, size))
    record["peak_mb"] = round(peak_memory_mb())
    record["load_after"] = round(load_average(), 2)
    return record


# ------------------------------------------------------------------ the plan and the report
def run_plan(plan) -> None:
    """Run every measurement in its own subprocess, one at a time, appending to RAW.

    Before each run, waits (up to ``QUIET_WAIT`` seconds) for the one-minute load average to
    drop below ``QUIET_LOAD``, since the machine is shared. A run longer than its engine's
    ``TIMEOUT`` is stopped and recorded as failed.
    """
    largest = {max(p[2] for p in plan if p[:2] == (job, engine)) for job, engine, _ in plan}
    for job, engine, size in plan:
        waited = 0
        timeout = TIMEOUT.get(engine, TIMEOUT_DEFAULT)
        patience = QUIET_WAIT if size in largest and size >= 1_000_000 else QUIET_WAIT_SMALL
        while load_average() > QUIET_LOAD and waited < patience:
            time.sleep(30)
            waited += 30
        print(
            f"{time.strftime('%H:%M:%S')} {job} {engine} {size:,} (load {load_average():.1f})",
            flush=True,
        )
        command = [sys.executable, __file__, "run", job, engine, str(size)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            record = {"job": job, "engine": engine, "size": size, "error": f"timeout {timeout}s"}
        else:
            lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
            record = (
                json.loads(lines[-1])
                if lines
                else {
                    "job": job,
                    "engine": engine,
                    "size": size,
                    "error": (done.stderr.strip().splitlines() or ["failed"])[-1][:300],
                }
            )
        print("   ", record, flush=True)
        with RAW.open("a") as out:
            out.write(json.dumps(record) + "\n")


def write_report() -> Path:
    """Write benchmarks/results/scale.md from the measurements in RAW (latest per setting)."""
    records = {}
    for line in RAW.read_text().splitlines():
        r = json.loads(line)
        records[(r["job"], r["engine"], r["size"])] = r
    lines = [
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}; shared with other jobs (load average beside each run).",
        "Times exclude generating the data; peak memory includes Spark's JVM.",
        "",
    ]
    titles = {
        "link": "Linking (later wave → baseline, `linear` blocking)",
        "link_thorough": "Linking with `thorough` blocking (the rules of `impact.link`)",
        "link_rounds200": "Linking with round ids from 200 rounds instead of 10 (`linear`)",
        "link_threshold02": "Linking with the threshold 0.2 instead of 0.5 (`linear`)",
        "indicators": "Indicators (all built-in definitions, grouped by round and gender)",
        "matching": "Exact matching and monthly weighted rates (13 months per person)",
    }
    for job, title in titles.items():
        rows = sorted(
            (r for r in records.values() if r["job"] == job), key=lambda r: (r["engine"], r["size"])
        )
        if not rows:
            continue
        lines += [f"## {title}", ""]
        extra = [
            k
            for k in rows[0]
            if k
            not in (
                "job",
                "engine",
                "size",
                "seconds",
                "peak_mb",
                "load_before",
                "load_after",
                "error",
            )
        ]
        head = ["engine", "size", "seconds", "peak MB", "load", *extra]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for r in rows:
            if "error" in r:
                lines.append(f"| {r['engine']} | {r['size']:,} | failed: {r['error']} |")
                continue
            cells = [
                r["engine"],
                f"{r['size']:,}",
                f"{r['seconds']:.1f}",
                str(r["peak_mb"]),
                f"{r['load_before']}",
            ]
            cells += [_fmt(r.get(k)) for k in extra]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    tables = "\n".join(lines)
    text = REPORT.read_text() if REPORT.exists() else ""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = f"{before}{START}\n{tables}\n{END}{after}"
    else:
        text = f"{START}\n{tables}\n{END}\n{text}"
    REPORT.write_text(text)
    return REPORT


def _fmt(value) -> str:
    if isinstance(value, dict):
        return " / ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4f}" if value < 10 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "run":
        print(json.dumps(run_one(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    elif len(sys.argv) >= 2 and sys.argv[1] == "plan":
        chosen = PLAN
        if len(sys.argv) >= 3:
            chosen = [p for p in PLAN if p[0] in sys.argv[2:]]
        run_plan(chosen)
        print(write_report())
    elif len(sys.argv) >= 2 and sys.argv[1] == "report":
        print(write_report())
    else:
        print(__doc__)
