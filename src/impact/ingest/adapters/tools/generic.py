"""Files without a tool's layout: one header row, as the generic CSV/XLSX/SPSS readers read."""

from impact.ingest.adapters.base import Adapter

ADAPTER = Adapter(
    name="generic",
    title="Generic CSV / Excel / SPSS / Stata",
    id_columns=(),
    date_format="auto",
    option_style="plain",
    export_settings=(
        "One header row; one row per response. A checkbox question is either one column per "
        "option (header = the option text, or 'Question [Option]') or one column holding the "
        "ticked options."
    ),
)
