"""Two ORM operations with their SQL built once instead of on every call.

The ORM compiles each query anew: for a hot path's "load this row by its key" or "insert
this one row" the compiling costs several times what the database then does. These helpers
compile once per database connection (so per thread) and then only run the statement. What
comes back is what the ORM would give: values through the same converters (aware datetimes
on SQLite too), instances built by `Model.from_db`.

`insert` sends no pre_save/post_save signals: use it only for models whose changes are
announced by their own domain signals (see community/signals.py).
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from django.db import connections, models, router

ModelT = TypeVar("ModelT", bound=models.Model)

_compiled = threading.local()


def _cache(alias: str) -> dict[Any, Any]:
    # Per thread: compiled queries hold on to the connection they were compiled for.
    caches = _compiled.__dict__.setdefault("by_alias", {})
    return caches.setdefault(alias, {})


def get_by_pk(model: type[ModelT], pk: Any) -> ModelT | None:
    """`model.objects.get(pk=pk)`, or None where there is no such row."""
    alias = router.db_for_read(model)
    cache = _cache(alias)
    key = ("get", model)
    if key not in cache:
        query = model._default_manager.db_manager(alias).filter(pk=0).query
        compiler = query.get_compiler(alias)
        sql, params = compiler.as_sql()
        if len(params) != 1:  # pragma: no cover - a manager that filters more
            raise ValueError(f"{model.__name__}'s default manager adds conditions")
        select_fields = compiler.klass_info["select_fields"]  # type: ignore[index]
        columns = [compiler.select[index][0] for index in select_fields]
        cache[key] = (
            sql,
            compiler,
            compiler.get_converters(columns),
            [column.target.attname for column in columns],
        )
    sql, compiler, converters, attnames = cache[key]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connections[alias])])
        row = cursor.fetchone()
    if row is None:
        return None
    if converters:
        row = next(iter(compiler.apply_converters([row], converters)))
    return model.from_db(alias, attnames, row)


def insert(instance: models.Model) -> None:
    """Save a new instance (its primary key an auto field) with one prepared INSERT."""
    model = type(instance)
    alias = router.db_for_write(model)
    connection = connections[alias]
    cache = _cache(alias)
    key = ("insert", model)
    meta = model._meta
    if key not in cache:
        fields = [field for field in meta.concrete_fields if not field.primary_key]
        table = connection.ops.quote_name(meta.db_table)
        columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        returning = connection.ops.quote_name(str(meta.pk.column))
        cache[key] = (
            fields,
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {returning}",  # noqa: S608 - names from the model
        )
    fields, sql = cache[key]
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        (pk,) = cursor.fetchone()
    instance.pk = meta.pk.to_python(pk)
    instance._state.adding = False
    instance._state.db = alias
