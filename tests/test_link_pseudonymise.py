"""Keyed pseudonyms and the secret: HMAC-SHA256, environment variable, clear errors."""

import hashlib
import hmac
import logging

import pytest

from impact.errors import InputError
from impact.link.pseudonymise import PSEUDONYM_HEX_CHARS, Pseudonymiser, resolve_secret


def test_hmac_matches_rfc4231_vector():
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert (
        hmac.new(b"Jefe", b"what do ya want for nothing?", hashlib.sha256).hexdigest() == expected
    )
    pseud = Pseudonymiser(b"Jefe")
    # the pseudonym is the HMAC of "<purpose>\x1f<value>", truncated
    data = "what do ya want for nothing?"
    purpose, value = data.split(" ", 1)[0], data.split(" ", 1)[1]
    full = hmac.new(b"Jefe", f"{purpose}\x1f{value}".encode(), hashlib.sha256).hexdigest()
    assert pseud.hash(value, purpose) == full[:PSEUDONYM_HEX_CHARS]


def test_pseudonyms_depend_on_key_and_purpose():
    a, b = Pseudonymiser(b"secret-one"), Pseudonymiser(b"secret-two")
    assert a.hash("FA07KA2", "code") != b.hash("FA07KA2", "code")
    assert a.hash("FA07KA2", "code") != a.hash("FA07KA2", "record:b")
    assert a.hash_many(["x", None], "code")[1] is None
    assert "secret" not in repr(a)


def test_secret_from_argument_env_or_error(monkeypatch):
    monkeypatch.delenv("IMPACT_TEST_SECRET", raising=False)
    assert resolve_secret("long-enough-key", "IMPACT_TEST_SECRET") == b"long-enough-key"
    with pytest.raises(InputError, match="No secret") as info:
        resolve_secret(None, "IMPACT_TEST_SECRET")
    assert "IMPACT_TEST_SECRET" in str(info.value)
    monkeypatch.setenv("IMPACT_TEST_SECRET", "from-the-environment")
    assert resolve_secret(None, "IMPACT_TEST_SECRET") == b"from-the-environment"
    with pytest.raises(InputError, match="too short"):
        resolve_secret("short", None)


def test_ephemeral_key_only_when_allowed_and_with_warning(monkeypatch, caplog):
    monkeypatch.delenv("IMPACT_TEST_SECRET", raising=False)
    with caplog.at_level(logging.WARNING, logger="impact.link.pseudonymise"):
        key1 = resolve_secret(None, "IMPACT_TEST_SECRET", allow_ephemeral=True)
    key2 = resolve_secret(None, "IMPACT_TEST_SECRET", allow_ephemeral=True)
    assert len(key1) == 32 and key1 != key2
    assert "ephemeral" in caplog.text
