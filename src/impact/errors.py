"""Errors raised for user mistakes, and the collected problems they carry: the one hierarchy.

Two roots: :class:`ImpactError` for everything a user can cause and fix (the CLI prints the
message without a traceback) and :class:`InternalError` for a bug in impact itself (the CLI
shows the traceback; please report it). Every other exception type of the package derives from
one of them and is defined here: :class:`InputError`, :class:`DataError`,
:class:`AnalysisError`, :class:`ChoiceError`, :class:`LanguageError`, :class:`RuleError`
(:class:`ExpressionError`; :class:`~impact.indicators.expr_eval.EvaluationError`, which needs the
expression tree, lives beside the evaluator), :class:`TranslationError`, :class:`BundleError`,
:class:`ReportError`, :class:`PrivacyError`, :class:`PowerRequestError` and
:class:`DisclosureError`.

Every error a user can cause (a bad file, a bad config key, an impossible power request) is an
:class:`ImpactError`. The command line turns these into a clear message and a non-zero exit
code, without a traceback. Validation collects *every* failure into :class:`Problem` rows before
raising, so the user fixes all of them in one go. Each problem may carry a ``fix`` (what to do
about it) and a ``kind`` (its cause); messages group problems by cause (file, column, kind), so
287 rows failing the same way are one line with the count and three examples
(:mod:`impact.problem_groups`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

import pandas as pd

from impact.problem_groups import describe_by_cause

# re-exported: the package takes Problem from here
from impact.problems import PROBLEM_COLUMNS as PROBLEM_COLUMNS
from impact.problems import Problem as Problem


class ImpactError(Exception):
    """Base class for errors caused by the user's input or request (no traceback in the CLI)."""

    exit_code = 2


class InputError(ImpactError):
    """Input data or configuration failed validation; carries every problem found.

    Parameters
    ----------
    message : str
        A one-line summary.
    problems : iterable of Problem
        Every problem found (not just the first).
    note : str, optional
        A closing line (e.g. where the full problem table was written).
    """

    def __init__(self, message: str, problems: Iterable[Problem] = (), note: str | None = None):
        self.problems: list[Problem] = list(problems)
        self.summary_line = message
        self.note = note
        super().__init__(self._format())

    def _format(self) -> str:
        text = self.summary_line
        if self.problems:
            text = f"{text} {describe_by_cause(self.problems)}"
        return f"{text}\n{self.note}" if self.note else text

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table: source, row, column, value, expected, fix, kind."""
        return pd.DataFrame([asdict(p) for p in self.problems], columns=PROBLEM_COLUMNS)


class DataError(InputError):
    """The data files of a study failed validation (cells, rows, columns, file layout).

    Raised by :meth:`impact.ingest.study.ValidationReport.raise_if_problems`; the commands
    write its full problem table beside the study file (:mod:`impact.problem_table`).
    """


class AnalysisError(ImpactError):
    """An analysis cannot be carried out on these data (e.g. one arm empty), with the reason."""


class InternalError(Exception):
    """A bug in impact, not a mistake of the user: an internal contract was broken."""


class ChoiceError(InputError, ValueError):
    """An option got a value outside its allowed choices (`validation.check_choice`)."""


class LanguageError(ChoiceError):
    """A language other than the supported ones (``sv``, ``en``) was requested."""


class RuleError(ImpactError, ValueError):
    """An indicator rule is not a valid expression or cannot be evaluated on these data."""


class ExpressionError(RuleError):
    """The rule text is not a valid expression; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, text: str, position: int):
        self.reason = message
        self.text = text
        self.position = position
        super().__init__(
            f"{message} at position {position}: {text[:position]}⟨here⟩{text[position:]}"
        )


class PrivacyError(ImpactError):
    """Publishable outputs contain identifiers, free text or small counts."""


class ReportError(ImpactError):
    """A report could not be rendered (template error, failed cell, renderer failure)."""


class BundleError(ImpactError):
    """A results bundle is missing, incomplete, corrupt or would leak identifiers."""


class PowerRequestError(ImpactError):
    """A power, sample-size or MDE request that is invalid or cannot be met."""


class DisclosureError(InputError):
    """A table meant for publication would reveal a small cell."""


class TranslationError(ImpactError):
    """A translation key is missing (or malformed) in a translation file."""
