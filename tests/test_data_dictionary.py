"""The committed data dictionary must be what the schemas generate today."""

from schemas.dictionary import OUTPUT, TABLES, render


def test_dictionary_is_regenerated_after_schema_changes():
    assert OUTPUT.read_text(encoding="utf-8") == render(), "run: python -m schemas.dictionary"


def test_dictionary_covers_every_table_and_column():
    text = render()
    for name, model in TABLES.items():
        assert f"### `{name}`" in text
        assert all(f"| `{column}` |" in text for column in model.to_schema().columns)
