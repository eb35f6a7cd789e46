"""Intake records: where each lead came from, duplicates to review, import jobs (issue #3)."""
