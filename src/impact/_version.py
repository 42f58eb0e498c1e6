"""The installed package's version (a leaf module: the lowest layers may import it)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("impact")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+local"
