"""The tutorial notebooks: committed without outputs, up to date with their sources, and runnable.

Every notebook in ``notebooks/`` is executed top to bottom with nbclient in a kernel of *this*
interpreter (the project's virtualenv), in an empty working directory that must still be empty
afterwards, with a private ``TMPDIR``: notebooks write only into their own temporary folder and
remove it in their last cell. Any error in any cell fails.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
CELL_TIMEOUT = 300  # seconds per cell
#: A notebook should run in under a minute; fail only well beyond that (shared CI machines).
NOTEBOOK_LIMIT = 180  # seconds per notebook
#: Prefixes of the notebooks' own temporary folders (``tempfile.TemporaryDirectory(prefix=…)``).
SCRATCH_PREFIXES = (
    "impact-quickstart-",
    "impact-rct-",
    "impact-power-",
    "impact-indicators-",
    "impact-reports-",
)


def _load_build():
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOK_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _load_build()
STEMS = list(BUILD.NOTEBOOKS)


def _kernel_manager(kernel_dir: Path, tmpdir: Path) -> KernelManager:
    """A ``python3`` kernel running this interpreter (whatever kernelspecs the user has)."""
    spec = kernel_dir / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {
        "argv": argv,
        "display_name": "Python 3 (impact)",
        "language": "python",
        "env": {"TMPDIR": str(tmpdir)},
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)], ensure_native_kernel=False)
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def test_every_notebook_is_built_from_its_sources():
    on_disk = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert on_disk == sorted(STEMS), "notebooks/ must hold exactly the notebooks build.py makes"
    assert BUILD.stale() == [], "run `.venv/bin/python notebooks/build.py` and commit the result"


@pytest.mark.parametrize("stem", STEMS)
def test_committed_without_outputs(stem):
    nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown", "a notebook opens with an explanation"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{stem}: cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{stem}: cell {cell.id} has an execution count"


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_runs_top_to_bottom(stem, tmp_path, record_property):
    workdir, tmpdir = tmp_path / "cwd", tmp_path / "tmp"
    workdir.mkdir()
    tmpdir.mkdir()
    nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    client = NotebookClient(
        nb,
        km=_kernel_manager(tmp_path / "kernels", tmpdir),
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    record_property("seconds", round(seconds, 1))
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    assert list(workdir.iterdir()) == [], "a notebook wrote into its working directory"
    own = [p.name for p in tmpdir.iterdir() if p.name.startswith(SCRATCH_PREFIXES)]
    assert own == [], "the notebook's last cell must remove its temporary folder"
    assert seconds < NOTEBOOK_LIMIT, f"{stem} took {seconds:.0f} s (target: under 60 s)"
