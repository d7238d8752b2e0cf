"""A year-pass batch sent back from a worker: its tables go through Arrow IPC files in the run's spool
folder, not through the pool's pipe, and arrive equal, with nothing left in the spool."""

import hashlib
import pickle
from multiprocessing.reduction import ForkingPickler

from assets.core.report import identify
from assets.core.year_pass import YearTask, run_batch
from tests.conftest import SAMPLE_DIR

REPORTS_2021 = ["001_64ff3bdd190e597a.txt", "002_a6a6458d8018b677.txt"]


def _task(spool):
    entries = []
    for name in REPORTS_2021:
        data = (SAMPLE_DIR / name).read_bytes()
        entries.append((name, identify(name, data).report_id, hashlib.sha256(data).hexdigest()))
    return YearTask(SAMPLE_DIR, 2021, entries, spool)


def test_tables_travel_through_the_spool_and_arrive_equal(tmp_path):
    result = run_batch(_task(tmp_path))
    assert not result.failures and len(result.tables) == 9
    sent = bytes(ForkingPickler.dumps(result))  # what the worker puts on the pipe
    assert len(list(tmp_path.iterdir())) == 9  # one IPC file per table
    inline = bytes(ForkingPickler.dumps(run_batch(_task(None))))
    assert len(sent) < len(inline) / 10  # the pipe carries paths and counts, not the tables
    received = pickle.loads(sent)
    assert list(tmp_path.iterdir()) == []  # each file unlinked once mapped
    assert received.tables.keys() == result.tables.keys()
    for output, table in result.tables.items():
        assert received.tables[output].equals(table), output
    assert received.counts == result.counts and received.agencies.equals(result.agencies)
    assert received.agencies.column_names == ["report_id", "source_path", "agency_id"]
