"""mkdocs hooks for the API reference (``hooks:`` in ``mkdocs.yml``).

The docstrings name other objects with Sphinx roles (``:func:`mde```, ``:class:`~.Result```),
which Markdown renders as the role's text followed by the code. This hook drops the role and a
leading ``~`` or ``.``, so the page shows just the name as code.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:func|class|mod|meth|attr|data|exc|obj):(<code>)[~.]*")


def on_page_content(html: str, **_: Any) -> str:
    """Remove Sphinx roles left in front of code spans."""
    return _ROLE.sub(r"\1", html)
