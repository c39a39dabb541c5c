"""Tanjai (ทันใจ): complaint management for the Provincial Waterworks Authority of Thailand."""

__version__ = "0.1.0"
