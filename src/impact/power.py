"""Power planning (public API): minimum detectable effect, sample size, power, simulation.

``impact.power`` is the public face of :mod:`impact.analysis.power`; the names in ``__all__``
are the API, everything else in ``impact.analysis`` is internal. Effects are in percentage
points of a binary outcome. See ``docs/power.md``.

* :func:`mde`, :func:`sample_size`, :func:`power` — the analytic solvers;
* :func:`mde_curve`, :func:`power_curve` — the same across a range, with figures;
* :func:`simulate_power` — power of the ITT/HC2 estimator by simulation;
* :func:`plan_study` — the plan for the next study; :func:`rise_reproduction` — RISE's
  pre-study calculation reproduced;
* :class:`Assumptions` — significance level, sides, method, R², clustering, attrition.
"""

from impact.analysis.power import (
    Assumptions,
    MDECurve,
    MDEResult,
    PowerCurve,
    PowerResult,
    RiseReproduction,
    SampleSizeResult,
    SimulationResult,
    StudyPlan,
    mde,
    mde_curve,
    plan_study,
    power,
    power_curve,
    rise_reproduction,
    sample_size,
    simulate_power,
)

__all__ = [
    "Assumptions",
    "MDECurve",
    "MDEResult",
    "PowerCurve",
    "PowerResult",
    "RiseReproduction",
    "SampleSizeResult",
    "SimulationResult",
    "StudyPlan",
    "mde",
    "mde_curve",
    "plan_study",
    "power",
    "power_curve",
    "rise_reproduction",
    "sample_size",
    "simulate_power",
]
