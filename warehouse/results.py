"""Query results as text, a record batch at a time, rendered by DuckDB rather than row by row in Python.

`claimwatch sql` streams the Arrow batches of `warehouse.db.read_only_batches` through here: JSON lines
(`to_json` per row) and, for CSV, the columns Arrow's CSV writer cannot write (lists, structs, maps, intervals,
blobs) cast to DuckDB's text form. The work runs in a private in-memory DuckDB, never on the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import duckdb
import numpy as np
import pyarrow as pa


def json_lines(batches: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
    """Render each record batch as UTF-8 JSON lines (one object per row, keys in column order, each ending in \\n).

    Values keep their JSON types (numbers, booleans, null, arrays, objects for structs); dates and timestamps
    become ISO strings; columns DuckDB returned as text (JSON columns included) stay strings.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads = 1")
        for batch in batches:
            if batch.num_rows == 0:
                continue
            con.register("batch", batch)
            try:
                lines = con.sql("SELECT to_json(batch)::VARCHAR || chr(10) AS line FROM batch").to_arrow_table()
            finally:
                con.unregister("batch")
            yield _string_bytes(lines.column(0))
    finally:
        con.close()


def text_columns(batches: Iterable[pa.RecordBatch], positions: Sequence[int]) -> Iterator[pa.RecordBatch]:
    """Each batch with the columns at `positions` cast to text (VARCHAR, as DuckDB prints them), nulls kept."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads = 1")
        select = ", ".join(f"c{k}::VARCHAR" for k in range(len(positions)))
        for batch in batches:
            if not positions:
                yield batch
                continue
            con.register("batch", pa.RecordBatch.from_arrays(
                [batch.column(i) for i in positions], names=[f"c{k}" for k in range(len(positions))]))
            try:
                cast = con.sql(f"SELECT {select} FROM batch").to_arrow_table()  # noqa: S608 (generated names)
            finally:
                con.unregister("batch")
            arrays = list(batch.columns)
            for k, i in enumerate(positions):
                arrays[i] = cast.column(k).combine_chunks().cast(pa.string())
            yield pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)
    finally:
        con.close()


def _string_bytes(column: pa.ChunkedArray) -> bytes:
    """The concatenated contents of a string column without nulls (no separators), no Python string per value."""
    parts: list[bytes] = []
    for chunk in column.chunks:
        arr = chunk.cast(pa.large_string())
        if len(arr) == 0:
            continue
        _, offsets, data = arr.buffers()
        bounds = np.frombuffer(offsets, dtype=np.int64)[[arr.offset, arr.offset + len(arr)]]
        parts.append(data.to_pybytes()[int(bounds[0]):int(bounds[1])])
    return b"".join(parts)
