"""Reporting service (报表): monthly risk reports, statistics, assessments and exports."""
