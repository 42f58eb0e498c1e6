"""Write docs/reliability.md from the bad-input catalogue, so the doc and the tests never drift.

Run ``.venv/bin/python tests/bad_inputs/make_doc.py`` after changing the catalogue;
``tests/test_bad_inputs.py`` fails when the committed doc differs from what this script writes.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the tests folder importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bad_inputs import hostile_text
from bad_inputs.catalogue import AREAS, Case, all_cases

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"

INTRO = """\
# Reliability and privacy

Every bad input gets a clear answer; outputs are atomic and deterministic; nothing identifying
is published. This page lists what is tested and how. **The tables below are generated** from
the test catalogue (`tests/bad_inputs/`) by `python tests/bad_inputs/make_doc.py`; a test fails
when this page and the catalogue differ.

## Bad inputs

Each case starts from a clean synthetic study (`impact synth programme --n 120` and
`impact synth randomised --n 100`, written once per test session), breaks one thing, and runs
the real command line (`impact.cli.main.run`, plus one case through the installed `impact`
script). For an **error** the test checks: the exit code is 2, the message names the file, row,
column or key and what was expected **and how to fix it** (the *fix* text of each case must
appear in the message), there is no traceback, an earlier output folder is left byte-identical
(nothing partial is written) and the inputs are unchanged. A **fallback** is a case whose right
answer is documented behaviour rather than an error (exit 0); the test checks the fallback
itself (the value read, the note, the caution flag, the counted duplicate).

**Errors by cause.** Problems are shown grouped by cause — the same file, column and kind of
failure — one line each: when 287 rows fail the same way the line gives the column, the count,
three example rows with their values, what was expected and the fix
(`impact.problem_groups`). `impact validate` and `impact run` also write the full table, one
row per problem (`source, row, column, value, expected, fix, kind`), to
`impact-problems-<study file name>.csv` **beside the study file** (beside the data file for
`impact validate --table`; beside the output folder if the study file lies inside it), never
inside an output folder, and print its path (`impact.problem_table`). The table may hold values
typed in the exports, so it is personal data: it is created readable by its owner only, holds
no linking codes or other identifying fields, and cells a spreadsheet would run as a formula are
written with a leading `'`. It is rewritten by the next failing run of that study; delete it
when the problems are fixed. The catalogue tests check that it is never inside the output
folder and that the message names it.

**Hostile files** are refused before they cost much time or memory: YAML files over 5 MB,
documents that expand to more than 200,000 values through aliases (alias bombs), recursive
aliases, nesting deeper than Python's recursion limit, a key written twice in one mapping
(named with both line numbers), files that are not text (a known file signature such as ZIP,
PDF or PNG, NUL or control bytes), more than 5,000 columns, CSV fields over 1,000,000
characters, a quote never closed (the row is named), a NUL character in any row. Headers,
cells and mapping texts are normalised to Unicode NFC, and offsets written `GMT+1` /
`UTC+01:00` mean one hour ahead of UTC (as in ISO 8601; POSIX `Etc/GMT+1` has the opposite
sign). Dates in another format are read when the mapping declares `date_format:`; when they
fail, the fix names the usual format that reads every failing value.

Cases marked *known bug* expose a defect in another module; their tests are
`xfail(strict=True)` until the module is fixed (the suite then tells that the mark must go).
"""

OUTRO = """\
## Output folders: impact deletes or replaces only what it wrote

Every command that writes a folder or files (`impact run`, `demo`, `synth`, `link`, `rct`,
`validate --out`, `report --out`, `indicators --out` / `--codebook`, `power plan|rise --out`)
and every result's `write(directory)` called from Python goes through one implementation,
`impact.outputs.OutputFolder`:

* **A manifest.** Every output folder carries `.impact-manifest.json`: the impact version, the
  command, the study, when (UTC), and every file impact wrote there (relative path, size,
  modification time, SHA-256).
* **Checks before any work** (the study file is read, nothing else): refused, exit 2, with the
  reason and what to do — the file system root; the home folder itself; a path that is,
  contains or sits inside an input (the study file, each raw export, the mapping, the indicator
  definitions, the randomisation list and register extracts; the panel for
  `impact indicators`; the bundles for `impact report`); a path that is a file; an existing
  folder without a manifest that is not empty (a folder of the user's); a folder whose
  manifest is damaged; a folder where a file impact wrote has been changed since (the user's
  change is kept safe: move it out, or choose another folder). An empty folder may be used, so
  `--out .` works in an empty folder or in an earlier output, and is refused at once inside a
  study folder (it contains the inputs).
* **Entry by entry.** A run replaces the files the previous run wrote and removes those it
  does not write again (`impact report` and `indicators --codebook` add to the folder instead);
  files the user added — anywhere in the folder, also inside impact's subfolders — stay. A new
  file is never written over a file impact did not write: the run is refused, nothing changed.
  There is no option that deletes files impact did not write (`impact synth --force` is gone).
  `impact indicators PANEL --out FILE` writes one file (plus `FILE.meta.json` for CSV) into a
  folder that may hold anything; only those files, and only if impact wrote them, are replaced.
* **One run at a time.** `.impact-lock` in the folder is held with `flock` for the whole run
  and names the run (pid, host, command, start time). A second run is refused at once:
  "another impact run (pid 1234, started … by `impact run study.yaml --out x`) is writing to X;
  wait for it to finish or stop it". The kernel drops the lock when a process dies, so the lock
  file a killed run leaves is taken over, with a warning naming that run.
* **Whole-run atomicity.** The run is built in `.impact-staging-<pid>-<random>/` inside the
  output folder. Only when everything succeeded (including the privacy scan) is the commit
  made: a journal (`.impact-journal.json`, written whole and fsynced) lists the files to move
  in and to remove and the new manifest; then the files are renamed into place, impact's old
  files removed, the manifest written and the journal deleted. Every step can be repeated, so a
  commit cut short (by `kill -9`, a power cut or an error such as a full disk, during the
  milliseconds of renames; the staging folder is then kept) is rolled
  forward by the next impact command that takes the folder's lock: the folder then holds exactly
  the new run's files. Ctrl-C is held back during those renames and dropped with a warning (the
  run is complete).
* **Ctrl-C** at any stage stops the command within 5 s (exit 130, "interrupted; no output was
  changed"): the staging folder is removed and the lock released; while rendering, the worker
  processes are terminated at once (their Jupyter kernels exit when their parent is gone).
* **`kill -9`** before the commit leaves the previous output byte-identical; the staging folder
  and lock file it leaves behind are removed by the next run (on Linux, render workers receive
  SIGTERM when their parent dies). A folder a failed run created is removed again when empty.

Tested: the `outputs` cases above (each command into a user's folder, `.`, `..`, the study
folder, the raw-export folder, an input file, an output inside an input, home, root, changed
and damaged outputs, `--force`, the user's file as `--out FILE`, and the two fallbacks);
`tests/test_output_contract.py` (the lock held by another run, a stale lock, a commit cut
short after each of its steps and rolled forward, user files kept by `impact run`, `--out .`,
added reports, one-file outputs); `tests/test_output_signals.py` (the real `impact run` in a
subprocess on `impact synth programme --n 60`: SIGINT and SIGKILL while preparing, analysing,
writing bundles and rendering — exit code, time to stop, the previous output byte-identical,
nothing left that blocks the next run — and a second run started while the first runs);
`tests/test_atomic_outputs.py` (late failures and interrupts in-process; inputs never modified).

## Determinism

The same inputs, study file and seed must give byte-identical outputs
(`tests/test_determinism.py`): each small study is run twice into the same path and every
file of the results bundles and analyst-only tables is compared byte for byte. CSV tables,
Parquet files and PNG and SVG figures are identical: every figure is saved through
`impact.figures.save_figure`, with no dates in the metadata and a fixed `svg.hashsalt`, so the
SHA-256 of each figure recorded in `results.json` is stable too; every number, table and text
in `results.json` is identical (tested). Rendered reports are not compared (rendering is the
slow part of a run).

## Privacy guard

`impact.privacy.scan_outputs(directory, *, raw_codes, response_ids, free_texts, threshold)`
returns a `PrivacyReport` (a `Result`: `tidy()` has one row per problem: file, kind, location,
detail); `assert_private(...)` raises `PrivacyError` (an `ImpactError`, exit code 2) listing
every problem. `impact run` calls it on the publishable `bundles/` and `reports/` folders before
they are moved into place (not on the analyst-only `private/` folder), keeps the report in
`RunSummary.privacy` and prints how many files it checked. The forbidden values may be given
with their origins (`impact run` gives `"baseline.csv, response 12"`): a leak then says which
input answer the value came from, never the value itself — e.g.
`reports/project/programme.en.pdf, page 1: a raw linking code (from baseline.csv, response 1)`.

| what | how it is found |
|---|---|
| raw linking codes | as typed (any spacing or case) and in compact upper-case form |
| response ids | as whole words, case-insensitive |
| free text (`comments`) | any case, white space collapsed; also across tags (HTML, DOCX) |
| small counts | see below |

Small counts: in published CSV tables, a count column (`n`, `numerator`, `participants`, `yes`,
`n_*`, `*_n`, … holding whole numbers, or any column holding `<5` / `..`) showing 1 to
threshold − 1; a difference within a row (`n − numerator`, `participants − n`, …) of that size;
a share shown beside its `n` that reveals such a count; in `results.json`, numbers with unit
`count` or an `n` of that size.

Files scanned: CSV/TSV, JSON (also its decoded strings), HTML, SVG, XML, Markdown/Quarto, Typst,
YAML, the XML parts and embedded PNG images of DOCX/XLSX/PPTX/ODT, PNG text chunks, PNG and SVG
images embedded in HTML as `data:` URIs, PDF text (`pypdf`, a runtime dependency).

**The scan never skips silently.** A file it cannot read fails the scan exactly like a leak
(`PrivacyReport.unreadable`, `ok` is False, the run exits 2 naming the file and the reason):
a file type impact does not publish (`.parquet`, `.xlsx` with images, a file without a
suffix …), a damaged or encrypted PDF, a PDF from which no text can be extracted, a damaged zip
archive or PNG, a DOCX part that is neither XML nor PNG (a JPEG, an embedded object), text that
is not UTF-8 (a UTF-16 CSV would hide a code from the search), JSON that does not parse (its
counts cannot be checked). What cannot be read cannot be shown to be free of identifiers.
An empty file of a published type holds nothing to find and passes.

The report never repeats a forbidden value. Identifiers shorter
than 5 characters or made only of digits, and free texts shorter than 12 characters, cannot be
searched without false alarms; they are counted as `unchecked`.
`tests/test_privacy.py` checks every file type and rule, and scans every output of the demo;
`tests/test_privacy_run.py` plants a code, a response id or a comment in a published CSV, HTML,
DOCX and PDF file, and an unreadable PDF and an unknown file type, and checks that each run
exits 2 naming the file, the input answer the value came from (never the value) and that the
previous output folder is byte-identical.

## Test time

The suite runs on all cores with pytest-xdist (`scripts/test.sh`; a test module, or a group of
modules sharing one expensive fixture, stays on one worker). On the shared 2-core machine the
fast loop (`scripts/test-fast.sh`: everything but the `e2e`, `slow` and `quarto` groups, about
1,660 tests, the catalogue's fast cases, the privacy rules and the fuzz tests among them)
takes about 1.5 minutes; the whole suite (what CI runs, about 1,800 tests with the end-to-end
runs, the Spark checks and the Quarto render matrix) about 12 minutes. Cases and tests that
run whole analyses or the pipeline (`impact rct`, `impact run`; the atomic-output,
determinism, demo-privacy, privacy-run and round-in-progress tests) are in the `e2e` or `slow`
groups: each small study is run twice per session through the installed script, and most of
the time goes to drawing the bundles' figures and executing the report templates.
`tests/test_output_signals.py` (e2e) runs a 60-person study ten times through the installed
script, each stopped at its stage, plus the previous output's run.

## Fuzz tests

Hypothesis tests (`tests/test_fuzz_readers.py`, `tests/test_fuzz_indicators.py`, modest example
counts): valid canonical tables in any delimiter, encoding and line ending read back exactly;
a bad cell anywhere gives an `InputError` naming its row and column; arbitrary bytes and
arbitrary delimited text give a table or an `InputError`, never another exception; any valid
linked panel gives an indicator table; text in a number or true/false column, a missing column
and bad parameters give an `ImpactError` naming the column or parameter.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(cases: Sequence[Case]) -> str:
    """The whole page for these cases."""
    lines = [INTRO]
    for area in AREAS:
        chosen = [c for c in cases if c.area == area]
        if not chosen:
            continue
        errors = sum(1 for c in chosen if c.exit_code != 0)
        lines.append(f"### {area.capitalize()} ({len(chosen)} cases, {errors} errors)\n")
        lines.append("| case | what is wrong | answer | known bug |")
        lines.append("|---|---|---|---|")
        for case in chosen:
            bug = case.bug or ""
            lines.append(
                f"| `{case.id}` | {_cell(case.problem)} | {_cell(case.answer)} | {_cell(bug)} |"
            )
        lines.append("")
    fallbacks = [c for c in cases if c.fallback is not None]
    lines.append(f"### Documented fallbacks ({len(fallbacks)})\n")
    lines += [f"* `{c.id}` — {_cell(c.fallback or '')}" for c in fallbacks]
    bugs = [c for c in cases if c.bug]
    lines.append(f"\n### Known bugs found by the catalogue ({len(bugs)})\n")
    lines += [f"* `{c.id}` — {_cell(c.bug or '')}" for c in bugs] or ["* none"]
    errors = sum(1 for c in cases if c.exit_code != 0)
    lines.append(f"\n{len(cases)} cases in total: {errors} errors, {len(fallbacks)} fallbacks.\n")
    lines.append(hostile_text.section())
    lines.append(OUTRO)
    return "\n".join(lines)


def main() -> None:
    """Write docs/reliability.md."""
    DOC.write_text(render(all_cases()), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
