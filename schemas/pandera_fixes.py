"""A work-around for a pandera inefficiency that slows the year pass's validation of every batch.

Belongs here: patches to the validation library, each narrow, exact and removable once fixed upstream.

pandera 0.35 on pandas 3: ``STRING.check`` answers an exact dtype match with an all-True array rather than
``True``, so every string column goes through the element-wise failure path — the failing rows are selected
(none), reshaped into a frame and formatted into a message that is never shown: a fixed cost per string
column, whatever its length, and a batch of 500 reports has ≈ 60 such columns over its nine tables
(benchmarks/RESULTS.md). The patch turns an all-True answer into ``True``; any other answer is passed on as it
was, so every verdict and failure case is unchanged.
"""

from functools import wraps

import numpy as np
from pandera.engines import pandas_engine


def _answer_exact_match_once(check):
    @wraps(check)
    def patched(self, pandera_dtype, data_container=None):
        answer = check(self, pandera_dtype, data_container)
        if isinstance(answer, np.ndarray) and answer.dtype == bool and answer.all():
            return True
        return answer

    patched.answers_exact_match_once = True
    return patched


if not getattr(pandas_engine.STRING.check, "answers_exact_match_once", False):
    pandas_engine.STRING.check = _answer_exact_match_once(pandas_engine.STRING.check)
