"""Time to first job from the follow-up waves: Kaplan–Meier, log-rank, hazard models,
competing first events (Aalen–Johansen, Gray, Fine–Gray) and interval censoring (Turnbull,
AFT).

See ``docs/timing.md``.
"""

from .analysis import DEFAULT_COVARIATES, TimeToJob, time_to_job
from .competing import CompetingRisks, competing_risks
from .competing_events import competing_events
from .episodes import DEFAULT_WAVE_MONTHS, bound_times, exclusion_counts, job_times
from .figures import cumulative_share_figure
from .hazard import HazardModels, hazard_models, person_periods
from .interval import IntervalCensored, interval_censored
from .kaplan_meier import KaplanMeier, kaplan_meier, km_curve
from .logrank import LogRankTest, logrank

__all__ = [
    "DEFAULT_COVARIATES",
    "DEFAULT_WAVE_MONTHS",
    "CompetingRisks",
    "IntervalCensored",
    "HazardModels",
    "KaplanMeier",
    "LogRankTest",
    "TimeToJob",
    "bound_times",
    "competing_events",
    "competing_risks",
    "cumulative_share_figure",
    "exclusion_counts",
    "hazard_models",
    "interval_censored",
    "job_times",
    "kaplan_meier",
    "km_curve",
    "logrank",
    "person_periods",
    "time_to_job",
]
