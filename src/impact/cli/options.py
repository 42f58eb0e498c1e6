"""Help texts shared by several commands."""

OUT_FOLDER_HELP = (
    "Output folder: new, empty or written by impact before; only impact's own files in it are "
    "ever replaced (see docs/reliability.md)."
)
