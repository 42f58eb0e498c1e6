"""Synthetic studies with known truth: programme, randomised, register extract.

The public namespace ``impact.synth`` is the names in ``__all__``:
:func:`write_synthetic` (a ready study folder: raw exports, mapping, ``study.yaml``, truth),
:func:`programme_study`, :func:`randomised_study` and :func:`register_extract` (the data in
memory, with ``write``). Every other name importable here is internal.

Every generator is seeded through ``numpy.random.default_rng(seed)`` and reproducible byte for
byte. Each returns an object holding the canonical tables (as :mod:`impact.ingest` would produce
them) and the truth behind them; ``write`` lays out a study folder with raw exports in the
organisation's own format, the mapping, a ready ``study.yaml`` and the truth.
"""

from impact.synth.codes import CodeNoise as CodeNoise
from impact.synth.codes import draw_true_codes as draw_true_codes
from impact.synth.codes import type_codes as type_codes
from impact.synth.demo import WrittenSynthetic, write_synthetic
from impact.synth.programme import ProgrammeRates, programme_study
from impact.synth.randomised import randomised_study
from impact.synth.randomised_params import RandomisedEffects, TakeUp
from impact.synth.register import register_extract
from impact.synth.study import RegisterExtract, SyntheticStudy

__all__ = [
    "ProgrammeRates",
    "RandomisedEffects",
    "RegisterExtract",
    "SyntheticStudy",
    "TakeUp",
    "WrittenSynthetic",
    "programme_study",
    "randomised_study",
    "register_extract",
    "write_synthetic",
]
