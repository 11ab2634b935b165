"""How `claimwatch sql` writes a result: Arrow record batches straight to stdout, never row by row in Python.

- csv: pyarrow's CSV writer, a batch at a time (a header line, then the rows; CRLF line ends as before).
  Columns pyarrow cannot write as CSV (lists, structs, maps, intervals, blobs) are cast to text by DuckDB
  first (`warehouse.results.text_columns`: `[a, b]`, `{'k': 1}`, `3 days`).
- jsonl: one JSON object per row, rendered by DuckDB (`warehouse.results.json_lines`).
- table: the human format, for terminals. Only the first rows are rendered (`claimwatch.cli.TABLE_ROWS`); the
  caption says how many the query returned (the rest are counted, not converted).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv

CSV_EOL = "\r\n"  # what Python's csv module wrote before the writer became Arrow's


def _csv_writable(field: pa.Field) -> bool:
    """Whether pyarrow's CSV writer writes a column of this type as text (as it is)."""
    kind = field.type
    if pa.types.is_nested(kind) or pa.types.is_interval(kind) or pa.types.is_binary(kind) \
            or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        return False
    try:
        pacsv.CSVWriter(io.BytesIO(), pa.schema([field]))
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return True


def write_csv(batches: pa.RecordBatchReader, sink: BinaryIO) -> int:
    """Write every batch as CSV (header first, even for no rows) to a binary stream; return the row count."""
    from warehouse.results import text_columns

    as_text = [i for i, field in enumerate(batches.schema) if not _csv_writable(field)]
    schema = pa.schema([pa.field(f.name, pa.string()) if i in as_text else f
                        for i, f in enumerate(batches.schema)])
    rows = 0
    with pacsv.CSVWriter(sink, schema, write_options=pacsv.WriteOptions(eol=CSV_EOL)) as csv_out:
        for batch in text_columns(batches, as_text):
            csv_out.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
            rows += batch.num_rows
    return rows


def write_jsonl(lines: Iterator[bytes], sink: BinaryIO) -> None:
    """Write already-rendered JSON lines to a binary stream."""
    for chunk in lines:
        sink.write(chunk)


def head_rows(batches: pa.RecordBatchReader, limit: int) -> tuple[list[str], list[list[Any]], int]:
    """The column names, the first `limit` rows as Python values, and how many rows the result has in all."""
    rows: list[list[Any]] = []
    total = 0
    for batch in batches:
        if len(rows) < limit:
            part = batch.slice(0, limit - len(rows))
            columns = [c.to_pylist() for c in part.columns]
            rows.extend([list(values) for values in zip(*columns, strict=True)] if columns else [])
        total += batch.num_rows
    return list(batches.schema.names), rows, total
