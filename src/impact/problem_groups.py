"""Group problems by cause, so one cause is one line however many rows it hits.

When 287 rows of a file fail the same way (the same column, the same expectation), the user
needs one line that says so: the file, the column, the count, three example rows with their
values, what was expected and the fix. :func:`group_by_cause` groups
:class:`~impact.errors.Problem` rows by (source, column, kind or expected), in the order the
causes first appear; :func:`describe_by_cause` renders every group as one line. The full
table, one row per problem, is written by :mod:`impact.problem_table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from impact.problems import Problem

__all__ = ["EXAMPLES", "ProblemGroup", "describe_by_cause", "group_by_cause"]

#: Example rows named in a group's line.
EXAMPLES = 3


@dataclass(frozen=True)
class ProblemGroup:
    """Every problem with one cause: the same file, column and kind of failure.

    Attributes
    ----------
    problems : tuple of Problem
        The problems, in the order found (at least one).
    """

    problems: tuple[Problem, ...]

    @property
    def first(self) -> Problem:
        """The first problem of the group (its file, column, expectation and fix)."""
        return self.problems[0]

    @property
    def count(self) -> int:
        """How many problems have this cause."""
        return len(self.problems)

    def _example(self, problem: Problem) -> str:
        where = f"row {problem.row}" if problem.row is not None else "no row"
        return f"{where}: {problem.value!r}" if problem.value is not None else where

    def describe(self) -> str:
        """One line: file, column, count, three examples, what was expected and the fix."""
        if self.count == 1:
            return self.first.describe()
        first = self.first
        where = [first.source]
        if first.column is not None:
            where.append(f"column '{first.column}'")
        with_rows = all(p.row is not None for p in self.problems)
        noun = "rows" if with_rows else "times"
        examples = "; ".join(self._example(p) for p in self.problems[:EXAMPLES])
        more = f"; and {self.count - EXAMPLES} more" if self.count > EXAMPLES else ""
        return (
            f"{', '.join(where)}: {self.count} {noun} fail the same way (e.g. {examples}{more})"
            f" — expected {first.expected}{first.fix_text}"
        )


def _cause(problem: Problem) -> tuple[str, str | None, str]:
    return (problem.source, problem.column, problem.kind or problem.expected)


def group_by_cause(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """Group problems by (source, column, kind or expected), in order of first appearance.

    Parameters
    ----------
    problems : iterable of Problem

    Returns
    -------
    list of ProblemGroup
    """
    groups: dict[tuple[str, str | None, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault(_cause(problem), []).append(problem)
    return [ProblemGroup(tuple(members)) for members in groups.values()]


def describe_by_cause(problems: Sequence[Problem]) -> str:
    """The count line and one indented line per cause (``"(3 problem(s)):\\n  - …"``)."""
    groups = group_by_cause(problems)
    causes = f" with {len(groups)} cause(s)" if len(groups) < len(problems) else ""
    lines = [f"({len(problems)} problem(s){causes}):"]
    lines += [f"  - {group.describe()}" for group in groups]
    return "\n".join(lines)
