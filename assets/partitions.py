"""Reporting-year partitions: static keys "2008" … the current year.

A reporting year is a label decided by parsing a report, not a time window, so the keys are static
(see README, "Why static year partitions"). 2008 is the first year of these reports.
"""

from datetime import date

import dagster as dg

FIRST_YEAR = 2008
YEARS = dg.StaticPartitionsDefinition([str(y) for y in range(FIRST_YEAR, date.today().year + 1)])
