"""LimeSurvey: Responses → Export → CSV with full question text and full answers."""

from impact.ingest.adapters.base import Adapter, DropRule

ADAPTER = Adapter(
    name="limesurvey",
    title="LimeSurvey",
    id_columns=("Response ID", "id"),
    time_columns=("Date submitted", "submitdate"),
    date_format="iso",
    tool_columns=(
        "Last page",
        "lastpage",
        "Start language",
        "startlanguage",
        "Seed",
        "seed",
        "Date started",
        "startdate",
        "Date last action",
        "datestamp",
        "IP address",
        "ipaddr",
        "Referrer URL",
        "refurl",
        "Token",
        "token",
    ),
    drop_rules=(
        DropRule(
            columns=("Date submitted", "submitdate"),
            reason="incomplete response (no Date submitted)",
            when_blank=True,
        ),
    ),
    unticked=frozenset({"0", "no", "n", "nej", "not selected", "ej vald"}),
    signature=(
        "Response ID",
        "Date submitted",
        "Last page",
        "Start language",
        "Seed",
        "submitdate",
        "lastpage",
        "startlanguage",
    ),
    option_style="brackets",
    export_settings=(
        "Responses → Export → Export responses: format CSV, 'Full question text' headings, "
        "'Full answers', all responses (incomplete ones are dropped by impact). One header row; "
        "an option of a checkbox question is 'Question [Option]' holding 'Yes' when ticked and "
        "nothing when not; 'Date submitted' is empty for incomplete responses."
    ),
)
