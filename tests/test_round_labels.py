"""A round label that changed between waves is an input problem naming both labels and files."""

from __future__ import annotations

import pandas as pd

from impact.ingest import SourceFile, StudyData
from impact.ingest.round_labels import round_label_problems

CODES = ["AB12CD3", "EF45GH6", "IJ78KL9", "MN01OP2", "QR34ST5", "UV67WX8"]


def _wave(rounds: list[str], codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"round_id": pd.array(rounds, dtype="string"), "link_code": pd.array(codes, "string")}
    )


def _study(**tables: list[tuple[str, pd.DataFrame]]) -> StudyData:
    """Tables stacked from named files, with the files' row counts as sources."""
    sources, stacked = [], {}
    for table, files in tables.items():
        for path, frame in files:
            sources.append(SourceFile(table, path, None, len(frame), 0))
        stacked[table] = pd.concat([f for _, f in files], ignore_index=True)
    return StudyData(**stacked, sources=sources)


BASELINE = [("/in/baseline.csv", _wave(["R01"] * 3 + ["R03"] * 3, CODES))]


def test_same_labels_in_every_wave_are_fine():
    data = _study(baseline=BASELINE, result=[("/in/result.csv", _wave(["R01", "R03"], CODES[2:4]))])
    assert round_label_problems(data) == []


def test_a_changed_label_names_both_labels_files_people_and_the_fix():
    result = _wave(["R01", "R3", "R3", "R3"], [CODES[0], CODES[3], CODES[4], "ZZ99ZZ9"])
    data = _study(baseline=BASELINE, result=[("/in/result.csv", result)])
    (problem,) = round_label_problems(data)
    assert (problem.source, problem.column, problem.value) == ("/in/result.csv", "round_id", "R3")
    assert problem.expected == (
        "a round label of the baseline (baseline.csv); 'R3' (3 answer(s) in this file) is not "
        "one — 2 of these 3 people gave a linking code that answered the baseline in round "
        "'R03' (3 baseline answer(s)). A round label that changed between waves splits the "
        "round in two and leaves its people unlinked"
    )
    assert problem.fix == (
        "use one label per round in every wave: correct the export, or map the label in the "
        "mapping file (inputs.mapping): values: {round_id: {'R3': 'R03'}}"
    )


def test_codes_are_compared_as_the_linking_step_normalises_them():
    # typed in lower case with spaces: still the baseline's code
    result = _wave(["Omgång 3"], ["mn 01 op 2"])
    data = _study(baseline=BASELINE, result=[("/in/result.csv", result)])
    (problem,) = round_label_problems(data)
    assert "1 of these 1 people gave a linking code that answered the baseline in round 'R03'" in (
        problem.expected
    )


def test_without_linked_people_the_round_number_suggests_the_label():
    data = _study(baseline=BASELINE, followup=[("/in/f1.csv", _wave(["Omgång 1"], ["ZZ99ZZ9"]))])
    (problem,) = round_label_problems(data)
    assert problem.source == "/in/f1.csv"
    assert "it looks like baseline round 'R01'" in problem.expected
    assert "values: {round_id: {'Omgång 1': 'R01'}}" in problem.fix


def test_an_unrelated_label_lists_the_baseline_rounds():
    data = _study(baseline=BASELINE, result=[("/in/result.csv", _wave(["Höst"], ["ZZ99ZZ9"]))])
    (problem,) = round_label_problems(data)
    assert "no code links it to a baseline round (baseline rounds: 'R01', 'R03')" in (
        problem.expected
    )


def test_each_file_of_a_wave_is_named():
    data = _study(
        baseline=BASELINE,
        followup=[
            ("/in/f1.csv", _wave(["R01"], [CODES[0]])),
            ("/in/f2.csv", _wave(["R1"], [CODES[1]])),
        ],
    )
    (problem,) = round_label_problems(data)
    assert (problem.source, problem.value) == ("/in/f2.csv", "R1")
    assert "in round 'R01'" in problem.expected


def test_a_baseline_without_rounds_is_not_checked():
    baseline = pd.DataFrame({"link_code": pd.array(CODES, "string")})
    data = _study(
        baseline=[("/in/baseline.csv", baseline)],
        result=[("/in/result.csv", _wave(["R9"], CODES[:1]))],
    )
    assert round_label_problems(data) == []


def test_a_randomised_round_not_yet_surveyed_is_fine_but_a_relabelled_one_is_not():
    randomisation = _wave(["R04", "R04", "Omg 1"], ["ZZ99ZZ9", "YY88YY8", CODES[0]])
    data = _study(baseline=BASELINE, randomisation=[("/in/rand.csv", randomisation)])
    (problem,) = round_label_problems(data)
    assert (problem.source, problem.value) == ("/in/rand.csv", "Omg 1")
    assert "answered the baseline in round 'R01'" in problem.expected
