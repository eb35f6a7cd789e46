"""Imbuto: self-hosted sales lead management."""

__version__ = "0.1.0"
