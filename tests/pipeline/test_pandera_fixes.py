"""The pandera patch answers an exact string-dtype match with ``True`` and changes no verdict."""

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.engines import pandas_engine
from pandera.typing import Series

import schemas.tables  # noqa: F401  (applies the patch)

CONTAINERS = {
    "strings": pd.Series(["a", None, "c"], dtype="str"),
    "empty strings": pd.Series([], dtype="str"),
    "objects": pd.Series(["a", 1, None], dtype=object),
    "integers": pd.Series([1, 2, 3]),
}


@pytest.mark.parametrize("name", CONTAINERS)
def test_patched_string_check_gives_the_verdicts_of_the_original(name):
    container = CONTAINERS[name]
    string = pandas_engine.Engine.dtype(str)
    original = pandas_engine.STRING.check.__wrapped__(string, pandas_engine.Engine.dtype(container.dtype), container)
    patched = string.check(pandas_engine.Engine.dtype(container.dtype), container)
    if isinstance(original, np.ndarray) and original.all():
        assert patched is True
    else:
        assert np.array_equal(np.asarray(patched), np.asarray(original))


def test_exact_string_columns_validate_and_wrong_ones_still_fail():
    class Strict(pa.DataFrameModel):
        name: Series[str]

        class Config:
            strict = True

    assert Strict.validate(pd.DataFrame({"name": pd.Series(["x", "y"], dtype="str")})).shape == (2, 1)
    with pytest.raises(pa.errors.SchemaErrors) as failed:
        Strict.validate(pd.DataFrame({"name": [1, 2]}), lazy=True)
    assert failed.value.failure_cases["check"].str.startswith("dtype(").all()
