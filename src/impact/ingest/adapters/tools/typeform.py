"""Typeform: Results → Responses → Download all responses (CSV or XLSX)."""

from impact.ingest.adapters.base import Adapter, DropRule

ADAPTER = Adapter(
    name="typeform",
    title="Typeform",
    id_columns=("#", "Response ID", "Token"),
    time_columns=("Submit Date (UTC)", "Submitted At"),
    date_format="iso",
    tool_columns=(
        "Start Date (UTC)",
        "Stage Date (UTC)",
        "Network ID",
        "Tags",
        "Ending",
        "Token",
    ),
    drop_rules=(
        DropRule(
            columns=("Submit Date (UTC)", "Submitted At"),
            reason="partial response (no Submit Date)",
            when_blank=True,
        ),
    ),
    signature=(
        "#",
        "Start Date (UTC)",
        "Submit Date (UTC)",
        "Stage Date (UTC)",
        "Network ID",
        "Tags",
    ),
    option_style="plain",
    export_settings=(
        "Results → Responses → Download all responses → CSV or XLSX. One header row; each "
        "option of a multiple-selection question is its own column headed by the option text "
        "alone (not the question), holding the option text when chosen and nothing otherwise; "
        "'#' is the response id, 'Submit Date (UTC)' the submission time (YYYY-MM-DD HH:MM:SS)."
    ),
)
