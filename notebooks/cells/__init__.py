"""Cell sources of the tutorial notebooks, one module per notebook (see ``notebooks/build.py``).

Each module defines ``CELLS``: a list of ``(kind, source)`` pairs built with :func:`md` and
:func:`code`, in notebook order.
"""

from __future__ import annotations

from textwrap import dedent


def md(text: str) -> tuple[str, str]:
    """A Markdown cell (common indentation and surrounding blank lines removed)."""
    return ("markdown", dedent(text).strip())


def code(text: str) -> tuple[str, str]:
    """A code cell (common indentation and surrounding blank lines removed)."""
    return ("code", dedent(text).strip())
