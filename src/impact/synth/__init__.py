"""Synthetic studies with known truth: programme, randomised, register extract.

Every generator is seeded through ``numpy.random.default_rng(seed)`` and reproducible byte for
byte. Each returns an object holding the canonical tables (as :mod:`impact.ingest` would produce
them) and the truth behind them; ``write`` lays out a study folder with raw exports in the
organisation's own format, the mapping, a ready ``study.yaml`` and the truth.
"""

from impact.synth.codes import CodeNoise, draw_true_codes, type_codes
from impact.synth.programme import ProgrammeRates, programme_study
from impact.synth.randomised import randomised_study
from impact.synth.randomised_params import RandomisedEffects
from impact.synth.register import register_extract
from impact.synth.study import RegisterExtract, SyntheticStudy

__all__ = [
    "CodeNoise",
    "ProgrammeRates",
    "RandomisedEffects",
    "RegisterExtract",
    "SyntheticStudy",
    "draw_true_codes",
    "programme_study",
    "randomised_study",
    "register_extract",
    "type_codes",
]
