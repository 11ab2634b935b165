"""The DuckDB warehouse: migrations, bulk loaders, views and the reader/writer discipline."""

from warehouse.db import (
    WarehouseBusy,
    WarehouseError,
    check_warehouse,
    create_views,
    lock_path,
    migrate,
    open_db,
    publish_snapshot,
    reader,
    schema_version,
    snapshot_path,
    write_lock,
    writer,
)

__all__ = [
    "WarehouseBusy",
    "WarehouseError",
    "check_warehouse",
    "create_views",
    "lock_path",
    "migrate",
    "open_db",
    "publish_snapshot",
    "reader",
    "schema_version",
    "snapshot_path",
    "write_lock",
    "writer",
]
