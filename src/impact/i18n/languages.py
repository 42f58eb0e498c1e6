"""The report languages: the one ``Lang`` type and its check."""

from __future__ import annotations

from typing import Literal, get_args

from impact.errors import LanguageError

#: A language of labels and reports.
Lang = Literal["sv", "en"]
#: Every supported language, Swedish first.
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
#: Non-breaking space (before ``%`` and units in Swedish).
NBSP = "\u00a0"


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is ``"sv"`` or ``"en"``.

    Otherwise raise :class:`~impact.errors.LanguageError` (an
    :class:`~impact.errors.ImpactError` and a ``ValueError``).
    """
    if lang not in LANGUAGES:
        raise LanguageError(f"language {lang!r} is not supported; expected one of 'sv', 'en'")
    return lang  # type: ignore[return-value]
