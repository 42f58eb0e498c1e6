"""Design diagnosis: simulate a declared randomised design and grade its estimators.

Modules: :mod:`.design` (the declared design, its truth and simulated trials),
:mod:`.estimators` (ITT, Lin, 2SLS with HC2/CR2, vectorised), :mod:`.bounds` (Lee bounds and
randomisation inference, vectorised), :mod:`.result` (the diagnosis and its table),
:mod:`.figure` (its figure), :mod:`.run` (:func:`diagnose`).
"""
