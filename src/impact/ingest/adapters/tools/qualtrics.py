"""Qualtrics: Data & Analysis → Export data → CSV (choice text) or SPSS."""

from impact.ingest.adapters.base import Adapter, DropRule

#: Columns the tool writes in every export (dropped; typical of it for detection).
_META = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "DistributionChannel",
    "UserLanguage",
)

ADAPTER = Adapter(
    name="qualtrics",
    title="Qualtrics",
    header_rows=3,
    id_columns=("ResponseId", "ResponseID", "_recordId"),
    time_columns=("RecordedDate", "EndDate"),
    date_format="iso",
    tool_columns=(
        *_META,
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "ExternalDataReference",
        "LocationLatitude",
        "LocationLongitude",
        "Q_RecaptchaScore",
        "Q_RelevantIDDuplicate*",
        "Q_RelevantIDFraudScore",
    ),
    drop_rules=(
        DropRule(
            columns=("Status",),
            reason="preview, test or spam response (Status)",
            values=frozenset(
                {
                    "survey preview",
                    "survey test",
                    "spam",
                    "1",
                    "2",
                    "8",
                    "16",
                    "17",
                    "synthetic",
                    "offline preview",
                }
            ),
        ),
        DropRule(
            columns=("Finished",),
            reason="unfinished response (Finished = False)",
            values=frozenset({"false", "0"}),
        ),
    ),
    multi_select_separator=",",
    signature=(*_META, "RecordedDate", "ResponseId"),
    option_style="dash",
    export_settings=(
        "Data & Analysis → Export & Import → Export data → CSV, 'Use choice text', 'Split "
        "multi-value fields into columns' (or SPSS .sav). CSV has three header rows: export "
        "tags (Q5_1), question texts ('Question - Option' for each option of a checkbox "
        "question) and ImportId JSON. Status marks previews/tests/spam, Finished unfinished "
        "responses; dates are YYYY-MM-DD HH:MM:SS."
    ),
)
