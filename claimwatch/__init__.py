"""claimwatch: track claims about AI progress and check them against what shipped."""

__version__ = "0.1.0"
