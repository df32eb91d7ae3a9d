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
#: Values column by column, in the table's column order (cheaper to build and to hand to Arrow than rows).
Columns = Sequence[Sequence[Any]]


def columns_of(rows: Sequence[Row], width: int) -> list[Sequence[Any]]:
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]


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


def arrow_table(columns: Sequence[sa.ColumnElement[Any]], values: Columns) -> pa.Table:
    arrays = [pa.array(column, type=arrow_type(col.type)) for col, column in zip(columns, values, strict=True)]
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


def copy_columns(conn: sa.Connection, target: str, names: Sequence[str], values: Columns) -> None:
    """PostgreSQL COPY through psycopg 3, inside the SQLAlchemy connection's transaction."""
    preparer = conn.dialect.identifier_preparer
    column_list = ", ".join(preparer.quote(name) for name in names)
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {target} ({column_list}) FROM STDIN") as copy:
        for row in zip(*values, strict=True):
            copy.write_row(row)


def append_columns(conn: sa.Connection, table: sa.Table, values: Columns) -> None:
    """Append rows, given column by column in the table's column order, through the engine's fast path."""
    if not values or not values[0]:
        return
    columns = list(table.columns)
    if conn.dialect.name == "duckdb":
        with registered(conn, arrow_table(columns, values), table.name) as source:
            select = sa.select(*(source.c[col.key] for col in columns))
            conn.execute(table.insert().from_select([col.key for col in columns], select))
        return
    target = conn.dialect.identifier_preparer.format_table(table)
    copy_columns(conn, target, [col.key for col in columns], values)


def append_table(conn: sa.Connection, table: sa.Table, rows: pa.Table) -> None:
    """Append an Arrow table whose columns are named like the table's (any order) through the fast path."""
    if rows.num_rows == 0:
        return
    names = rows.column_names
    if conn.dialect.name == "duckdb":
        with registered(conn, rows, table.name) as source:
            conn.execute(table.insert().from_select(names, sa.select(*(source.c[name] for name in names))))
        return
    target = conn.dialect.identifier_preparer.format_table(table)
    copy_columns(conn, target, names, [column.to_pylist() for column in rows.columns])


@contextmanager
def staged(conn: sa.Connection, columns: Sequence[sa.Column[Any]], rows: Sequence[Row]) -> Iterator[sa.TableClause]:
    """A transaction-scoped table holding `rows`, to join against in UPDATE ... FROM or SELECT."""
    values = columns_of(rows, len(columns))
    if conn.dialect.name == "duckdb":
        with registered(conn, arrow_table(columns, values), "stage") as source:
            yield source
        return
    name = f"ross_stage_{uuid.uuid4().hex}"
    ddl = ", ".join(f"{col.key} {col.type.compile(conn.dialect)}" for col in columns)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ({ddl}) ON COMMIT DROP")
    copy_columns(conn, name, [col.key for col in columns], values)
    conn.exec_driver_sql(f"ANALYZE {name}")
    yield sa.table(name, *(sa.column(col.key) for col in columns))
    conn.exec_driver_sql(f"DROP TABLE {name}")  # not on error: the rolled-back transaction drops it
