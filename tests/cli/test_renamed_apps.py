"""A database made before `accounts` became `users` is carried over by `imbuto migrate`, data kept.

The old database is made the way the old code left it: a database migrated by today's code, then its
users tables, migration records, content types and audit labels put back under the old label."""

import shutil
import sqlite3

import pytest

from tests.cli.test_script import imbuto


def make_old(path) -> None:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if r[0].startswith("users_")]
    assert "users_user" in tables and "users_apitoken" in tables
    for table in tables:
        con.execute(f'ALTER TABLE "{table}" RENAME TO "accounts{table[len("users"):]}"')
    con.execute("UPDATE django_migrations SET app = 'accounts' WHERE app = 'users'")
    con.execute("UPDATE django_content_type SET app_label = 'accounts' WHERE app_label = 'users'")
    con.execute("UPDATE core_auditevent SET object_type = REPLACE(object_type, 'users.', 'accounts.')")
    con.commit()
    con.close()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One database migrated by today's code (a migration from scratch costs seconds); tests copy it."""
    db = tmp_path_factory.mktemp("renamed") / "migrated.sqlite3"
    done = imbuto(db, "migrate", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr
    return db


def test_an_old_database_keeps_its_users_tokens_history_and_audit(tmp_path, migrated):
    db = tmp_path / "old.sqlite3"
    shutil.copy(migrated, db)
    done = imbuto(db, "user", "add", "ugo", "--role", "rep", "--team", "North", "--password-stdin",
                  stdin="Ugo-secret-2026\n")
    assert done.returncode == 0, done.stderr
    assert imbuto(db, "token", "ugo").returncode == 0
    make_old(db)

    done = imbuto(db, "migrate", "--no-input")
    assert done.returncode == 0, done.stderr
    assert "Carried the 'accounts' app's tables and records over to its new name." in done.stdout
    con = sqlite3.connect(db)
    assert con.execute("SELECT username, role FROM users_user").fetchall() == [("ugo", "rep")]
    assert con.execute("SELECT COUNT(*) FROM users_apitoken").fetchone() == (1,)
    assert con.execute("SELECT name FROM users_team").fetchall() == [("North",)]
    assert con.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'accounts'").fetchone() == (0,)
    assert con.execute("SELECT COUNT(*) FROM django_content_type WHERE app_label = 'accounts'"
                       ).fetchone() == (0,)
    assert sorted(r[0] for r in con.execute("SELECT DISTINCT object_type FROM core_auditevent")) == [
        "users.apitoken", "users.user"]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
    done = imbuto(db, "user", "list")
    assert done.returncode == 0 and "ugo" in done.stdout, done.stderr
    done = imbuto(db, "migrate", "--no-input")  # carried over once: the second run has nothing to do
    assert done.returncode == 0 and "Carried" not in done.stdout


def test_records_under_both_names_stop_the_migration_with_a_message(tmp_path, migrated):
    db = tmp_path / "both.sqlite3"
    shutil.copy(migrated, db)
    con = sqlite3.connect(db)
    con.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('accounts', '0001_initial', "
                "'2026-01-01')")
    con.commit()
    con.close()
    done = imbuto(db, "migrate", "--no-input")
    assert done.returncode != 0
    assert "recorded under both 'accounts' and 'users'" in done.stderr + done.stdout
