"""The report languages: the one ``Lang`` type and its check."""

from __future__ import annotations

from typing import Literal, get_args

from impact.errors import ImpactError, LanguageError
from impact.validation import check_choice

#: A language of labels and reports.
Lang = Literal["sv", "en"]
#: Every supported language, Swedish first.
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
#: Non-breaking space (before ``%`` and units in Swedish).
NBSP = "\u00a0"


def check_lang(
    lang: object, name: str = "language", error: type[ImpactError] = LanguageError
) -> Lang:
    """Return ``lang`` if it is ``"sv"`` or ``"en"``; otherwise raise ``error``.

    ``name`` is the option as the user writes it; the default error,
    :class:`~impact.errors.LanguageError`, is an :class:`~impact.errors.InputError` and a
    ``ValueError``.
    """
    return check_choice(name, lang, LANGUAGES, error=error)  # type: ignore[return-value]
