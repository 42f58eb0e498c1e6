"""Everything impact writes: atomic files and folders, and the output contract.

:mod:`impact.outputs.atomic` (``atomic_file``, ``atomic_directory``) keeps half-written files
out of sight. :class:`impact.outputs.folder.OutputFolder` is the contract every command that
writes a folder or files goes through: it checks the path before any work, locks the folder,
stages the run and replaces only what impact wrote itself (:mod:`~impact.outputs.manifest`,
:mod:`~impact.outputs.checks`, :mod:`~impact.outputs.lock`, :mod:`~impact.outputs.commit`).
"""

from impact.outputs.atomic import atomic_directory, atomic_file
from impact.outputs.folder import OutputFolder, command_line, output_file, result_folder
from impact.outputs.manifest import MANIFEST_NAME, Manifest, read_manifest

__all__ = [
    "MANIFEST_NAME",
    "Manifest",
    "OutputFolder",
    "atomic_directory",
    "atomic_file",
    "command_line",
    "output_file",
    "read_manifest",
    "result_folder",
]
