"""The session a stage's job runs in, and the temporary tables it makes there.

Every stage that runs on DuckDB or Spark (linking, indicators, register matching) takes an
optional ``session``: :func:`session_for` uses it when given (checking that it belongs to the
engine) or opens one for the job and closes it afterwards; :class:`TemporaryTables` drops the
job's intermediate tables when it ends, whether it succeeded or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

from impact.engines.sessions import EngineSession, open_session, temp_name
from impact.errors import InputError, Problem


@contextmanager
def session_for(engine: str, session: EngineSession | None = None) -> Iterator[EngineSession]:
    """The session a job on ``engine`` runs in: ``session`` when given, else a new one.

    A session opened here is closed when the ``with`` block ends; a given one is left open.

    Raises
    ------
    InputError
        When ``session`` belongs to another engine.
    """
    if session is None:
        with open_session(engine) as opened:
            yield opened
        return
    if session.engine != engine:
        raise InputError(
            "The session belongs to another engine",
            [Problem("session", f"a {engine} session", value=session.engine)],
        )
    yield session


class TemporaryTables:
    """The intermediate tables of one job in a session, dropped together when it ends.

    Use as a context manager: ``with TemporaryTables(session) as tables: tables.put(…)``.
    """

    def __init__(self, session: EngineSession) -> None:
        self.session = session
        self.names: list[str] = []

    def keep(self, name: str) -> str:
        """Drop the table ``name`` (already created) with the others at the end."""
        self.names.append(name)
        return name

    def put(self, frame: pd.DataFrame, stem: str) -> str:
        """Load a DataFrame as a new temporary table; its name."""
        return self.keep(self.session.put(frame, temp_name(stem)))

    def create(self, stem: str, sql: str) -> str:
        """Create a new temporary table from a query; its name."""
        return self.keep(self.session.create(temp_name(stem), sql))

    def __enter__(self) -> TemporaryTables:
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self.names:
            self.session.drop(name)
