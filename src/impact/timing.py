"""Time to first job (public API): Kaplan–Meier, log-rank, hazard models.

``impact.timing`` is the public face of :mod:`impact.analysis.timing`; the names in
``__all__`` are the API, everything else in ``impact.analysis`` is internal. See
``docs/timing.md``.

* :func:`time_to_job` — every part below from the follow-up waves, in one call;
* :func:`kaplan_meier` — the share still without a job, month by month;
* :func:`logrank` — the log-rank test between groups;
* :func:`hazard_models` — Cox and discrete-time hazard models;
* :func:`cumulative_share_figure` — the cumulative share with a job;
* :func:`competing_risks` — job, education and leaving the programme as competing first
  events (Aalen–Johansen, Gray's test, Fine–Gray);
* :func:`interval_censored` — the job start as an interval between waves (Turnbull, AFT).
"""

from impact.analysis.timing.analysis import TimeToJob, time_to_job
from impact.analysis.timing.competing import CompetingRisks, competing_risks
from impact.analysis.timing.figures import cumulative_share_figure
from impact.analysis.timing.hazard import HazardModels, hazard_models
from impact.analysis.timing.interval import IntervalCensored, interval_censored
from impact.analysis.timing.kaplan_meier import KaplanMeier, kaplan_meier
from impact.analysis.timing.logrank import LogRankTest, logrank

__all__ = [
    "time_to_job",
    "kaplan_meier",
    "logrank",
    "hazard_models",
    "cumulative_share_figure",
    "competing_risks",
    "interval_censored",
    "TimeToJob",
    "KaplanMeier",
    "LogRankTest",
    "HazardModels",
    "CompetingRisks",
    "IntervalCensored",
]
