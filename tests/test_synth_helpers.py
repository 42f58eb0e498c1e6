"""Independent helpers for the synthetic-data tests (and tests of the helpers themselves).

``indicators_from_answers`` recomputes the default indicators from canonical baseline and result
answers, written directly from the table in DOMAIN.md ("How the canonical survey fields
operationalise them") without using any ``impact`` code. ``normalise_code`` undoes format
variations and look-alike characters of a typed linking code (default layout).
"""

from __future__ import annotations

import pandas as pd

SMALL = (
    "improved_cv",
    "expanded_network",
    "got_reference",
    "visited_workplace",
    "learned_education_paths",
    "learned_social_codes",
    "improved_swedish",
    "improved_professional_swedish",
)
LAYOUT = (("letters", 2), ("digits", 2), ("letters", 2), ("digits", 1))
TO_DIGIT = {"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"}
TO_LETTER = {v: k for k, v in TO_DIGIT.items() if k != "L"}


def _true(value) -> bool:
    return value is not pd.NA and value is not None and bool(value)


def _false(value) -> bool:
    return value is not pd.NA and value is not None and not bool(value)


def indicators_for(b: pd.Series, r: pd.Series, min_extra: int = 2, min_small: int = 5) -> dict:
    """Default indicators of one person from their baseline row ``b`` and result row ``r``."""
    employed_b = b["employment"] != "none"
    employed_r = r["employment"] in ("part_time", "full_time")
    out = {"job_from_none": (not employed_b) and employed_r}
    better = (b["employment"] == "part_time" and r["employment"] == "full_time") or (
        _false(b["job_matches_field"]) and _true(r["job_matches_field"])
    )
    out["job_upgraded"] = employed_b and _true(r["changed_job"]) and better
    out["job_changed_other"] = employed_b and _true(r["changed_job"]) and not out["job_upgraded"]
    out["got_job"] = out["job_from_none"] or out["job_upgraded"] or out["job_changed_other"]
    out["got_internship"] = _true(r["got_internship"])
    out["started_relevant_education"] = _true(r["started_relevant_education"])
    out["more_interviews"] = r["interviews_3m"] - b["interviews_3m"] >= min_extra
    out["improved_cv"] = r["cv_status"] > b["cv_status"]
    out["expanded_network"] = r["professional_contacts"] > b["professional_contacts"]
    out["got_reference"] = _true(r["has_reference"]) and not _true(b["has_reference"])
    out["visited_workplace"] = _true(r["visited_workplace"])
    out["learned_education_paths"] = r["knows_education_paths"] > b["knows_education_paths"]
    out["learned_social_codes"] = r["knows_social_codes"] > b["knows_social_codes"]
    out["improved_swedish"] = r["swedish_level"] > b["swedish_level"]
    out["improved_professional_swedish"] = (
        r["professional_swedish_level"] > b["professional_swedish_level"]
    )
    out["small_steps_count"] = sum(bool(out[k]) for k in SMALL)
    major = out["got_internship"] or out["started_relevant_education"] or out["more_interviews"]
    out["took_steps"] = (not out["got_job"]) and (major or out["small_steps_count"] >= min_small)
    out["job_or_steps"] = out["got_job"] or out["took_steps"]
    out["knows_labour_market_more"] = r["knows_labour_market"] > b["knows_labour_market"]
    return {k: (int(v) if k == "small_steps_count" else bool(v)) for k, v in out.items()}


def indicators_from_answers(study) -> pd.DataFrame:
    """Recompute the indicators of every person who answered baseline and result (first answers)."""
    persons = study.truth["persons"]
    both = persons[persons["response_baseline"].notna() & persons["response_result"].notna()]
    b = study.tables["baseline"].set_index("response_id")
    r = study.tables["result"].set_index("response_id")
    rows = {
        int(p.person): indicators_for(b.loc[p.response_baseline], r.loc[p.response_result])
        for p in both.itertuples()
    }
    return pd.DataFrame.from_dict(rows, orient="index").sort_index()


def normalise_code(typed: str) -> str:
    """Upper-case, drop spaces/dashes, and fix look-alikes by element kind (default layout)."""
    text = "".join(ch for ch in typed.upper() if ch not in " -")
    out, pos = [], 0
    for kind, length in LAYOUT:
        part = text[pos : pos + length]
        table = TO_LETTER if kind == "letters" else TO_DIGIT
        out.append("".join(table.get(ch, ch) for ch in part))
        pos += length
    return "".join(out)


def elements(code: str) -> list[str]:
    """Split a clean code into its elements."""
    out, pos = [], 0
    for _, length in LAYOUT:
        out.append(code[pos : pos + length])
        pos += length
    return out


def test_normalise_code_examples():
    # Hand-made examples of the variations named in the shared formats.
    assert normalise_code("fa07ka2") == "FA07KA2"
    assert normalise_code("FA-07-KA-2") == "FA07KA2"
    assert normalise_code("FA O7 KA 2") == "FA07KA2"
    assert normalise_code("F4O7KA2".replace("4", "A")) == "FA07KA2"
    assert normalise_code("5A1lKAZ") == "SA11KA2"


def test_indicators_for_worked_example():
    # A person without a job at baseline who has one at result: job, so no steps.
    b = pd.Series(
        {
            "employment": "none",
            "job_matches_field": pd.NA,
            "interviews_3m": 1,
            "cv_status": 1,
            "professional_contacts": 2,
            "has_reference": False,
            "knows_education_paths": 2,
            "knows_social_codes": 2,
            "swedish_level": 2,
            "professional_swedish_level": 2,
            "knows_labour_market": 2,
        }
    )
    r = b.copy()
    r.update({"employment": "full_time", "interviews_3m": 3, "professional_contacts": 5})
    for k in ("changed_job", "got_internship", "started_relevant_education", "visited_workplace"):
        r[k] = False
    r["has_reference"] = True
    got = indicators_for(b, r)
    assert got["got_job"] and got["job_from_none"] and not got["took_steps"]
    assert got["more_interviews"] and got["expanded_network"] and got["got_reference"]
    assert got["small_steps_count"] == 2
