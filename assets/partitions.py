"""Reporting-year partitions: static keys "2008" … the current year.

A reporting year is a label decided by parsing a report, not a time window, so the keys are static
(see README, "Why static year partitions"). 2008 is the first year of these reports.
"""

import dagster as dg

from schemas.catalog import reporting_years

YEARS = dg.StaticPartitionsDefinition([str(y) for y in reporting_years()])

# Cross-year assets (rollups) refresh after any year partition of what they read changes. Not plain
# ``AutomationCondition.eager()``: its ``~any_deps_missing`` waits for *every* static year 2008 … now to
# exist, which never happens, and its ``newly_missing`` would build a rollup from an empty warehouse.
AFTER_ANY_YEAR_CHANGES = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("after any year changes")
