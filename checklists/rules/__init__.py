"""Metrology calculators: verdicts by the regulations, thresholds read from data files."""
