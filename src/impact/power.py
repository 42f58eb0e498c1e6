"""Power planning (public API): minimum detectable effect, sample size, power, simulation.

``impact.power`` is the public face of :mod:`impact.analysis.power`; the names in ``__all__``
are the API, everything else in ``impact.analysis`` is internal. Effects are in percentage
points of a binary outcome. See ``docs/power.md``.

* :func:`mde`, :func:`sample_size`, :func:`power` — the analytic solvers;
* :func:`mde_curve`, :func:`power_curve` — the same across a range, with figures;
* :func:`simulate_power` — power of the ITT/HC2 estimator by simulation;
* :func:`diagnose` — design diagnosis: bias, RMSE, coverage and power of the ITT, Lin, CACE,
  randomisation-inference and Lee-bounds estimators on simulated trials of a declared design;
  :func:`diagnose_study` — the same for the design a study file declares (``power:``,
  ``randomisation:``);
* :func:`plan_study` — the plan for the next study; :func:`rise_reproduction` — RISE's
  pre-study calculation reproduced;
* :class:`Assumptions` — significance level, sides, method, R², clustering, attrition.
"""

from impact.analysis.power.analytic import mde, power, sample_size
from impact.analysis.power.curves import MDECurve, PowerCurve, mde_curve, power_curve
from impact.analysis.power.design import Assumptions
from impact.analysis.power.diagnosis.result import DiagnosisResult
from impact.analysis.power.diagnosis.run import diagnose
from impact.analysis.power.diagnosis.study import diagnose_study
from impact.analysis.power.planning import StudyPlan, plan_study
from impact.analysis.power.results import MDEResult, PowerResult, SampleSizeResult
from impact.analysis.power.rise import RiseReproduction, rise_reproduction
from impact.analysis.power.simulate import SimulationResult, simulate_power

__all__ = [
    "mde",
    "sample_size",
    "power",
    "mde_curve",
    "power_curve",
    "simulate_power",
    "diagnose",
    "diagnose_study",
    "plan_study",
    "rise_reproduction",
    "Assumptions",
    "MDEResult",
    "SampleSizeResult",
    "PowerResult",
    "MDECurve",
    "PowerCurve",
    "SimulationResult",
    "DiagnosisResult",
    "StudyPlan",
    "RiseReproduction",
]
