"""Ingest: read survey and register exports, map them onto the canonical tables, validate them.

The public namespace ``impact.ingest`` is the names in ``__all__``:

* :func:`validate_study` — every file of a study → :class:`ValidationReport` listing every
  problem in every file, with the canonical tables (``report.data``) when there is none;
* :func:`validate_file` — the same for one export;
* :func:`draft_mapping` — a first mapping of a new questionnaire's exports
  (:class:`MappingDraft`, every guess marked);
* :func:`impact.load_study` (at the top of the package) goes on to link and compute the
  indicators.

Internal entry points, importable here for the package's own code:

* ``read_table`` — one file → clean canonical DataFrame (read, map, validate);
* ``load_study`` — every file of a study config → ``StudyData``, or one
  :class:`~impact.errors.InputError` listing every problem in every file;
* ``load_mapping`` — a mapping file or bundled mapping name → ``Mapping``;
* ``load_table_schema`` / ``pandera_schema`` — the canonical schemas.
"""

from impact.ingest.adapters.draft import MappingDraft, draft_mapping
from impact.ingest.mapping import Mapping as Mapping
from impact.ingest.mapping import bundled_mappings as bundled_mappings
from impact.ingest.mapping import load_mapping as load_mapping
from impact.ingest.raw_table import RawTable as RawTable
from impact.ingest.readers import read_raw as read_raw
from impact.ingest.schema import TABLES as TABLES
from impact.ingest.schema import FieldSpec as FieldSpec
from impact.ingest.schema import TableSchema as TableSchema
from impact.ingest.schema import load_table_schema as load_table_schema
from impact.ingest.schema import pandera_schema as pandera_schema
from impact.ingest.single_file import derive_age as derive_age
from impact.ingest.single_file import read_table as read_table
from impact.ingest.single_file import validate_file
from impact.ingest.study import load_study as load_study
from impact.ingest.study import validate_study
from impact.ingest.study_data import SourceFile as SourceFile
from impact.ingest.study_data import StudyData as StudyData
from impact.ingest.study_data import ValidationReport
from impact.ingest.translate import apply_mapping as apply_mapping
from impact.ingest.validate import validate_frame as validate_frame

__all__ = [
    "MappingDraft",
    "ValidationReport",
    "draft_mapping",
    "validate_file",
    "validate_study",
]
