"""Plain multi-row INSERTs for the pipeline's hot tables, without the ORM's per-value overhead.

The ORM's bulk_create prepares every value through its field (about 10 µs each) and builds model
instances with keyword arguments (about 45 µs for a lead); a batch of 10,000 records writes several
hundred thousand values (leads, sources, match keys). Here each column gets one converter, chosen once
per batch, and rows go out through PostgreSQL's COPY (ids drawn from the sequence first) or SQLite's
executemany / multi-row VALUES. Values are never spliced into SQL text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Field, Model

SMALL = 64  # up to this many rows (one API lead and its keys), INSERT ... VALUES beats COPY


# json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False) makes an encoder per value; one encoder with
# the same options gives the same text. Most JSON values of an import are empty (quality flags).
_encode = DjangoJSONEncoder(ensure_ascii=False).encode


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if not value and value.__class__ in (dict, list):
        return "{}" if value.__class__ is dict else "[]"
    return _encode(value)


def _converter(field: Field) -> Callable[[Any], Any] | None:
    """How a Python value becomes a parameter for this column; None when it goes as it is."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json
    if connection.vendor == "postgresql":
        return None
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind in ("DecimalField", "UUIDField", "TimeField"):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


def build(model: type[Model], values: Iterable[dict[str, Any]]) -> list[Model]:
    """Unsaved instances from {attname: value} dicts, defaults evaluated once per batch (positional
    construction is several times faster than keyword arguments for a wide model)."""
    fields = model._meta.concrete_fields
    base = [None if f.primary_key else f.get_default() for f in fields]
    index = {f.attname: i for i, f in enumerate(fields)}
    fresh = [(i, type(v)) for i, v in enumerate(base) if isinstance(v, dict | list)]
    out = []
    for given in values:
        row = base.copy()
        for i, kind in fresh:
            row[i] = kind()
        for name, value in given.items():
            row[index[name]] = value
        out.append(model(*row))
    return out


def insert_rows(model: type[Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]], *,
                returning: bool = False, ignore_conflicts: bool = False,
                prepared: Collection[str] = ()) -> list[int]:
    """INSERT plain rows (values in `attnames` order); with `returning`, the new ids in row order.
    The columns named in `prepared` hold database values already (JSON text, a SQLite timestamp from
    `connection.ops`), passed as they are."""
    if not rows:
        return []
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    converters = [(i, conv) for i, f in enumerate(fields)
                  if f.attname not in prepared and (conv := _converter(f)) is not None]
    if converters:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, conv in converters:
                row[i] = conv(row[i])
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    pk = qn(model._meta.pk.column)
    pg = connection.vendor == "postgresql"
    if pg and len(rows) > SMALL:
        return _pg_copy(model, table, columns, pk, rows, returning=returning,
                        ignore_conflicts=ignore_conflicts)
    ids: list[int] = []
    with connection.cursor() as cursor:
        verb = "INSERT OR IGNORE" if ignore_conflicts and not pg else "INSERT"
        tail = " ON CONFLICT DO NOTHING" if ignore_conflicts and pg else ""
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        if not returning and not pg:
            cursor.executemany(f"{verb} INTO {table} ({columns}) VALUES {one}", rows)
            return ids
        per = max(1, min(500, (connection.features.max_query_params or 60_000) // len(fields)))
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            sql = f"{verb} INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}{tail}"
            cursor.execute(sql + (f" RETURNING {pk}" if returning else ""), [v for row in chunk for v in row])
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def _pg_copy(model: type[Model], table: str, columns: str, pk: str, rows: Sequence[Sequence[Any]], *,
             returning: bool, ignore_conflicts: bool) -> list[int]:
    """PostgreSQL COPY (rows are adapted in C). Ids come from the table's sequence first; rows that
    may conflict go through a temporary table and INSERT ... ON CONFLICT DO NOTHING."""
    # Identifiers below come from the model's meta and are quoted; values travel through COPY.
    ids: list[int] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if returning:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [model._meta.db_table, model._meta.pk.column, len(rows)])
            ids = [r[0] for r in cursor.fetchall()]
            rows = [(pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)]
            columns = f"{pk}, {columns}"
        target = table
        if ignore_conflicts:
            target = connection.ops.quote_name(f"_imbuto_stage_{model._meta.db_table}")
            shape = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {target} ON COMMIT DROP AS {shape}")
            cursor.execute(f"TRUNCATE {target}")
        copy_sql = f"COPY {target} ({columns}) FROM STDIN"
        with raw.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        if connection.queries_logged:  # COPY bypasses Django's cursor wrapper: count it like a query
            connection.queries_log.append({"sql": f"{copy_sql} -- {len(rows)} rows", "time": "0.000"})
        if ignore_conflicts:
            move = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target}"  # noqa: S608
            cursor.execute(move + " ON CONFLICT DO NOTHING")
    return ids


def update(model: type[Model], objs: Sequence[Model], fields_of: Callable[[Model], Iterable[str]]) -> None:
    """UPDATE each instance's own changed columns, one executemany per set of columns (psycopg sends
    them pipelined). The ORM's bulk_update builds a CASE per column and row, which costs more than the
    rest of a merge-heavy batch's writes."""
    if not objs:
        return
    by_name = {f.name: f for f in model._meta.concrete_fields}
    groups: dict[tuple[str, ...], list[Model]] = {}
    for obj in objs:
        groups.setdefault(tuple(sorted(set(fields_of(obj)))), []).append(obj)
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    with connection.cursor() as cursor:
        for names, members in groups.items():
            fields = [by_name[name] for name in names]
            sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
            rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
                    for obj in members]
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608


def insert(model: type[Model], objs: Sequence[Model], *, returning: bool = False,
           ignore_conflicts: bool = False) -> None:
    """INSERT unsaved instances; with `returning` their new primary keys are set, in order."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for field in fields:  # auto_now / auto_now_add, as save() would
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, add=True)
    names = [f.attname for f in fields]
    rows = [[getattr(obj, name) for name in names] for obj in objs]
    ids = insert_rows(model, names, rows, returning=returning, ignore_conflicts=ignore_conflicts)
    for obj, pk in zip(objs, ids, strict=False):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, "default"


_readers: dict[tuple[str, type[Model]], tuple[str, list[str], list[tuple[int, list[Any], Any]]]] = {}


def read_one(model: type[Model], pk: int) -> Model | None:
    """One instance by primary key, exactly as the ORM would load it (same columns, same converters),
    without compiling a query each time: the statement and the converters are worked out once per
    model and connection vendor. The single-lead answer's read cost more in the ORM than in the database."""
    key = (connection.vendor, model)
    reader = _readers.get(key)
    if reader is None:
        fields = model._meta.concrete_fields
        qn = connection.ops.quote_name
        sql = (f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(model._meta.db_table)} "  # noqa: S608
               f"WHERE {qn(model._meta.pk.column)} = %s")
        compiler = connection.ops.compiler("SQLCompiler")(model._default_manager.all().query, connection,
                                                           "default")
        cols = [f.get_col(model._meta.db_table) for f in fields]
        converters = [(i, fns, expr) for i, (fns, expr) in compiler.get_converters(cols).items()]
        reader = _readers[key] = (sql, [f.attname for f in fields], converters)
    sql, attnames, converters = reader
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, fns, expr in converters:
        for fn in fns:
            values[i] = fn(values[i], expr, connection)
    return model.from_db(connection.alias, attnames, values)
