"""Lazy attributes for the package's face: a name is imported the first time it is used.

``import impact`` (and ``import impact.report``, which every Quarto template's kernel does)
must stay cheap, yet ``impact.rct.itt`` and ``impact.report.render_report`` must work without
another import. A package lists its lazy names once; this module turns the list into the
module-level ``__getattr__`` and ``__dir__`` that Python calls (PEP 562).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_attributes(
    package: str, names: Mapping[str, str], eager: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package``.

    Parameters
    ----------
    package : str
        The package's name (``__name__``).
    names : mapping of str to str
        Attribute name → the module it comes from. When the attribute is the module itself
        (``impact.rct``), the name of the module is the package and the attribute together.
    eager : iterable of str
        Names the package defines itself, listed by ``__dir__`` too.
    """

    def __getattr__(name: str) -> Any:
        module_name = names.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(module_name)
        if module_name == f"{package}.{name}":
            return module
        return getattr(module, name)

    def __dir__() -> list[str]:
        return sorted({*names, *eager})

    return __getattr__, __dir__
