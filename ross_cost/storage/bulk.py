"""Each engine's bulk path: DuckDB reads a registered Arrow table, PostgreSQL takes COPY.

SQLAlchemy Core inserts cost ~100 s per million rows on DuckDB; these paths take about a second.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

Row = tuple[Any, ...]


def arrow_type(type_: sa.types.TypeEngine[Any]) -> pa.DataType:
    """The Arrow type DuckDB reads losslessly into a column of this SQL type."""
    if isinstance(type_, sa.DateTime):
        return pa.timestamp("us")
    if isinstance(type_, sa.Date):
        return pa.date32()
    if isinstance(type_, sa.Boolean):
        return pa.bool_()
    if isinstance(type_, sa.Integer):  # BigInteger included
        return pa.int64()
    if isinstance(type_, sa.Numeric):
        return pa.decimal128(type_.precision or 38, type_.scale or 0)
    return pa.string()


def arrow_table(columns: Sequence[sa.ColumnElement[Any]], rows: Sequence[Row]) -> pa.Table:
    transposed: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrays = [pa.array(values, type=arrow_type(col.type)) for col, values in zip(columns, transposed, strict=True)]
    return pa.Table.from_arrays(arrays, names=[col.key for col in columns])


@contextmanager
def registered(conn: sa.Connection, table: pa.Table, prefix: str) -> Iterator[sa.TableClause]:
    """Expose an Arrow table to DuckDB under a unique name for the duration of the block."""
    name = f"ross_{prefix}_{uuid.uuid4().hex}"
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.register(name, table)
    try:
        yield sa.table(name, *(sa.column(field) for field in table.column_names))
    finally:
        driver.unregister(name)


def copy_rows(conn: sa.Connection, target: str, names: Sequence[str], rows: Sequence[Row]) -> None:
    """PostgreSQL COPY through psycopg 3, inside the SQLAlchemy connection's transaction."""
    preparer = conn.dialect.identifier_preparer
    column_list = ", ".join(preparer.quote(name) for name in names)
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {target} ({column_list}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def append_rows(conn: sa.Connection, table: sa.Table, rows: Sequence[Row]) -> None:
    """Append rows given in the table's column order, through the engine's fast path."""
    if not rows:
        return
    columns = list(table.columns)
    if conn.dialect.name == "duckdb":
        with registered(conn, arrow_table(columns, rows), table.name) as source:
            select = sa.select(*(source.c[col.key] for col in columns))
            conn.execute(table.insert().from_select([col.key for col in columns], select))
        return
    target = conn.dialect.identifier_preparer.format_table(table)
    copy_rows(conn, target, [col.key for col in columns], rows)


@contextmanager
def staged(conn: sa.Connection, columns: Sequence[sa.Column[Any]], rows: Sequence[Row]) -> Iterator[sa.TableClause]:
    """A transaction-scoped table holding `rows`, to join against in UPDATE ... FROM or SELECT."""
    if conn.dialect.name == "duckdb":
        with registered(conn, arrow_table(columns, rows), "stage") as source:
            yield source
        return
    name = f"ross_stage_{uuid.uuid4().hex}"
    ddl = ", ".join(f"{col.key} {col.type.compile(conn.dialect)}" for col in columns)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ({ddl}) ON COMMIT DROP")
    copy_rows(conn, name, [col.key for col in columns], rows)
    conn.exec_driver_sql(f"ANALYZE {name}")
    yield sa.table(name, *(sa.column(col.key) for col in columns))
    conn.exec_driver_sql(f"DROP TABLE {name}")  # not on error: the rolled-back transaction drops it
