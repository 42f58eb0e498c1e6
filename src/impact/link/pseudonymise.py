"""Keyed pseudonyms: HMAC-SHA256 of linking codes and record ids with the study secret.

After linking, every raw code and response id is replaced by a keyed hash, so outputs can be
joined across runs with the same secret but cannot be reversed (or recomputed by someone who
knows the code layout) without the secret. The secret comes from the call, or from an
environment variable; without one, linking stops with a clear error unless an *ephemeral*
random key is explicitly allowed (pseudonyms then differ on every run).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets as _secrets
from collections.abc import Iterable

import numpy as np
import pandas as pd

from impact.errors import InputError, Problem

logger = logging.getLogger(__name__)

#: Environment variable read when no secret is given.
DEFAULT_SECRET_ENV = "IMPACT_LINK_SECRET"
#: Hex characters kept from each HMAC digest (80 bits: collisions are negligible).
PSEUDONYM_HEX_CHARS = 20
_MIN_SECRET_CHARS = 8


def resolve_secret(
    secret: str | bytes | None,
    secret_env: str | None = DEFAULT_SECRET_ENV,
    *,
    allow_ephemeral: bool = False,
) -> bytes:
    """Return the HMAC key: the given secret, else the environment variable, else ephemeral.

    Parameters
    ----------
    secret : str, bytes or None
        The key itself (``linking.secret`` in the study config).
    secret_env : str or None
        Environment variable holding the key (``linking.secret_env``), read when ``secret`` is
        ``None``.
    allow_ephemeral : bool
        When no key is found, use a random key for this run only (logged as a warning)
        instead of raising.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    InputError
        When no key is found and ``allow_ephemeral`` is false, or the key is too short.
    """
    source = "the secret argument"
    if secret is None and secret_env:
        secret = os.environ.get(secret_env) or None
        source = f"environment variable {secret_env}"
    if secret is None:
        if allow_ephemeral:
            logger.warning(
                "No linking secret given: using an ephemeral random key. Pseudonyms "
                "(person_id) will differ on every run and cannot be joined across runs."
            )
            return _secrets.token_bytes(32)
        where = f" or set the environment variable {secret_env}" if secret_env else ""
        raise InputError(
            "No secret for pseudonymising linking codes",
            [
                Problem(
                    "linking",
                    f"a secret key: pass secret=...{where} (linking.secret_env in the study "
                    "config), or allow an ephemeral key explicitly",
                    column="secret",
                    fix=f"export {secret_env or 'IMPACT_LINK_SECRET'}=<a long random key> "
                    "before running, and keep the key (the same key gives the same pseudonyms)",
                )
            ],
        )
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if len(key) < _MIN_SECRET_CHARS:
        raise InputError(
            "Linking secret too short",
            [
                Problem(
                    "linking",
                    f"a secret of at least {_MIN_SECRET_CHARS} characters from {source}",
                    column="secret",
                    value=f"{len(key)} characters",
                )
            ],
        )
    return key


class Pseudonymiser:
    """Keyed hashing of identifiers; each purpose gets its own domain-separated pseudonyms.

    Parameters
    ----------
    key : bytes
        The HMAC key (see :func:`resolve_secret`).
    """

    def __init__(self, key: bytes):
        self._key = key

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(<key hidden>)"

    def hash(self, value: str, purpose: str) -> str:
        """HMAC-SHA256 of ``purpose``, a separator and ``value``, as a short hex string."""
        message = f"{purpose}\x1f{value}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).hexdigest()
        return digest[:PSEUDONYM_HEX_CHARS]

    def hash_many(self, values: Iterable[object], purpose: str) -> list[str | None]:
        """Hash every value (each distinct value once); missing values stay ``None``.

        A value is missing when it is ``None`` or :func:`pandas.isna` says so; any other value
        is hashed as ``str(value)``.
        """
        slots: dict[str, int] = {}
        positions: list[int] = []
        for value in values:
            # pd.isna is never true for a str, so strings skip the (slow) call
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                positions.append(-1)
                continue
            text = str(value)
            slot = slots.get(text)
            if slot is None:
                slot = slots[text] = len(slots)
            positions.append(slot)
        digests: list[str | None] = self._hash_texts(list(slots), purpose)
        digests.append(None)  # slot -1
        return [digests[i] for i in positions]

    def hash_column(self, values: pd.Series, purpose: str) -> pd.Series:
        """Hash a column: the pseudonyms of :meth:`hash_many` as a ``string`` Series.

        Each distinct value is hashed once (``pandas.factorize``) and the pseudonyms are taken
        back to the rows; missing values stay ``NA``. The index is that of ``values``.
        """
        if not isinstance(values.dtype, pd.StringDtype):
            hashed = self.hash_many(values.tolist(), purpose)
            return pd.Series(hashed, index=values.index, dtype="string")
        inverse, uniques = pd.factorize(values)
        digests = self._hash_texts(np.asarray(uniques, dtype=object).tolist(), purpose)
        table = pd.array([*digests, None], dtype="string")
        rows = np.where(inverse < 0, len(digests), inverse)
        return pd.Series(table.take(rows), index=values.index)

    def _hash_texts(self, texts: list[str], purpose: str) -> list[str]:
        """:meth:`hash` of every text, keying the HMAC once.

        The HMAC object keyed and fed ``purpose`` and the separator is the same for every
        text, so it is made once and copied (``hmac.HMAC.copy``) for each text; the result is
        exactly ``hmac.new(key, message, sha256)``.
        """
        keyed = hmac.new(self._key, f"{purpose}\x1f".encode(), hashlib.sha256)
        out = []
        for text in texts:
            state = keyed.copy()
            state.update(text.encode())
            out.append(state.hexdigest()[:PSEUDONYM_HEX_CHARS])
        return out
