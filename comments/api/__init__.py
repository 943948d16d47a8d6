"""The JSON API under `/api/v1`: reading and writing comments, the caller's account."""
