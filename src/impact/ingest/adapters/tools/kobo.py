"""KoboToolbox: Data → Downloads → XLS or CSV, labels, select-multiple in separate columns."""

from impact.ingest.adapters.base import Adapter, DropRule

#: Columns the tool writes in every export (dropped; typical of it for detection).
_META = (
    "start",
    "end",
    "today",
    "deviceid",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_index",
    "__version__",
    "_status",
    "_submitted_by",
)

ADAPTER = Adapter(
    name="kobo",
    title="KoboToolbox",
    id_columns=("_uuid", "meta/instanceID", "_id"),
    time_columns=("_submission_time", "end"),
    date_format="iso",
    tool_columns=(
        *_META,
        "username",
        "phonenumber",
        "meta/instanceID",
        "meta/rootUuid",
        "meta/deprecatedID",
        "_parent_index",
        "_parent_table_name",
        "_version_",
        "_notes",
        "_tags",
        "_attachments",
        "_geolocation",
    ),
    drop_rules=(
        DropRule(
            columns=("_validation_status",),
            reason="response marked 'Not approved' in KoboToolbox (_validation_status)",
            values=frozenset({"validation_status_not_approved", "not approved"}),
        ),
    ),
    multi_select_separator=" ",
    signature=_META,
    option_style="path",
    path_separator="/",
    export_settings=(
        "Data → Downloads: XLS or CSV (CSV is semicolon-separated), value and header format "
        "'Labels' (or 'XML values and headers'), group separator '/', select-multiple 'Single "
        "and separate columns' or either one. A checkbox question is one column with the "
        "chosen options separated by spaces, and/or one column per option named "
        "'question/option' holding 1 (chosen) or 0 (not chosen; blank when not shown)."
    ),
)
