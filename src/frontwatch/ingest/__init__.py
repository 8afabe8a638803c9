"""Reading input documents and screening them before the NLP pipeline (docs/input.md)."""

from __future__ import annotations

from .readers import SUPPORTED_SUFFIXES, iter_documents
from .screen import LanguageProfile, language_profile, screen

__all__ = ["SUPPORTED_SUFFIXES", "LanguageProfile", "iter_documents", "language_profile", "screen"]
