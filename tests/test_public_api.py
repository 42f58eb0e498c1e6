"""The public API: `import impact` gives the namespaces; notebooks and templates use only them.

The face of the package is ``impact.__all__``: :func:`impact.load_study`,
:func:`impact.load_config`, the exceptions, and one namespace per stage whose ``__all__`` lists
its verbs and their result types. Everything else is internal. These tests pin that contract:

* every name a namespace lists exists, and ``import impact`` loads no analysis until a
  namespace is used;
* every verb returns a :class:`~impact.results.Result` — except figures, loaders and writers,
  listed here by name;
* the tutorial notebooks and the Quarto templates import only from the face and reach only
  names it lists.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from matplotlib.figure import Figure

import impact
from impact.results import Result

ROOT = Path(__file__).resolve().parents[1]
NAMESPACES = list(impact.NAMESPACES)
TOP_LEVEL = set(impact.__all__)

#: Public functions that are not analysis verbs, with what they return instead of a Result.
NOT_VERBS = {
    "impact.load_config": "the study file's settings",
    "impact.indicators.default_vectors_path": "the path of the built-in conformance vectors",
    "impact.indicators.load_registry": "the indicator definitions",
    "impact.indicators.write_codebook": "the files written",
    "impact.report.write_programme_bundle": "the bundle's folder",
    "impact.report.write_rct_bundle": "the bundle's folder",
    "impact.report.write_power_bundle": "the bundle's folder",
    "impact.report.write_codebook_bundle": "the bundle's folder",
    "impact.report.load_bundle": "the bundle",
    "impact.report.make_provenance": "the provenance record written into a bundle",
    "impact.report.find_quarto": "the quarto executable, if any",
    "impact.report.render_formats": "one RenderResult per format",
    "impact.report.open_report": "the reader the Quarto templates use",
    "impact.report.col": "a column of a template's table",
}

#: Notebooks that still use internal modules, with the reason. Empty this when it is resolved.
PENDING_NOTEBOOKS: dict[str, str] = {}


def _public_functions():
    yield from (f"impact.{name}" for name in ("load_study", "load_config"))
    for namespace in NAMESPACES:
        module = getattr(impact, namespace)
        for name in module.__all__:
            if inspect.isfunction(getattr(module, name)):
                yield f"impact.{namespace}.{name}"


def _resolve(dotted: str):
    obj = impact
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_listed_name_exists(namespace):
    module = getattr(impact, namespace)
    assert module.__all__, f"impact.{namespace} lists no public names"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []
    assert len(set(module.__all__)) == len(module.__all__)


def test_top_level_names():
    assert {"load_study", "load_config", "ImpactError", "InputError"} <= TOP_LEVEL
    assert set(NAMESPACES) <= TOP_LEVEL
    for name in impact.__all__:
        assert getattr(impact, name) is not None
    with pytest.raises(AttributeError):
        impact.no_such_name  # noqa: B018


def test_at_scale_variants_are_not_public():
    for namespace in NAMESPACES:
        names = getattr(impact, namespace).__all__
        assert not [name for name in names if name.endswith("_at_scale")], namespace


def test_import_impact_loads_no_analysis():
    code = (
        "import sys, impact\n"
        "assert not [m for m in sys.modules if m.startswith('impact.analysis')]\n"
        "from impact.report import col, open_report\n"
        "loaded = [m for m in sys.modules if m.startswith(('impact.analysis', 'impact.report.'))]\n"
        "print(sorted(loaded))\n"
    )
    env_path = str(ROOT / "src")
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    loaded = json.loads(run.stdout.replace("'", '"'))
    assert not [m for m in loaded if m.startswith("impact.analysis")], loaded
    assert "impact.report.exporters_programme" not in loaded


def _return_type(function):
    """The return annotation, evaluated where the function is defined (with the module's
    ``if TYPE_CHECKING:`` imports, which postponed annotations may name)."""
    returned = inspect.signature(function).return_annotation
    if not isinstance(returned, str):
        return returned
    namespace = dict(function.__globals__)
    module = inspect.getmodule(function)
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            exec(compile(ast.Module(node.body, []), module.__file__, "exec"), namespace)
    return eval(returned, namespace)


@pytest.mark.parametrize("dotted", sorted(_public_functions()))
def test_verbs_return_results(dotted):
    returned = _return_type(_resolve(dotted))
    if dotted in NOT_VERBS:
        return
    if returned is Figure:
        assert re.search(r"figure|plot", dotted), f"{dotted} draws a figure: name it so"
        return
    assert isinstance(returned, type) and issubclass(returned, Result), (
        f"{dotted} returns {returned}, not a Result"
    )


@pytest.mark.parametrize("dotted", sorted(_public_functions()))
def test_verbs_are_fully_annotated(dotted):
    signature = inspect.signature(_resolve(dotted))
    missing = [
        name
        for name, parameter in signature.parameters.items()
        if parameter.annotation is inspect.Parameter.empty
    ]
    assert missing == [], f"{dotted}: parameters without a type: {missing}"
    assert signature.return_annotation is not inspect.Signature.empty


def test_to_dict_is_plain_data():
    detectable = impact.power.mde(73, 78, control_rate=0.30, method="arcsine")
    assert json.loads(json.dumps(detectable.to_dict()))["n_treatment"] == 73
    study = impact.synth.programme_study(seed=3, n_participants=60)
    table = study.tidy()
    as_dict = json.loads(json.dumps(study.to_dict()))
    assert as_dict["title"] == study.title
    assert len(as_dict["rows"]) == len(table)


# --- notebooks and templates use only the face ------------------------------------------------


def _python_sources() -> list[tuple[str, str]]:
    sources = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if path.stem in PENDING_NOTEBOOKS:
            continue
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                code = "\n".join(
                    line for line in cell.source.splitlines() if not line.startswith(("%", "!"))
                )
                sources.append((f"{path.name} cell {cell.id}", code))
    for path in sorted((ROOT / "reports").glob("*.qmd")):
        text = path.read_text(encoding="utf-8")
        for number, block in enumerate(re.findall(r"```\{python\}\n(.*?)```", text, re.S)):
            sources.append((f"{path.name} block {number}", block))
    return sources


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _face_problems(where: str, code: str) -> list[str]:
    """Imports from internal modules, and ``impact.<namespace>.<name>`` not in ``__all__``."""
    problems = []
    aliases: dict[str, str] = {}  # local name → public dotted name
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "impact" or alias.name.startswith("impact."):
                    if alias.name not in {"impact", *(f"impact.{n}" for n in NAMESPACES)}:
                        problems.append(f"{where}: import {alias.name}")
                    aliases[(alias.asname or alias.name).split(".")[0]] = "impact"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("impact"):
            module = node.module or ""
            if module == "impact":
                public = TOP_LEVEL
            elif module in {f"impact.{n}" for n in NAMESPACES}:
                public = set(_resolve(module).__all__)
            else:
                problems.append(f"{where}: from {module} import …")
                continue
            for alias in node.names:
                if alias.name not in public:
                    problems.append(f"{where}: from {module} import {alias.name}")
                aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or isinstance(node.ctx, ast.Store):
            continue
        dotted = _dotted(node)
        if dotted is None or dotted.split(".")[0] not in aliases:
            continue
        head, *rest = dotted.split(".")
        full = ".".join([aliases[head], *rest]).split(".")
        if len(full) >= 2 and full[1] not in TOP_LEVEL:
            problems.append(f"{where}: {dotted} is not public")
        elif len(full) >= 3 and full[1] in NAMESPACES:
            if full[2] not in _resolve(f"impact.{full[1]}").__all__:
                problems.append(f"{where}: {dotted} is not public")
    return problems


def test_notebooks_and_templates_use_only_the_public_api():
    sources = _python_sources()
    assert len(sources) > 20
    problems = [problem for where, code in sources for problem in _face_problems(where, code)]
    assert problems == [], "\n".join(problems)


def test_the_checker_catches_internal_imports():
    assert _face_problems("x", "from impact.analysis.power import mde")
    assert _face_problems("x", "from impact.rct import _itt_table")
    assert _face_problems("x", "import impact\nimpact.analysis.power.mde(1, 2)")
    assert _face_problems("x", "import impact\nimpact.rct.itt_table(1)")
    assert _face_problems("x", "from impact import rct\nrct.secret()")
    assert not _face_problems("x", "import impact\nfrom impact import rct\nrct.itt(t, ['a'])")
