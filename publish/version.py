"""The version of publish: one place, imported by every module that stamps an edition."""

__version__ = "0.2.0"
