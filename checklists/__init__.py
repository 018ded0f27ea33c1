"""The domain of 量衡: checklist definitions, the inspection record and the metrology rules.

Standard library and this package's own data files only: no Qt, no SQL, none of our other
packages (an import-linter contract enforces it). See ``checklists.glossary`` for the Chinese
regulatory term behind each English identifier.
"""
