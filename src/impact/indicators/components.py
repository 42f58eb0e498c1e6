"""The programme's indicator families by id, in the order of the published list (DOMAIN.md).

"Job or steps" is true when a person got a job (three routes) or took at least one measurable
step; the lists below name those components once for every module that shows or simulates them.
"""

from __future__ import annotations

#: The three routes to a job.
JOB_ROUTES: tuple[str, ...] = ("job_from_none", "job_upgraded", "job_changed_other")

#: The eight smaller steps toward work.
SMALL_STEPS: tuple[str, ...] = (
    "improved_cv",
    "expanded_network",
    "got_reference",
    "visited_workplace",
    "learned_education_paths",
    "learned_social_codes",
    "improved_swedish",
    "improved_professional_swedish",
)

#: The measurable steps: internship, relevant education, more interviews and the small steps.
STEP_COMPONENTS: tuple[str, ...] = (
    "got_internship",
    "started_relevant_education",
    "more_interviews",
    *SMALL_STEPS,
)

#: Every component of "job or steps": the job routes, then the steps.
JOB_AND_STEP_COMPONENTS: tuple[str, ...] = (*JOB_ROUTES, *STEP_COMPONENTS)
