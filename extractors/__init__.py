"""extractors stage of claimwatch."""
