"""Read survey and register exports, map them onto the canonical tables and validate them.

The public entry points (re-exported here; the work happens in the submodules):

* :func:`read_table` — one file → clean canonical DataFrame (read, map, validate);
* :func:`load_study` — every file of a study config → :class:`StudyData`, or one
  :class:`~impact.errors.InputError` listing every problem in every file;
* :func:`validate_study` — the same, as a :class:`ValidationReport` (for ``impact validate``);
  :func:`validate_file` does one file;
* :func:`load_mapping` — a mapping file or bundled mapping name → :class:`Mapping`;
* :func:`load_table_schema` / :func:`pandera_schema` — the canonical schemas.
"""

from impact.ingest.mapping import Mapping, bundled_mappings, load_mapping
from impact.ingest.raw_table import RawTable
from impact.ingest.readers import read_raw
from impact.ingest.schema import (
    TABLES,
    FieldSpec,
    TableSchema,
    load_table_schema,
    pandera_schema,
)
from impact.ingest.single_file import derive_age, read_table, validate_file
from impact.ingest.study import load_study, validate_study
from impact.ingest.study_data import SourceFile, StudyData, ValidationReport
from impact.ingest.translate import apply_mapping
from impact.ingest.validate import validate_frame

__all__ = [
    "TABLES",
    "FieldSpec",
    "Mapping",
    "RawTable",
    "SourceFile",
    "StudyData",
    "TableSchema",
    "ValidationReport",
    "apply_mapping",
    "bundled_mappings",
    "derive_age",
    "load_mapping",
    "load_study",
    "load_table_schema",
    "pandera_schema",
    "read_raw",
    "read_table",
    "validate_file",
    "validate_frame",
    "validate_study",
]
