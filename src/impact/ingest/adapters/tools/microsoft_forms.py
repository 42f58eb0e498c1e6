"""Microsoft Forms: 'Open results in Excel' / 'Download a copy' (XLSX)."""

from impact.ingest.adapters.base import Adapter

ADAPTER = Adapter(
    name="microsoft_forms",
    title="Microsoft Forms",
    id_columns=("ID",),
    time_columns=("Completion time", "Slutförandetid", "Tid för slutförande"),
    date_format="us",
    tool_columns=(
        "Start time",
        "Starttid",
        "Email",
        "E-post",
        "Name",
        "Namn",
        "Last modified time",
        "Senast ändrad",
        "Total points",
        "Quiz feedback",
    ),
    multi_select_separator=";",
    signature=(
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Starttid",
        "Slutförandetid",
        "E-post",
        "Namn",
    ),
    option_style="plain",
    export_settings=(
        "Responses → Open results in Excel (or ⋯ → Download a copy). One header row; columns "
        "ID, Start time, Completion time, Email, Name, then one column per question; dates are "
        "Excel date cells (or M/D/YY H:MM:SS text when saved as CSV); a checkbox question is "
        "one column with the ticked options each followed by ';' (``A;B;``)."
    ),
)
