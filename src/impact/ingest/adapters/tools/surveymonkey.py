"""SurveyMonkey: Analyze results → Save as → All individual responses (CSV or XLSX)."""

from impact.ingest.adapters.base import Adapter

ADAPTER = Adapter(
    name="surveymonkey",
    title="SurveyMonkey",
    header_rows=2,
    id_columns=("Respondent ID",),
    time_columns=("End Date",),
    date_format="us",
    tool_columns=(
        "Collector ID",
        "Start Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data*",
    ),
    signature=(
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Custom Data 1",
    ),
    option_style="rows",
    export_settings=(
        "Analyze Results → Save as → Export file → All individual responses, format CSV or XLS, "
        "'Actual answer text', 'Condensed' columns. Two header rows: the question text "
        "(written once over all of a question's columns), then 'Response' for a single answer "
        "or the option text for each option of a checkbox question; a ticked option holds its "
        "own text, an unticked one is blank. Dates are MM/DD/YYYY hh:mm:ss AM/PM."
    ),
)
