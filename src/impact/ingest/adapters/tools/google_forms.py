"""Google Forms: 'Download responses (.csv)' or the linked Google Sheet saved as CSV/XLSX."""

from impact.ingest.adapters.base import Adapter

ADAPTER = Adapter(
    name="google_forms",
    title="Google Forms",
    time_columns=("Timestamp", "Tidstämpel", "Tidsstämpel"),
    date_format="us",
    tool_columns=("Email Address", "E-postadress", "Score", "Poäng"),
    multi_select_separator=", ",
    signature=("Timestamp", "Tidstämpel", "Tidsstämpel", "Email Address", "E-postadress"),
    option_style="plain",
    export_settings=(
        "Responses → ⋮ → Download responses (.csv). One header row (the question texts); the "
        "first column is the submission time (M/D/YYYY H:MM:SS in the US locale); there is no "
        "response id; a checkbox question is one column with the ticked options joined by "
        "', ' (an 'Other' answer appears as its own text)."
    ),
)
