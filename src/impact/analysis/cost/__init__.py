"""Costs: cost per additional outcome of a randomised programme, and descriptive programme costs.

See ``docs/cost.md``. Modules: :mod:`.basis` (the study file's amounts → total and costs per
person), :mod:`.fieller` (Fieller's interval for a ratio), :mod:`.bootstrap` (persons
resampled within arm × stratum), :mod:`.effectiveness` (the verbs for randomised studies),
:mod:`.result` and :mod:`.text` (result object, sentences), :mod:`.programme` (a programme
without a control group: descriptive costs, not effects).
"""

from impact.analysis.cost.basis import CostBasis, cost_basis, participant_counts
from impact.analysis.cost.bootstrap import EffectDraws, bootstrap_effect
from impact.analysis.cost.effectiveness import cost_effectiveness, cost_per_outcome
from impact.analysis.cost.fieller import FiellerSet, fieller_set
from impact.analysis.cost.programme import ProgrammeCosts, programme_costs
from impact.analysis.cost.result import CostEffectiveness

__all__ = [
    "CostBasis",
    "CostEffectiveness",
    "EffectDraws",
    "FiellerSet",
    "ProgrammeCosts",
    "bootstrap_effect",
    "cost_basis",
    "cost_effectiveness",
    "cost_per_outcome",
    "fieller_set",
    "participant_counts",
    "programme_costs",
]
