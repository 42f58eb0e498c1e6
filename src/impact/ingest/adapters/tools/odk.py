"""ODK Central: Submissions → Download → CSV (split select multiple choices)."""

from impact.ingest.adapters.base import Adapter, DropRule

#: Columns the tool writes in every export (dropped; typical of it for detection).
_META = (
    "SubmissionDate",
    "meta-instanceID",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "ReviewState",
)

ADAPTER = Adapter(
    name="odk",
    title="ODK Central",
    id_columns=("meta-instanceID", "KEY", "instanceID"),
    time_columns=("SubmissionDate",),
    date_format="iso",
    tool_columns=(
        *_META,
        "AttachmentsExpected",
        "Status",
        "DeviceID",
        "Edits",
        "FormVersion",
        "start",
        "end",
        "today",
        "deviceid",
    ),
    drop_rules=(
        DropRule(
            columns=("ReviewState",),
            reason="submission rejected in ODK Central (ReviewState)",
            values=frozenset({"rejected"}),
        ),
    ),
    multi_select_separator=" ",
    signature=_META,
    option_style="path",
    path_separator="-",
    export_settings=(
        "Submissions → Download → CSV, with 'Split select multiple choices into columns' on "
        "or off. Headers are field names with groups joined by '-'; a select-multiple "
        "answer is one cell of space-separated choice names, and with splitting one column "
        "'question-choice' per choice holding 1 or 0; ReviewState 'rejected' rows are dropped."
    ),
)
