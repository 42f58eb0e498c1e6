"""Per-person time to first job: the interval rules, censoring, options and bad input."""

import numpy as np
import pandas as pd
import pytest

from impact.analysis.timing import bound_times, exclusion_counts, job_times, person_periods
from impact.errors import InputError

NA = None


def panel(rows):
    """rows: (arm, b, f1, f1_start, f2, f2_start, r)."""
    cols = [
        "arm",
        "b_employment",
        "f1_employment",
        "f1_job_start_month",
        "f2_employment",
        "f2_job_start_month",
        "r_employment",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    for c in cols:
        if c.endswith("start_month"):
            frame[c] = pd.array(frame[c], dtype="Int64")
        else:
            frame[c] = frame[c].astype("string")
    frame.insert(0, "person_id", [f"p{i}" for i in range(len(frame))])
    return frame


CASES = panel(
    [
        ("treatment", "none", "part_time", 1, NA, NA, NA),  # job by f1, reported month 1
        ("control", "none", "none", NA, "full_time", NA, NA),  # job in (2, 5], not reported
        ("control", "none", NA, NA, "none", NA, "full_time"),  # job in (5, 7]
        ("treatment", "none", "none", NA, NA, NA, NA),  # censored at 2
        ("treatment", "none", NA, NA, NA, NA, "none"),  # censored at 7
        ("control", "full_time", "full_time", NA, NA, NA, "full_time"),  # employed at baseline
        ("control", NA, "none", NA, NA, NA, "part_time"),  # no baseline
        ("treatment", "none", NA, NA, NA, NA, NA),  # no follow-up answer
        (NA, "none", "part_time", 0, NA, NA, NA),  # no arm
        (
            "treatment",
            "none",
            "none",
            NA,
            "part_time",
            1,
            NA,
        ),  # start 1 contradicts f1 → clipped to 2
        ("control", "none", NA, NA, "part_time", 4, "none"),  # later job loss does not matter
    ]
)


def test_interval_rules_with_reported_months():
    t = job_times(CASES)
    assert list(t["included"]) == [True] * 5 + [False] * 4 + [True] * 2
    assert list(t["exclusion"][5:9]) == [
        "employed_at_baseline",
        "no_baseline",
        "no_followup",
        "missing_group",
    ]
    got = t.loc[t["included"], ["event", "time", "interval_lower", "interval_upper"]].to_numpy()
    expected = [
        [1, 1, 0, 2],
        [1, 5, 2, 5],
        [1, 7, 5, 7],
        [0, 2, 2, np.inf],
        [0, 7, 7, np.inf],
        [1, 2, 2, 5],
        [1, 4, 0, 5],
    ]
    np.testing.assert_array_equal(got, expected)
    assert t["start_clipped"].sum() == 1
    assert list(t.loc[t["included"], "event_wave"]) == ["f1", "f2", "r", "", "", "f2", "f2"]


def test_right_and_midpoint_imputation():
    right = job_times(CASES, imputation="right")
    assert list(right.loc[right["included"], "time"]) == [2, 5, 7, 2, 7, 5, 5]
    mid = job_times(CASES, imputation="midpoint")
    assert list(mid.loc[mid["included"], "time"]) == [1, 3.5, 6, 2, 7, 2, 4]


def test_employed_at_baseline_as_event_at_start():
    t = job_times(CASES, employed_at_baseline="event_at_start")
    row = t.iloc[5]
    assert row["included"] and row["event"] == 1 and row["time"] == 0 and row["event_wave"] == "b"
    counts = exclusion_counts(t)
    assert "employed_at_baseline" not in set(counts["reason"])
    assert counts.loc[counts["reason"] == "analysed", "n"].sum() == 8


def test_exclusion_counts_by_reason_and_group():
    counts = exclusion_counts(job_times(CASES))
    assert counts["n"].sum() == len(CASES)
    assert counts["reason"].iloc[0] == "analysed"
    assert counts.loc[counts["reason"] == "employed_at_baseline", "group"].tolist() == ["control"]


def test_custom_wave_months_and_single_group():
    frame = CASES.drop(columns=["f2_employment", "f2_job_start_month"])
    t = job_times(frame, wave_months={"b": 0, "f1": 3, "r": 8}, group=None)
    assert set(t["group"]) == {"all"}
    assert t.loc[2, "time"] == 8 and t.loc[2, "interval_lower"] == 0


def test_bounds_bracket_unreported_jobs():
    t = job_times(CASES)
    b = bound_times(t)
    used = t["included"]
    assert list(b["earliest"][used]) == [1, 3, 6, 2, 7, 2, 4]
    assert list(b["latest"][used]) == [1, 5, 7, 2, 7, 2, 4]


def test_person_periods_follow_the_waves():
    t = job_times(CASES)
    pp = person_periods(t, [2, 5, 7])
    per_person = pp.groupby("row")["period"].max().tolist()
    assert per_person == [1, 2, 3, 1, 3, 2, 2]
    assert pp.groupby("row")["job"].sum().tolist() == [1, 1, 1, 0, 0, 1, 1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.assign(f1_employment="sometimes"), "f1_employment"),
        (
            lambda d: d.assign(f2_job_start_month=pd.array([-1] * len(d), dtype="Int64")),
            "f2_job_start_month",
        ),
        (lambda d: d.drop(columns="r_employment"), "r_employment"),
        (lambda d: d.drop(columns="arm"), "arm"),
    ],
)
def test_bad_panels_name_the_column(change, message):
    with pytest.raises(InputError, match=message):
        job_times(change(CASES))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"imputation": "left"}, "imputation"),
        ({"employed_at_baseline": "keep"}, "employed_at_baseline"),
        ({"wave_months": {"f1": 2}}, "baseline"),
        ({"wave_months": {"b": 0, "f1": 2, "r": 2}}, "distinct"),
        ({"wave_months": {"b": 0, "r": "seven"}}, "numbers"),
        ({"wave_months": {"b": 0}}, "after baseline"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(InputError, match=message):
        job_times(CASES, **kwargs)


def test_not_a_dataframe():
    with pytest.raises(InputError, match="DataFrame"):
        job_times([1, 2, 3])
