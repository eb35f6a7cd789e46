"""Databases made before an app was renamed keep working: `migrate` carries them over first.

Renaming an app label (`accounts` became `users` when `leads.Account`, a company, made the old name
ambiguous) changes the table names, the migration records and the content types. Django has no
migration operation for it, and its history check runs before any migration could, so the `migrate`
command (core/management/commands/migrate.py) calls `carry_over_renamed_apps` first. It is a no-op on
a new database and on one already carried over; on an old one it renames, in one transaction, the
tables (their data, keys and indexes stay), the migration records, the content types (history
entries and permissions point at those rows, so they follow) and the audit rows' object labels.
"""

from __future__ import annotations

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# old app label -> new app label, oldest first
RENAMED_APPS: tuple[tuple[str, str], ...] = (("accounts", "users"),)


def carry_over_renamed_apps(connection: BaseDatabaseWrapper) -> list[str]:
    """Rename what each renamed app left under its old label; returns the old labels carried over."""
    tables = set(connection.introspection.table_names())
    if "django_migrations" not in tables:
        return []
    done = []
    qn = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for old, new in RENAMED_APPS:
            cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", [old])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", [new])
            if cursor.fetchone()[0]:
                raise RuntimeError(f"the database has migrations recorded under both {old!r} and {new!r}; "
                                   "it cannot be carried over automatically")
            for table in sorted(t for t in tables if t.startswith(f"{old}_")):
                cursor.execute(f"ALTER TABLE {qn(table)} RENAME TO {qn(new + table[len(old):])}")
            cursor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [new, old])
            if "django_content_type" in tables:
                cursor.execute("UPDATE django_content_type SET app_label = %s WHERE app_label = %s",
                               [new, old])
            if "core_auditevent" in tables:
                cursor.execute("UPDATE core_auditevent SET object_type = %s || SUBSTR(object_type, %s) "
                               "WHERE object_type LIKE %s", [new + ".", len(old) + 2, old + ".%"])
            done.append(old)
    return done
