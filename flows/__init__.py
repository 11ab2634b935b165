"""flows stage of claimwatch."""
