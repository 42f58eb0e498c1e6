"""Catalogue cases for output folders: impact deletes or replaces only what it wrote itself.

Every command that writes a folder or files goes through :class:`impact.outputs.OutputFolder`.
These cases point commands at folders impact must not touch (a folder of the user's, ``.`` in
the study folder, ``..``, the study folder, the folder of the raw exports, the home folder, the
root) and at earlier outputs the user has changed; each is refused before any work starts, and
the runner checks that nothing there changed. Two fallbacks show what does work: an earlier
output with files the user added, and ``--out .`` in an empty folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from bad_inputs.catalogue import Case
from bad_inputs.workspace import Workspace, tree_digest

NOTES = "notes.txt"
REFUSED = ("impact did not write", NOTES, "nothing was changed")


#: The fix every refused output folder names.
HOW = "Choose a new or empty folder for --out (or one impact wrote before)"


def _users_folder(ws: Workspace) -> None:
    """``ws.out`` holds a file of the user's (and no manifest)."""
    ws.out.mkdir()
    (ws.out / NOTES).write_text("my own notes, not impact's\n", encoding="utf-8")


def _earlier_output(ws: Workspace) -> None:
    """``ws.out`` holds an earlier impact output (``run_summary.csv``, with a manifest)."""
    from impact.outputs import OutputFolder

    with OutputFolder(ws.out) as folder:
        (folder.staging / "run_summary.csv").write_text("bundle\nproject\n", encoding="utf-8")


def _command(argv: Callable[[Workspace], list]) -> Callable[[Workspace], list]:
    """A case builder: the user's folder as ``--out`` of ``argv(ws)``."""

    def build(ws: Workspace) -> list[str]:
        command = argv(ws)
        _users_folder(ws)
        return command

    return build


#: A small design diagnosis (the command's options, without --out).
_DIAGNOSE = "power diagnose --n1 20 --n2 20 --control-rate 0.3 --effect 10 --sims 5".split()

COMMANDS = {
    "run": lambda ws: ["run", ws.config(), "--out", ws.out],
    "demo": lambda ws: ["demo", "--out", ws.out],
    "synth": lambda ws: ["synth", "programme", "--out", ws.out],
    "link": lambda ws: ["link", ws.config(), "--out", ws.out],
    "rct": lambda ws: ["rct", ws.config("randomised"), "--out", ws.out],
    "validate": lambda ws: ["validate", ws.config(), "--out", ws.out],
    "report": lambda ws: ["report", ws.bundle(), "--out", ws.out],
    "codebook": lambda ws: ["indicators", "--codebook", ws.out],
    "power-plan": lambda ws: ["power", "plan", "--out", ws.out],
    "power-rise": lambda ws: ["power", "rise", "--out", ws.out],
    "power-diagnose": lambda ws: [*_DIAGNOSE, "--out", ws.out],
}


def dot_in_study(ws: Workspace) -> list[str]:
    """``impact run study.yaml --out .`` inside the study folder."""
    ws.study()
    return ["run", "study.yaml", "--out", "."]


def _chdir_study(ws: Workspace, monkeypatch) -> None:
    monkeypatch.chdir(ws.study())


def dotdot(ws: Workspace) -> list[str]:
    """``impact run ../study.yaml --out ..`` from the folder of the raw exports."""
    ws.study()
    return ["run", "../study.yaml", "--out", ".."]


def _chdir_raw(ws: Workspace, monkeypatch) -> None:
    monkeypatch.chdir(ws.study() / "raw")


def study_folder(ws: Workspace) -> list[str]:
    """``--out`` is the study folder itself."""
    return ["run", ws.config(), "--out", ws.study()]


def raw_folder(ws: Workspace) -> list[str]:
    """``--out`` is the folder holding the raw exports."""
    return ["run", ws.config(), "--out", ws.study() / "raw"]


def input_file(ws: Workspace) -> list[str]:
    """``--out`` is a raw export (a file)."""
    return ["run", ws.config(), "--out", ws.raw("baslinje.csv")]


def inside_input(ws: Workspace) -> list[str]:
    """``impact report BUNDLE --out BUNDLE/reports``: the output inside an input folder."""
    return ["report", ws.bundle(), "--out", ws.bundle() / "reports"]


def home(ws: Workspace) -> list[str]:
    """``--out ~`` (the home folder itself)."""
    (ws.root / "home").mkdir()
    return ["synth", "programme", "--out", ws.root / "home"]


def _home_env(ws: Workspace, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(ws.root / "home"))


def root(ws: Workspace) -> list[str]:
    """``--out /``."""
    return ["synth", "programme", "--out", "/"]


def changed_output(ws: Workspace) -> list[str]:
    """An earlier output whose run_summary.csv the user has edited since."""
    _earlier_output(ws)
    with open(ws.out / "run_summary.csv", "a", encoding="utf-8") as handle:
        handle.write("my own row\n")
    return ["run", ws.config(), "--out", ws.out]


def damaged_manifest(ws: Workspace) -> list[str]:
    """An earlier output whose .impact-manifest.json was cut off."""
    _earlier_output(ws)
    manifest = ws.out / ".impact-manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:40], encoding="utf-8")
    return ["run", ws.config(), "--out", ws.out]


def force_flag(ws: Workspace) -> list[str]:
    """``impact synth --force`` (the option that replaced any folder is gone)."""
    _users_folder(ws)
    return ["synth", "programme", "--out", ws.out, "--force"]


def users_file(ws: Workspace) -> list[str]:
    """``impact indicators PANEL --out FILE`` where FILE is the user's own."""
    command = ["indicators", ws.panel(), "--out", ws.out / NOTES]
    _users_folder(ws)
    return command


def rerun_with_users_files(ws: Workspace) -> list[str]:
    """An earlier ``impact synth`` output to which the user added files, written again."""
    from impact.synth.demo import write_synthetic

    write_synthetic("programme", ws.out, n=40, seed=3)
    (ws.out / NOTES).write_text("mine\n", encoding="utf-8")
    (ws.out / "raw" / NOTES).write_text("mine too\n", encoding="utf-8")
    return ["synth", "programme", "--n", "40", "--seed", "4", "--out", ws.out]


def _check_rerun(ws: Workspace, outcome) -> None:
    assert (ws.out / NOTES).read_text(encoding="utf-8") == "mine\n"
    assert (ws.out / "raw" / NOTES).read_text(encoding="utf-8") == "mine too\n"
    manifest = json.loads((ws.out / ".impact-manifest.json").read_text(encoding="utf-8"))
    assert "study.yaml" in manifest["files"] and NOTES not in manifest["files"]
    assert f"raw/{NOTES}" not in manifest["files"]
    leftovers = [p.name for p in ws.out.iterdir() if p.name.startswith(".impact-")]
    assert leftovers == [".impact-manifest.json"], leftovers


def dot_in_empty(ws: Workspace) -> list[str]:
    """``impact synth programme --out .`` in an empty folder."""
    ws.out.mkdir()
    return ["synth", "programme", "--n", "40", "--out", "."]


def _chdir_out(ws: Workspace, monkeypatch) -> None:
    monkeypatch.chdir(ws.out)


def _check_dot(ws: Workspace, outcome) -> None:
    written = tree_digest(ws.out)
    assert "study.yaml" in written and ".impact-manifest.json" in written, sorted(written)
    assert not [name for name in written if name.startswith(".impact-staging")]


class _Names:
    """Stands in for a workspace when a command is named in the doc: paths become words."""

    out = "OUT"

    def config(self, name: str = "programme") -> str:
        return "study.yaml"

    def bundle(self) -> str:
        return "BUNDLE"


_INPUT = ("contains the input", "baslinje.csv", "would overwrite or delete its own input")

CASES = [
    *[
        Case(
            f"out-users-folder-{name}",
            "outputs",
            f"`impact {' '.join(map(str, argv(_Names())))}` into a folder of the user's",
            _command(argv),
            expect=REFUSED,
            fix=HOW,
            writes=False,
        )
        for name, argv in COMMANDS.items()
    ],
    Case(
        "out-dot-in-study-folder",
        "outputs",
        "`--out .` run inside the study folder",
        dot_in_study,
        expect=("--out .", *_INPUT),
        fix=HOW,
        writes=False,
        patch=_chdir_study,
    ),
    Case(
        "out-dotdot",
        "outputs",
        "`--out ..` from the folder of the raw exports (the study folder)",
        dotdot,
        expect=("--out ..", *_INPUT),
        fix=HOW,
        writes=False,
        patch=_chdir_raw,
    ),
    Case(
        "out-study-folder",
        "outputs",
        "`--out` is the study folder",
        study_folder,
        expect=_INPUT,
        fix=HOW,
        writes=False,
    ),
    Case(
        "out-raw-folder",
        "outputs",
        "`--out` is the folder of the raw exports",
        raw_folder,
        expect=_INPUT,
        fix=HOW,
        writes=False,
    ),
    Case(
        "out-input-file",
        "outputs",
        "`--out` is a raw export (a file)",
        input_file,
        expect=("baslinje.csv", "exists and is not a folder"),
        fix=HOW,
        writes=False,
    ),
    Case(
        "out-inside-input",
        "outputs",
        "`impact report BUNDLE --out BUNDLE/reports` (inside an input)",
        inside_input,
        expect=("sits inside the input", "bundle"),
        fix=HOW,
        writes=False,
    ),
    Case(
        "out-home",
        "outputs",
        "`--out ~` (the home folder itself)",
        home,
        expect=("is your home folder", "Choose a new or empty folder"),
        fix=HOW,
        writes=False,
        patch=_home_env,
    ),
    Case(
        "out-root",
        "outputs",
        "`--out /`",
        root,
        expect=("root of the file system", "Choose a new or empty folder"),
        fix=HOW,
        writes=False,
    ),
    Case(
        "out-changed-by-user",
        "outputs",
        "an earlier output whose run_summary.csv the user edited",
        changed_output,
        expect=("were changed after", "run_summary.csv", "nothing was changed"),
        fix="Move your changed copies out of the folder",
        writes=False,
    ),
    Case(
        "out-damaged-manifest",
        "outputs",
        "an earlier output whose .impact-manifest.json is cut off",
        damaged_manifest,
        expect=(".impact-manifest.json", "is damaged", "will not replace anything"),
        fix="move the files you want to keep elsewhere and delete the folder yourself",
        writes=False,
    ),
    Case(
        "out-force-flag",
        "outputs",
        "`impact synth --force` (no option deletes files impact did not write)",
        force_flag,
        expect=("No such option", "--force"),
        fix="--help",
        writes=False,
    ),
    Case(
        "out-users-file",
        "outputs",
        "`impact indicators PANEL --out FILE` where FILE is the user's own",
        users_file,
        expect=(NOTES, "impact did not write it", "nothing was changed"),
        fix="Choose another name for --out, or move the file away",
        writes=False,
    ),
    Case(
        "out-rerun-keeps-users-files",
        "outputs",
        "an earlier output to which the user added files, written again",
        rerun_with_users_files,
        exit_code=0,
        fallback="impact's own files are replaced; the user's files (also inside impact's "
        "folders) stay, and the new manifest does not list them",
        check=_check_rerun,
        writes=False,
    ),
    Case(
        "out-dot-in-empty-folder",
        "outputs",
        "`--out .` in an empty folder",
        dot_in_empty,
        exit_code=0,
        fallback="works: the output and its manifest are written into the current folder",
        check=_check_dot,
        writes=False,
        patch=_chdir_out,
    ),
]
