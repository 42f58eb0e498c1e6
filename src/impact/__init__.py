"""impact — outcome evaluation and impact analysis of employment programmes."""

from impact._version import __version__

__all__ = ["__version__"]
