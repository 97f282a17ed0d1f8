"""Running OpenCX in production: the worker and server commands, health, metrics, logs, backups.

An entry-point package (beside ``opencx.app`` and ``opencx.cli``): it may use every layer and
no slice imports it. See docs/operations.md.
"""
