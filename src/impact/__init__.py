"""impact — outcome evaluation and impact analysis of employment programmes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("impact")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
