"""Netigate: Report → Export → raw data to Excel (one column per option)."""

from impact.ingest.adapters.base import Adapter, DropRule

ADAPTER = Adapter(
    name="netigate",
    title="Netigate",
    id_columns=("RespondentID", "Respondent ID", "Respondent-ID"),
    time_columns=("Submitted", "Inskickad", "End date", "Slutdatum"),
    date_format="excel",
    tool_columns=(
        "Start date",
        "Startdatum",
        "Status",
        "Language",
        "Språk",
        "Email",
        "E-post",
        "Send-out",
        "Utskick",
    ),
    drop_rules=(
        DropRule(
            columns=("Status",),
            reason="unfinished response (Status is not Completed)",
            values=frozenset({"started", "påbörjad", "not completed", "ej slutförd", "partial"}),
        ),
    ),
    signature=(
        "RespondentID",
        "Respondent ID",
        "Submitted",
        "Inskickad",
        "Start date",
        "Send-out",
        "Utskick",
    ),
    option_style="dash",
    export_settings=(
        "Report → Export → Raw data (Excel). One header row; 'RespondentID', 'Status', dates as "
        "Excel date numbers; a checkbox question is one column per option headed 'Question - "
        "Option' holding 1 when ticked and nothing when not. Rows whose Status is 'Started' "
        "are dropped."
    ),
)
