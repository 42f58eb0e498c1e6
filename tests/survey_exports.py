"""Fixture exports: one synthetic cohort with known truth, written as each survey tool writes it.

:func:`write_layout` writes a study folder (``study.yaml``, the mapping, the baseline and result
exports) for one layout of :data:`LAYOUTS`. Every layout holds the same people and answers,
with the tool's real nuisances: header rows, meta columns, byte-order marks, Windows-1252,
decomposed letters (NFD), trailing spaces, US dates, Excel serial dates, duplicate
submissions (from the cohort) and rows that are not real responses (previews, tests,
unfinished or rejected answers; :data:`EXPECTED_DROPS` says how many per layout).

The result survey asks the three "what did you do during the programme" items as one
checkbox question (:data:`CHECKBOX`) with a "none of these" and an "other" option. A
respondent with no item true ticks "none of these" or leaves the question blank; the blank
ones answered the next question on the page, so the mapping's rule ``page`` decides them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from impact.synth import programme_study
from impact.synth.codes import CodeNoise
from impact.synth.exports import _raw_cell
from impact.synth.labels import mapping_path, reverse_mapping

SEED = 19
N_PARTICIPANTS = 200
CHECKBOX = "Vad av följande har du gjort under programmet? (flera svar möjliga)"
OPTIONS = {
    "Fått en praktikplats": "got_internship",
    "Påbörjat en utbildning inom mitt yrkesområde": "started_relevant_education",
    "Besökt en arbetsplats inom mitt yrkesområde": "visited_workplace",
}
NONE_OPTION = "Inget av detta"
OTHER_OPTION = "Annat"
CHECKBOX_FIELDS = list(OPTIONS.values())
#: The Stata layout's variable names of the checkbox options (option text → variable).
STATA_OPTIONS = {
    "Fått en praktikplats": "cb_internship",
    "Påbörjat en utbildning inom mitt yrkesområde": "cb_education",
    "Besökt en arbetsplats inom mitt yrkesområde": "cb_workplace",
    NONE_OPTION: "cb_none",
    OTHER_OPTION: "cb_other",
}
_META = ("response_id", "submitted_at")

#: Rows each layout adds that are not real responses: {layout: {reason: rows}}.
EXPECTED_DROPS: dict[str, dict[str, int]] = {
    "qualtrics_csv": {
        "preview, test or spam response (Status)": 2,
        "unfinished response (Finished = False)": 2,
    },
    "qualtrics_sav": {
        "preview, test or spam response (Status)": 2,
        "unfinished response (Finished = False)": 2,
    },
    "limesurvey": {"incomplete response (no Date submitted)": 3},
    "kobo_xlsx": {"response marked 'Not approved' in KoboToolbox (_validation_status)": 2},
    "kobo_csv": {"response marked 'Not approved' in KoboToolbox (_validation_status)": 2},
    "netigate": {"unfinished response (Status is not Completed)": 2},
    "typeform": {"partial response (no Submit Date)": 2},
}


@dataclass(frozen=True)
class Cohort:
    """The cohort: canonical tables, person truth and how each result row ticks the question.

    Attributes
    ----------
    baseline, result : DataFrame
        Canonical tables (result without the checkbox question's answers being special).
    persons : DataFrame
        The person truth of :func:`impact.synth.programme_study`.
    ticks : DataFrame
        Per result row: one bool column per option label, ``none`` (ticked "none of these"),
        ``other`` (text written in "other", or ``""``).
    """

    baseline: pd.DataFrame
    result: pd.DataFrame
    persons: pd.DataFrame
    ticks: pd.DataFrame


@lru_cache(maxsize=1)
def cohort() -> Cohort:
    """The one cohort every layout is written from (deterministic)."""
    noise = CodeNoise(typo_rate=0.0, lookalike_rate=0.0, gender_not_stated_rate=0.0)
    study = programme_study(seed=SEED, n_participants=N_PARTICIPANTS, n_rounds=4, noise=noise)
    result = study.tables["result"]
    rng = np.random.default_rng(SEED)
    ticks = pd.DataFrame({label: result[f].fillna(False) for label, f in OPTIONS.items()})
    ticks = ticks.astype(bool)
    nothing = ~ticks.any(axis=1)
    ticks["none"] = nothing & (rng.random(len(result)) < 0.5)
    wrote_other = rng.random(len(result)) < 0.1
    ticks["other"] = np.where(wrote_other, "Mentorträffar", "")
    return Cohort(study.tables["baseline"], result, study.truth["persons"], ticks)


def _cells(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Answer labels as the Swedish questionnaire writes them, headed by the question texts."""
    rmap = reverse_mapping()
    columns = [c for c in frame.columns if c not in _META and c not in CHECKBOX_FIELDS]
    if frame["study_id"].isna().all():
        columns.remove("study_id")
    out = {}
    for column in columns:
        dtype = frame[column].dtype
        out[rmap.header(table, column)] = [_raw_cell(v, column, dtype, rmap) for v in frame[column]]
    return pd.DataFrame(out)


def _tables():
    """(table, canonical frame, answer cells) of the baseline and the result survey."""
    c = cohort()
    for table, frame in (("baseline", c.baseline), ("result", c.result)):
        yield table, frame, _cells(frame, table)


def _bogus(cells: pd.DataFrame, n: int, tag: str) -> pd.DataFrame:
    """``n`` rows that are not real responses: copies with made-up codes (would add people)."""
    rows = cells.head(n).copy()
    code = reverse_mapping().header("result", "link_code")
    rows[code] = [f"{tag}{k}XX9" for k in range(n)]
    return rows


def _times(frame: pd.DataFrame) -> list[dt.datetime]:
    return [pd.Timestamp(t).to_pydatetime() for t in frame["submitted_at"]]


def _us(stamp: dt.datetime, am_pm: bool) -> str:
    if am_pm:
        return stamp.strftime("%m/%d/%Y %I:%M:%S %p")
    return f"{stamp.month}/{stamp.day}/{stamp.year} {stamp:%H:%M:%S}"


def _excel_serial(stamp: dt.datetime) -> float:
    return (stamp - dt.datetime(1899, 12, 30)).total_seconds() / 86400


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _ticked_labels(ticks: pd.Series) -> list[str]:
    labels = [label for label in OPTIONS if ticks[label]]
    if ticks["none"]:
        labels.append(NONE_OPTION)
    if ticks["other"]:
        labels.append(OTHER_OPTION)
    return labels


def _write_xlsx(path: Path, rows: list[list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


# ----------------------------------------------------------------------------- layouts
# Each writer returns {table: file name} after writing into ``folder``.


def _google_forms(folder: Path) -> dict[str, str]:
    c = cohort()
    files = {}
    for table, frame, cells in _tables():
        header = ["Timestamp", *cells.columns]
        if table == "result":
            header.append(CHECKBOX)
        rows = [header]
        for k, when in enumerate(_times(frame)):
            row = [_us(when, am_pm=False), *cells.iloc[k]]
            if table == "result":
                ticks = c.ticks.iloc[k]
                labels = [t for t in _ticked_labels(ticks) if t != OTHER_OPTION]
                row.append(", ".join(labels + ([ticks["other"]] if ticks["other"] else [])))
            rows.append(row)
        name = f"{table}.csv"
        (folder / name).write_text(_csv_text(rows), encoding="utf-8")
        files[table] = name
    return files


def _microsoft_forms(folder: Path) -> dict[str, str]:
    c = cohort()
    files = {}
    for table, frame, cells in _tables():
        header = ["ID", "Start time", "Completion time", "Email", "Name", *cells.columns]
        if table == "result":
            header.append(CHECKBOX)
        rows: list[list[object]] = [header]
        for k, when in enumerate(_times(frame)):
            start = when - dt.timedelta(minutes=7)
            row: list[object] = [k + 1, start, when, "anonymous", "", *cells.iloc[k]]
            if table == "result":
                ticks = c.ticks.iloc[k]
                labels = [t for t in _ticked_labels(ticks) if t != OTHER_OPTION]
                labels += [ticks["other"]] if ticks["other"] else []
                row.append("".join(f"{label};" for label in labels))
            rows.append(row)
        name = f"{table}.xlsx"
        _write_xlsx(folder / name, rows)
        files[table] = name
    return files


def _surveymonkey(folder: Path) -> dict[str, str]:
    c = cohort()
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    files = {}
    for table, frame, cells in _tables():
        top = [*meta, *cells.columns]
        second = [""] * len(meta) + ["Response"] * len(cells.columns)
        if table == "result":
            options = [*OPTIONS, NONE_OPTION, "Annat (ange)"]
            top += [CHECKBOX] + [""] * (len(options) - 1)
            second += options
        rows = [top, second]
        for k, when in enumerate(_times(frame)):
            start = when - dt.timedelta(minutes=9)
            ids = [str(11400000000 + k), "431234567", _us(start, True), _us(when, True), ""]
            row = [*ids, *cells.iloc[k]]
            if table == "result":
                ticks = c.ticks.iloc[k]
                row += [label if ticks[label] else "" for label in OPTIONS]
                row += [NONE_OPTION if ticks["none"] else "", ticks["other"]]
            rows.append(row)
        name = f"{table}.csv"
        (folder / name).write_text(_csv_text(rows), encoding="utf-8-sig")
        files[table] = name
    return files


_QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Stockholm"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Stockholm"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]
_Q = "Q20"


def _qualtrics_rows(table: str) -> tuple[list[list[str]], pd.DataFrame, list[dict]]:
    """Tags, texts, import ids; the answer cells (with bogus rows on top); per-row meta."""
    c = cohort()
    frame = c.baseline if table == "baseline" else c.result
    cells = _cells(frame, table)
    bogus = _bogus(cells, 4, "QX")
    tags = [m[0] for m in _QUALTRICS_META] + [f"Q{k + 1}" for k in range(len(cells.columns))]
    texts = [m[1] for m in _QUALTRICS_META] + list(cells.columns)
    imports = [m[2] for m in _QUALTRICS_META] + [
        f'{{"ImportId":"QID{k + 1}"}}' for k in range(len(cells.columns))
    ]
    if table == "result":
        labels = [*OPTIONS, NONE_OPTION, OTHER_OPTION]
        for k, label in enumerate(labels, start=1):
            tags.append(f"{_Q}_{k}")
            texts.append(f"{CHECKBOX} - {label}")
            imports.append(f'{{"ImportId":"QID20","choiceId":"{k}"}}')
        tags.append(f"{_Q}_{len(labels)}_TEXT")
        texts.append(f"{CHECKBOX} - {OTHER_OPTION} - Text")
        imports.append('{"ImportId":"QID20_5_TEXT"}')
    times = _times(frame)
    meta = []
    statuses = ["Survey Preview", "Survey Preview", "IP Address", "IP Address"]
    finished = [True, True, False, False]
    for k in range(len(bogus)):
        meta.append({"status": statuses[k], "finished": finished[k], "when": times[0], "k": 0})
    for k, when in enumerate(times):
        meta.append({"status": "IP Address", "finished": True, "when": when, "k": k})
    return [tags, texts, imports], pd.concat([bogus, cells], ignore_index=True), meta


def _qualtrics_checkbox(k: int) -> list[str]:
    ticked = _ticked_labels(cohort().ticks.iloc[k])
    cells = [label if label in ticked else "" for label in [*OPTIONS, NONE_OPTION, OTHER_OPTION]]
    return [*cells, cohort().ticks.iloc[k]["other"]]


def _qualtrics_csv(folder: Path) -> dict[str, str]:
    files = {}
    for table in ("baseline", "result"):
        header, cells, meta = _qualtrics_rows(table)
        rows = list(header)
        for n, m in enumerate(meta):
            when = m["when"]
            row = [
                f"{when - dt.timedelta(minutes=8):%Y-%m-%d %H:%M:%S}",
                f"{when:%Y-%m-%d %H:%M:%S}",
                m["status"],
                "",
                "100" if m["finished"] else "40",
                "480",
                "True" if m["finished"] else "False",
                f"{when:%Y-%m-%d %H:%M:%S}",
                f"R_{n:015d}",
                "anonymous",
                "sv",
                *cells.iloc[n],
            ]
            if table == "result":
                row += _qualtrics_checkbox(m["k"])
            rows.append(row)
        name = f"{table}.csv"
        (folder / name).write_text(_csv_text(rows), encoding="utf-8-sig")
        files[table] = name
    return files


def _coded(data: dict, value_labels: dict, name: str, table: str, header: str, column: list):
    """One answer column as a labelled SPSS/Stata variable: codes 1… with the answer labels."""
    rmap = reverse_mapping()
    own = cohort().baseline if table == "baseline" else cohort().result
    field = {rmap.header(table, f): f for f in own.columns}[header]
    codes = rmap.labels.get(field)
    if codes is not None:
        choices = list(dict.fromkeys(codes.values()))
    elif all(v in ("", rmap.true_label, rmap.false_label) for v in column):
        choices = [rmap.true_label, rmap.false_label]
    else:
        data[name] = column
        return
    value_labels[name] = {k + 1: label for k, label in enumerate(choices)}
    lookup = {label: k + 1 for k, label in enumerate(choices)}
    data[name] = [lookup.get(v, np.nan) for v in column]


def _qualtrics_sav(folder: Path) -> dict[str, str]:
    import pyreadstat

    files = {}
    for table in ("baseline", "result"):
        (tags, texts, _), cells, meta = _qualtrics_rows(table)
        data: dict[str, list] = {
            "Status": [1 if m["status"] == "Survey Preview" else 0 for m in meta],
            "Finished": [1 if m["finished"] else 0 for m in meta],
            "RecordedDate": [m["when"] for m in meta],
            "ResponseId": [f"R_{n:015d}" for n in range(len(meta))],
        }
        value_labels: dict[str, dict] = {
            "Status": {0: "IP Address", 1: "Survey Preview"},
            "Finished": {0: "False", 1: "True"},
        }
        labels = {"Status": "Response Type", "Finished": "Finished"}
        labels |= {"RecordedDate": "Recorded Date", "ResponseId": "Response ID"}
        skip = len(_QUALTRICS_META)
        for tag, text in zip(tags[skip:], texts[skip:], strict=True):
            labels[tag] = text
            if not tag.startswith(f"{_Q}_"):
                _coded(data, value_labels, tag, table, text, list(cells[text]))
        if table == "result":
            ticks = [_qualtrics_checkbox(m["k"]) for m in meta]
            options = [*OPTIONS, NONE_OPTION, OTHER_OPTION]
            for k, label in enumerate(options):
                tag = f"{_Q}_{k + 1}"
                data[tag] = [1 if row[k] else np.nan for row in ticks]
                value_labels[tag] = {1: label}
            data[f"{_Q}_{len(options)}_TEXT"] = [row[-1] for row in ticks]
        frame = pd.DataFrame(data)
        name = f"{table}.sav"
        pyreadstat.write_sav(
            frame,
            str(folder / name),
            column_labels=[labels.get(c, c) for c in frame.columns],
            variable_value_labels=value_labels,
        )
        files[table] = name
    return files


def _stata(folder: Path) -> dict[str, str]:
    """A generic Stata file: canonical variable names (Stata labels are too short for the
    question texts), coded answers with value labels, the checkbox as one variable per option
    (:data:`STATA_OPTIONS`, 1 Ja / 0 Nej, blank when the question was skipped)."""
    import pyreadstat

    c = cohort()
    rmap = reverse_mapping()
    files = {}
    for table, frame, cells in _tables():
        fields = {rmap.header(table, f): f for f in frame.columns}
        data: dict[str, list] = {
            "response_id": list(frame["response_id"]),
            "submitted_at": _times(frame),
        }
        value_labels: dict[str, dict] = {}
        for header in cells.columns:
            _coded(data, value_labels, fields[header], table, header, list(cells[header]))
        if table == "result":
            for option, name in STATA_OPTIONS.items():
                value_labels[name] = {1: "Ja", 0: "Nej"}
                column = []
                for _, ticks in c.ticks.iterrows():
                    ticked = _ticked_labels(ticks)
                    column.append(np.nan if not ticked else float(option in ticked))
                data[name] = column
        name = f"{table}.dta"
        pyreadstat.write_dta(
            pd.DataFrame(data), str(folder / name), variable_value_labels=value_labels
        )
        files[table] = name
    return files


def _limesurvey(folder: Path) -> dict[str, str]:
    c = cohort()
    meta = ["Response ID", "Date submitted", "Last page", "Start language", "Seed"]
    files = {}
    for table, frame, cells in _tables():
        cells = cells.map(lambda v: f"{v} " if v in ("Kvinna", "Man") else v)  # trailing space
        bogus = _bogus(cells, 3, "LS")
        header = [*meta, *(f"{h} " for h in cells.columns)]
        if table == "result":
            header += [f"{CHECKBOX} [{o}]" for o in [*OPTIONS, NONE_OPTION, OTHER_OPTION]]
            header.append(f"{CHECKBOX} [Övrigt]")
        rows = [header]
        times = _times(frame)
        for k in range(len(bogus)):
            rows.append([str(9000 + k), "", "1", "sv", "123", *bogus.iloc[k]])
            if table == "result":
                rows[-1] += [""] * (len(OPTIONS) + 3)
        for k, when in enumerate(times):
            row = [str(k + 1), f"{when:%Y-%m-%d %H:%M:%S}", "3", "sv", "4711", *cells.iloc[k]]
            if table == "result":
                ticks = c.ticks.iloc[k]
                ticked = _ticked_labels(ticks)
                row += ["Ja" if o in ticked else "" for o in [*OPTIONS, NONE_OPTION, OTHER_OPTION]]
                row.append(ticks["other"])
            rows.append(row)
        name = f"{table}.csv"
        text = _csv_text(rows)
        (folder / name).write_text(text, encoding="utf-8")
        files[table] = name
    return files


def _kobo(folder: Path, split: bool, suffix: str) -> dict[str, str]:
    c = cohort()
    files = {}
    options = [*OPTIONS, NONE_OPTION, OTHER_OPTION]
    for table, frame, cells in _tables():
        bogus = _bogus(cells, 2, "KB")
        header = ["start", "end", "today", "deviceid", *cells.columns]
        if table == "result":
            header.append(CHECKBOX)
            if split:
                header += [f"{CHECKBOX}/{o}" for o in options]
        header += ["_id", "_uuid", "_submission_time", "_validation_status", "_index"]
        rows: list[list[object]] = [header]
        every = [(k, True) for k in range(len(bogus))] + [(k, False) for k in range(len(cells))]
        times = _times(frame)
        for n, (k, fake) in enumerate(every):
            when = times[k]
            source = bogus if fake else cells
            row: list[object] = [
                f"{when - dt.timedelta(minutes=6):%Y-%m-%dT%H:%M:%S}.000+01:00",
                f"{when:%Y-%m-%dT%H:%M:%S}.000+01:00",
                f"{when:%Y-%m-%d}",
                "ee.kobotoolbox.org:abc",
                *source.iloc[k],
            ]
            if table == "result":
                ticks = c.ticks.iloc[k]
                ticked = _ticked_labels(ticks) if not fake else [NONE_OPTION]
                row.append(" ".join(ticked))
                if split:
                    blank = not ticked
                    row += ["" if blank else (1 if o in ticked else 0) for o in options]
            status = "validation_status_not_approved" if fake else "validation_status_approved"
            uuid = f"{n:08d}-aaaa-bbbb-cccc-{k:012d}"
            row += [n + 1, uuid, f"{when:%Y-%m-%dT%H:%M:%S}", status, n + 1]
            rows.append(row)
        name = f"{table}.{suffix}"
        if suffix == "xlsx":
            _write_xlsx(folder / name, rows)
        else:
            text = _csv_text([[str(v) for v in r] for r in rows], delimiter=";")
            (folder / name).write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
        files[table] = name
    return files


def _netigate(folder: Path) -> dict[str, str]:
    c = cohort()
    files = {}
    options = [*OPTIONS, NONE_OPTION, OTHER_OPTION]
    for table, frame, cells in _tables():
        bogus = _bogus(cells, 2, "NG")
        header = ["RespondentID", "Status", "Start date", "Submitted", "Language", *cells.columns]
        if table == "result":
            header += [f"{CHECKBOX} - {o}" for o in options]
        rows: list[list[object]] = [header]
        every = [(k, True) for k in range(len(bogus))] + [(k, False) for k in range(len(cells))]
        times = _times(frame)
        for n, (k, fake) in enumerate(every):
            when = times[k]
            source = bogus if fake else cells
            serial = round(_excel_serial(when), 6)
            row: list[object] = [
                70000 + n,
                "Started" if fake else "Completed",
                round(serial - 0.005, 6),
                serial,
                "Svenska",
                *source.iloc[k],
            ]
            if table == "result":
                ticked = _ticked_labels(c.ticks.iloc[k])
                row += [1 if o in ticked else None for o in options]
            rows.append(row)
        name = f"{table}.xlsx"
        _write_xlsx(folder / name, rows)
        files[table] = name
    return files


def _typeform(folder: Path) -> dict[str, str]:
    c = cohort()
    files = {}
    for table, frame, cells in _tables():
        bogus = _bogus(cells, 2, "TF")
        header = ["#", *cells.columns]
        if table == "result":
            header += [*OPTIONS, NONE_OPTION, OTHER_OPTION]
        header += ["Start Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"]
        rows = [header]
        every = [(k, False) for k in range(len(cells))] + [(k, True) for k in range(len(bogus))]
        times = _times(frame)
        for n, (k, fake) in enumerate(every):
            when = times[k]
            source = bogus if fake else cells
            row = [f"tf{n:06d}x", *source.iloc[k]]
            if table == "result":
                ticks = c.ticks.iloc[k]
                row += [label if ticks[label] and not fake else "" for label in OPTIONS]
                row += [NONE_OPTION if ticks["none"] else "", ticks["other"]]
            start = f"{when - dt.timedelta(minutes=5):%Y-%m-%d %H:%M:%S}"
            row += [start, "" if fake else f"{when:%Y-%m-%d %H:%M:%S}", "a1b2c3", ""]
            rows.append(row)
        name = f"{table}.csv"
        (folder / name).write_bytes(_csv_text(rows, delimiter=";").encode("cp1252"))
        files[table] = name
    return files


def _canonical(folder: Path) -> dict[str, str]:
    from impact.synth.exports import canonical_text

    c = cohort()
    files = {}
    for table, frame in (("baseline", c.baseline), ("result", c.result)):
        name = f"{table}.csv"
        (folder / name).write_text(canonical_text(frame.drop(columns="study_id")), "utf-8")
        files[table] = name
    return files


#: Layout name → (writer, the mapping's source, checkboxes in the mapping?).
LAYOUTS = {
    "canonical": (_canonical, None),
    "google_forms": (_google_forms, "google_forms"),
    "microsoft_forms": (_microsoft_forms, "microsoft_forms"),
    "surveymonkey": (_surveymonkey, "surveymonkey"),
    "qualtrics_csv": (_qualtrics_csv, "qualtrics"),
    "qualtrics_sav": (_qualtrics_sav, "qualtrics"),
    "limesurvey": (_limesurvey, "limesurvey"),
    "kobo_xlsx": (lambda folder: _kobo(folder, True, "xlsx"), "kobo"),
    "kobo_csv": (lambda folder: _kobo(folder, False, "csv"), "kobo"),
    "netigate": (_netigate, "netigate"),
    "typeform": (_typeform, "typeform"),
    "stata": (_stata, "generic"),
}


def layout_mapping(source: str | None, detect: bool = False) -> dict | None:
    """The mapping for a layout: the Swedish questionnaire's, plus the tool and the checkbox."""
    if source is None:
        return None
    doc = yaml.safe_load(mapping_path().read_text(encoding="utf-8"))
    doc["name"] = f"belong_sv_{source}"
    doc["source"] = "auto" if detect else source
    satisfaction = "satisfaction"  # the Stata layout's variable name
    if source != "generic":
        satisfaction = reverse_mapping().header("result", "satisfaction")
    names = STATA_OPTIONS if source == "generic" else {label: label for label in STATA_OPTIONS}
    doc["checkboxes"] = {
        "result": [
            {
                "question": "" if source == "generic" else CHECKBOX,
                "options": {names[label]: field for label, field in OPTIONS.items()},
                "none": [names[NONE_OPTION]],
                "other": [names[OTHER_OPTION], "Övrigt"],
                "blank_is_false_when": "page",
                "page": [satisfaction],
            }
        ]
    }
    return doc


@cache
def _layout_files(layout: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """The layout's export files, written once per session: ({table: name}, {name: bytes})."""
    writer, _ = LAYOUTS[layout]
    with tempfile.TemporaryDirectory() as tmp:
        files = writer(Path(tmp))
        return files, {name: (Path(tmp) / name).read_bytes() for name in files.values()}


def write_layout(layout: str, folder: Path, detect: bool = False) -> Path:
    """Write one layout's study folder; return its ``study.yaml``.

    Parameters
    ----------
    layout : str
        A key of :data:`LAYOUTS`.
    folder : path
        Created if needed.
    detect : bool
        Write ``source: auto`` so the tool is recognised from the header.
    """
    _, source = LAYOUTS[layout]
    folder.mkdir(parents=True, exist_ok=True)
    files, contents = _layout_files(layout)
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    mapping = layout_mapping(source, detect)
    config = {
        "study": {"name": f"Adapters {layout}", "design": "programme"},
        "inputs": {"mapping": "mapping.yaml" if mapping else None, **files},
        "linking": {"secret": "adapter-fixtures-secret"},
        "indicators": {"params": {"min_extra_interviews": 2, "min_small_steps": 5}},
    }
    if mapping:
        text = yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True)
        (folder / "mapping.yaml").write_text(text, encoding="utf-8")
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return path
