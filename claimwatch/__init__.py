"""claimwatch: track claims about AI progress and check them against what shipped."""

from config import __version__

__all__ = ["__version__"]
