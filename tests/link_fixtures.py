"""A small, fast generator of canonical-ish survey waves with known truth, for linking tests.

People get a self-generated code (mother's name, day of birth, place of birth, older siblings),
a birth year and a gender; later waves are answered by a (selective) subset who retype the
code with realistic slips: one element mistyped (``mistype_share``), lower case and
separators, look-alike characters, gender answered ``not_stated``, birth year off by one, and
some people answering a wave twice. ``truth`` maps every response to its person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.link.pseudonymise import Pseudonymiser

MOTHER_NAMES = [
    "FATIMA",
    "AMINA",
    "MARIA",
    "MARYAM",
    "AISHA",
    "SARA",
    "NADIA",
    "ZAINAB",
    "HAWA",
    "LEILA",
    "HALIMA",
    "KHADIJA",
    "ROYA",
    "ELENA",
    "ANNA",
    "OLGA",
    "SAMIRA",
    "NOOR",
    "HIBA",
    "RANIA",
    "YASMIN",
    "SOMAYA",
    "GULALAI",
    "PARISA",
    "TIGIST",
    "SELAM",
    "HANAN",
    "DIANA",
    "IRINA",
    "JAMILA",
    "WAFA",
    "SUAD",
    "BUSHRA",
    "LAYLA",
    "MONA",
    "NAWAL",
    "DUNIA",
    "EBTISAM",
    "URSULA",
    "QAMAR",
    "VIDA",
    "XENIA",
    "CARMEN",
    "BEATRIZ",
    "PRIYA",
    "KAVITA",
    "TANIA",
    "GRACE",
]
PLACES = [
    "DAMASCUS",
    "ALEPPO",
    "KABUL",
    "TEHRAN",
    "MOGADISHU",
    "ASMARA",
    "BAGHDAD",
    "HOMS",
    "MOSUL",
    "HERAT",
    "SHIRAZ",
    "ISTANBUL",
    "KYIV",
    "ODESA",
    "ADDIS",
    "NAIROBI",
    "LAGOS",
    "KARACHI",
    "LAHORE",
    "DHAKA",
    "MUMBAI",
    "CAIRO",
    "BEIRUT",
    "AMMAN",
    "GAZA",
    "ERBIL",
    "QUETTA",
    "TABRIZ",
    "BOGOTA",
    "LIMA",
    "MANILA",
    "YANGON",
    "ZAHEDAN",
    "VAN",
    "URMIA",
    "IDLIB",
    "SANAA",
    "JUBA",
]
SIBLING_P = np.array([0.3, 0.25, 0.18, 0.12, 0.07, 0.04, 0.02, 0.01, 0.005, 0.005])
LETTERS = "ABCDEFGHIJKLMNOPRSTUVYZ"
TO_LOOKALIKE_DIGIT_POS = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z"}
TO_LOOKALIKE_LETTER_POS = {"O": "0", "I": "1", "S": "5", "B": "8", "Z": "2"}
SECRET = "test-secret-for-linking"


@dataclass
class SyntheticStudy:
    """Waves and truth of a synthetic study (``truth``: wave, response_id, person)."""

    people: pd.DataFrame
    baseline: pd.DataFrame
    followup: pd.DataFrame | None
    result: pd.DataFrame
    randomisation: pd.DataFrame | None
    truth: pd.DataFrame


def _weights(n: int, rng: np.random.Generator) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** 0.8
    return w / w.sum()


def make_people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Draw ``n`` people with their true code parts and background."""
    mothers = rng.choice(MOTHER_NAMES, n, p=_weights(len(MOTHER_NAMES), rng))
    places = rng.choice(PLACES, n, p=_weights(len(PLACES), rng))
    education = rng.choice([1, 2, 3, 4, 5], n, p=[0.08, 0.2, 0.17, 0.33, 0.22])
    employment = rng.choice(["none", "part_time", "full_time"], n, p=[0.6, 0.25, 0.15])
    return pd.DataFrame(
        {
            "person": [f"P{i:06d}" for i in range(n)],
            "e1": [m[:2] for m in mothers],
            "e2": [f"{d:02d}" for d in rng.integers(1, 32, n)],
            "e3": [p[:2] for p in places],
            "e4": [str(s) for s in rng.choice(10, n, p=SIBLING_P)],
            "birth_year": rng.integers(1962, 2003, n),
            "gender": rng.choice(["woman", "man", "other"], n, p=[0.78, 0.2, 0.02]),
            "education_level": education,
            "employment": employment,
            "years_in_sweden": rng.gamma(2.0, 2.0, n).round(1),
            "round_id": rng.choice([f"R{i:02d}" for i in range(1, max(4, n // 50) + 1)], n),
        }
    )


def _mistype(parts: list[str], rng: np.random.Generator) -> list[str]:
    parts = parts.copy()
    which = int(rng.integers(0, 4))
    old = parts[which]
    while parts[which] == old:
        if which in (0, 2):
            i = int(rng.integers(0, 2))
            parts[which] = old[:i] + rng.choice(list(LETTERS)) + old[i + 1 :]
        elif which == 1:
            parts[which] = f"{int(rng.integers(1, 32)):02d}"
        else:
            parts[which] = str(max(0, int(old) + int(rng.choice([-1, 1]))))
    return parts


def _type_code(parts: list[str], rng: np.random.Generator, noise: float, lookalike: float) -> str:
    """How a respondent types a code: case, separators and look-alike characters."""
    chars = []
    for pos, part in enumerate(parts):
        table = TO_LOOKALIKE_LETTER_POS if pos in (0, 2) else TO_LOOKALIKE_DIGIT_POS
        typed = "".join(table[c] if c in table and rng.random() < lookalike else c for c in part)
        chars.append(typed)
    if rng.random() < noise:
        sep = rng.choice(["-", " ", ""])
        code = sep.join(chars).lower() if rng.random() < 0.7 else sep.join(chars)
        return f" {code} " if rng.random() < 0.3 else code
    return "".join(chars)


def make_wave(
    people: pd.DataFrame,
    wave: str,
    rng: np.random.Generator,
    *,
    mistype_share: float = 0.15,
    noise_share: float = 0.3,
    lookalike_share: float = 0.1,
    not_stated_share: float = 0.05,
    birth_year_slip: float = 0.02,
    duplicate_share: float = 0.02,
    start: str = "2024-01-15",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One wave answered by ``people`` (rows in order), with typing slips; returns (wave, truth)."""
    n = len(people)
    rows = []
    for i, person in enumerate(people.itertuples(index=False)):
        parts = [person.e1, person.e2, person.e3, person.e4]
        if rng.random() < mistype_share:
            parts = _mistype(parts, rng)
        by = int(person.birth_year)
        if rng.random() < birth_year_slip:
            by += int(rng.choice([-1, 1]))
        gender = "not_stated" if rng.random() < not_stated_share else person.gender
        rows.append(
            {
                "response_id": f"{wave}-{i:06d}",
                "round_id": person.round_id,
                "submitted_at": pd.Timestamp(start)
                + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 20))),
                "link_code": _type_code(parts, rng, noise_share, lookalike_share),
                "birth_year": by,
                "gender": gender,
                "person": person.person,
            }
        )
    frame = pd.DataFrame(rows)
    n_dup = int(round(duplicate_share * n))
    if n_dup:
        dup = frame.sample(n=n_dup, random_state=np.random.RandomState(rng.integers(2**31)))
        dup = dup.assign(
            response_id=[f"{wave}-dup{i:05d}" for i in range(n_dup)],
            submitted_at=dup["submitted_at"] + pd.Timedelta(days=1),
        )
        frame = pd.concat([frame, dup], ignore_index=True)
    truth = frame[["response_id", "person"]].assign(wave=wave)
    frame = frame.drop(columns="person")
    frame["response_id"] = frame["response_id"].astype("string")
    frame["round_id"] = frame["round_id"].astype("string")
    frame["link_code"] = frame["link_code"].astype("string")
    frame["gender"] = frame["gender"].astype("string")
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    return frame, truth


def _answers(
    frame: pd.DataFrame,
    people: pd.DataFrame,
    truth: pd.DataFrame,
    later: bool,
    rng: np.random.Generator,
) -> pd.DataFrame:
    info = people.set_index("person").loc[truth["person"].to_numpy()]
    employment = info["employment"].to_numpy().copy()
    if later:
        gets_job = (employment == "none") & (rng.random(len(employment)) < 0.3)
        employment[gets_job] = "part_time"
    frame["employment"] = pd.array(employment, dtype="string")
    frame["interviews_3m"] = pd.array(rng.poisson(1.5, len(frame)), dtype="Int64")
    if not later:
        frame["education_level"] = pd.array(info["education_level"].to_numpy(), dtype="Int64")
        frame["years_in_sweden"] = pd.array(info["years_in_sweden"].to_numpy(), dtype="Float64")
    else:
        frame["satisfaction"] = pd.array(rng.integers(1, 6, len(frame)), dtype="Int64")
    return frame


def respond(people: pd.DataFrame, rate: float, rng: np.random.Generator) -> pd.DataFrame:
    """A selective subset: the employed and the less educated answer later waves less often."""
    p = rate * np.where(people["employment"] == "full_time", 0.75, 1.0)
    p = p * np.where(people["education_level"] <= 2, 0.85, 1.05)
    return people[rng.random(len(people)) < np.clip(p, 0, 1)]


def make_study(
    n: int,
    *,
    seed: int,
    response_rate: float = 0.7,
    newcomer_share: float = 0.03,
    followups: int = 0,
    randomised: bool = False,
    baseline_errors: bool = True,
    **errors: float,
) -> SyntheticStudy:
    """A synthetic study of ``n`` people: baseline, optional follow-ups, result, truth.

    Parameters
    ----------
    n : int
        People answering baseline (or randomised, when ``randomised``).
    seed : int
        Seed for ``numpy.random.default_rng``.
    response_rate : float
        Approximate share answering each later wave.
    newcomer_share : float
        Share of result respondents who never answered baseline (extra people).
    followups : int
        Number of follow-up waves.
    randomised : bool
        Add a randomisation list (study_id, arm, stratum); 30 % of randomised people never
        answer baseline; waves then carry ``study_id`` for half of the respondents.
    baseline_errors : bool
        Whether baseline codes are mistyped too (else only later waves differ from the
        person's code: "x % of people mistype one element").
    **errors
        Passed to :func:`make_wave` (``mistype_share``, ``duplicate_share``, …).
    """
    rng = np.random.default_rng(seed)
    n_new = int(round(newcomer_share * n))
    people = make_people(n + n_new, rng)
    newcomers = people.iloc[n:]
    people_main = people.iloc[:n]
    randomisation = None
    if randomised:
        people_main = people_main.assign(
            study_id=[f"S{i:05d}" for i in range(n)],
            arm=rng.choice(["treatment", "control"], n),
        )
        randomisation = pd.DataFrame(
            {
                "study_id": pd.array(people_main["study_id"], dtype="string"),
                "round_id": pd.array(people_main["round_id"], dtype="string"),
                "arm": pd.array(people_main["arm"], dtype="string"),
                "stratum": pd.array(people_main["gender"], dtype="string"),
                "randomised_on": pd.Timestamp("2024-01-01"),
                "link_code": pd.array(
                    [
                        f"{a}{b}{c}{d}"
                        for a, b, c, d in people_main[["e1", "e2", "e3", "e4"]].itertuples(
                            index=False
                        )
                    ],
                    dtype="string",
                ),
                "birth_year": pd.array(people_main["birth_year"], dtype="Int64"),
                "gender": pd.array(people_main["gender"], dtype="string"),
            }
        )
        base_people = people_main[rng.random(n) < 0.7]
    else:
        base_people = people_main
    base_errors = (
        errors if baseline_errors else {**errors, "mistype_share": 0.0, "birth_year_slip": 0.0}
    )
    baseline, truth_b = make_wave(base_people, "b", rng, **base_errors)
    baseline = _answers(baseline, people, truth_b, False, rng)
    truths = [truth_b]
    followup = None
    if followups:
        frames = []
        for k in range(1, followups + 1):
            who = respond(base_people, response_rate, rng)
            f, t = make_wave(who, f"f{k}", rng, start="2024-04-01", **errors)
            f["followup_number"] = pd.array([k] * len(f), dtype="Int64")
            f["employment"] = pd.array(rng.choice(["none", "part_time"], len(f)), dtype="string")
            frames.append(f)
            truths.append(t)
        followup = pd.concat(frames, ignore_index=True)
    who = pd.concat([respond(base_people, response_rate, rng), newcomers])
    result, truth_r = make_wave(who, "r", rng, start="2024-09-01", **errors)
    result = _answers(result, people, truth_r, True, rng)
    truths.append(truth_r)
    if randomised:
        sid = people.set_index("person")["study_id"] if "study_id" in people else None
        sid = people_main.set_index("person")["study_id"]
        for frame, t in [(baseline, truth_b), (result, truth_r)]:
            ids = sid.reindex(t["person"].to_numpy()).to_numpy()
            keep = rng.random(len(frame)) < 0.5
            frame["study_id"] = pd.array(np.where(keep, ids, None), dtype="string")
    return SyntheticStudy(
        people=people,
        baseline=baseline,
        followup=followup,
        result=result,
        randomisation=randomisation,
        truth=pd.concat(truths, ignore_index=True),
    )


def record_pseudonyms(truth: pd.DataFrame, secret: str = SECRET) -> pd.DataFrame:
    """Truth with the pseudonymised record id each response gets in the linking outputs."""
    pseud = Pseudonymiser(secret.encode())
    out = truth.copy()
    out["record"] = [
        pseud.hash(r, f"record:{w}") for r, w in zip(out["response_id"], out["wave"], strict=True)
    ]
    return out


def pair_accuracy(
    panel: pd.DataFrame,
    pairs: pd.DataFrame,
    truth: pd.DataFrame,
    wave: str,
    secret: str = SECRET,
    spine_wave: str = "b",
) -> dict[str, float]:
    """Precision, recall and F1 of the spine↔``wave`` links against the truth.

    A predicted link (spine record, wave record) is correct when both responses belong to the
    same person (precision: share of links that are correct). Recall is the share of linkable
    people (a response in both waves) with at least one correct link.
    """
    known = record_pseudonyms(truth, secret).set_index("record")["person"]
    links = pairs[(pairs["wave"] == wave) & (pairs["spine_wave"] == spine_wave)]
    p_spine = known.reindex(links["spine_record"].to_numpy()).to_numpy()
    p_wave = known.reindex(links["record"].to_numpy()).to_numpy()
    right = p_spine == p_wave
    correct = int(right.sum())
    people_found = len(set(p_spine[right]))
    both = set(truth.loc[truth["wave"] == spine_wave, "person"]) & set(
        truth.loc[truth["wave"] == wave, "person"]
    )
    precision = correct / len(links) if len(links) else float("nan")
    recall = people_found / len(both) if both else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "predicted": len(links),
        "true": len(both),
        "correct": correct,
    }
