"""`imbuto scoring evaluate FILE.csv --label COLUMN`: one JSON object on stdout; bad input gives a line
on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

# Pure code, no database: run once (the PostgreSQL run) when scripts/test.sh runs both.
pytestmark = pytest.mark.one_database

SRC = str(Path(__file__).resolve().parents[2] / "src")


def write_csv(path: Path, n: int = 200, *, sep: str = ",", labels=("yes", "no"), seed: int = 0,
              label_name: str = "Converted") -> Path:
    rng = random.Random(seed)
    lines = [sep.join(["id", "source", "visits", "time on site", "city", label_name])]
    for i in range(n):
        source = rng.choice(["Referral", "List", "Web", "referral"])
        visits = rng.randint(0, 12)
        p = 0.75 if source.lower() == "referral" else 0.2
        won = rng.random() < p + 0.02 * visits
        time_on = f"{rng.uniform(0, 900):.1f}".replace(".", "," if sep == ";" else ".")
        lines.append(sep.join([str(1000 + i), source, str(visits), time_on,
                               rng.choice(["Milano", "Roma", "Select", ""]), labels[0 if won else 1]]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def evaluate(*args: str) -> dict:
    out = StringIO()
    call_command("scoring", "evaluate", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("sep", "labels"), [
    (",", ("yes", "no")), (";", ("1", "0")), (";", ("True", "False")), ("\t", ("won", "lost")),
    ("|", ("converted", "not converted")), (",", ("Y", "N")),
])
def test_it_evaluates_any_separator_and_label_spelling(tmp_path, capsys, sep, labels):
    path = write_csv(tmp_path / "h.csv", sep=sep, labels=labels)
    call_command("scoring", "evaluate", str(path), "--label", "Converted", "--folds", "3")
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one JSON object, one line
    result = json.loads(out)
    assert {"roc_auc", "pr_auc", "brier", "n_rows", "seconds"} <= set(result)
    assert result["n_rows"] == 200 and result["folds"] == 3 and result["delimiter"] == sep
    assert 0.6 < result["roc_auc"] <= 1 and 0 < result["brier"] < 0.3
    assert "visits" in result["numeric_columns"] and "time on site" in result["numeric_columns"]
    assert "source" in result["categorical_columns"]
    assert result["ignored_columns"] == {"id": "identifier"}


def test_drop_leaves_columns_out(tmp_path):
    path = write_csv(tmp_path / "h.csv")
    result = evaluate(str(path), "--label", "converted", "--drop", "source,city")
    assert "source" not in result["categorical_columns"] and "city" not in result["categorical_columns"]
    assert result["roc_auc"] < 0.75  # the strong column is gone


def test_it_takes_one_unknown_spelling_as_the_opposite_of_a_known_one(tmp_path):
    path = write_csv(tmp_path / "h.csv", labels=("converted", "open"))
    assert evaluate(str(path), "--label", "Converted")["n_rows"] == 200


def error(*args: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("scoring", "evaluate", *args, stdout=StringIO())
    assert exc.value.returncode == 2
    return str(exc.value)


def test_bad_inputs_are_clear_errors(tmp_path):
    good = write_csv(tmp_path / "h.csv")
    assert "no column 'Outcome'" in error(str(good), "--label", "Outcome")
    assert "no such file" in error(str(tmp_path / "missing.csv"), "--label", "x")
    (tmp_path / "empty.csv").write_text("")
    assert "is empty" in error(str(tmp_path / "empty.csv"), "--label", "x")
    (tmp_path / "header.csv").write_text("a,b,Converted\n")
    assert "no outcome" in error(str(tmp_path / "header.csv"), "--label", "Converted")
    (tmp_path / "bin.csv").write_bytes(b"PK\x03\x04\x00\x00\x14\x00binary")
    assert "not a text CSV" in error(str(tmp_path / "bin.csv"), "--label", "x")
    one = write_csv(tmp_path / "one.csv", labels=("yes", "yes"))
    assert "same outcome" in error(str(one), "--label", "Converted")
    few = write_csv(tmp_path / "few.csv", n=6)
    assert "too few rows" in error(str(few), "--label", "Converted")
    odd = write_csv(tmp_path / "odd.csv", labels=("maybe", "perhaps"))
    assert "not a yes/no" in error(str(odd), "--label", "Converted")
    assert "--drop names no column" in error(str(good), "--label", "Converted", "--drop", "nope")
    assert "is a directory" in error(str(tmp_path), "--label", "x")


def run_script(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC, "IMBUTO_SECRET_KEY": "t",
           "DJANGO_SETTINGS_MODULE": "imbuto.settings"}
    code = "import sys; from imbuto.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_real_script_prints_json_and_exits_2_on_bad_input(tmp_path):
    path = write_csv(tmp_path / "h.csv", sep=";", labels=("1", "0"))
    done = run_script("scoring", "evaluate", str(path), "--label", "Converted", "--folds", "2")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n_rows"] == 200
    bad = run_script("scoring", "evaluate", str(path), "--label", "Nope")
    assert bad.returncode == 2 and "no column 'Nope'" in bad.stderr
    assert "Traceback" not in bad.stderr and bad.stdout == ""
    folds = run_script("scoring", "evaluate", str(path), "--label", "Converted", "--folds", "1")
    assert folds.returncode == 2 and "Traceback" not in folds.stderr
