"""Dagster wiring: Definitions, resources from the environment, sensors, asset checks, and the
``govreports`` command line that runs the same assets without the UI."""
