"""Inspections service (检查与隐患): inspections, the hazard ledger and its rectification."""
