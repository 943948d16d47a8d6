"""A self-hosted, moderated comment system for news sites."""

__version__ = "0.1.0"
