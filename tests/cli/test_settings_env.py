"""Issue 9 section 5: every documented setting is read from the environment, strictly.

The documentation and the code name the same variables (both ways), and a value that cannot be
read stops start-up with a message that names it, instead of quietly meaning False or a default.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from imbuto.core.env import env_bool, env_float, env_int, env_limits, env_str
from imbuto.core.management.commands.serve import default_workers

ROOT = Path(__file__).resolve().parents[2]
READS = re.compile(r'(?:env_(?:bool|int|float|str|list|limits)|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"')
TABLE_ROW = re.compile(r"^\| (`[A-Z][A-Z0-9_]+`.*?) \|", re.M)


def names_in_code() -> set[str]:
    return {name for path in (ROOT / "src" / "imbuto").rglob("*.py")
            for name in READS.findall(path.read_text(encoding="utf-8"))}


def names_in_table(doc: str) -> set[str]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return {name for cell in TABLE_ROW.findall(text) for name in re.findall(r"`([A-Z][A-Z0-9_]+)", cell)}


def test_deployment_docs_list_exactly_the_variables_the_code_reads():
    code, documented = names_in_code(), names_in_table("docs/deployment.md")
    assert code - documented == set(), "read by the code but not in docs/deployment.md"
    assert documented - code == set(), "in docs/deployment.md but read nowhere"


def test_the_readme_table_names_only_variables_the_code_reads():
    assert names_in_table("README.md") - names_in_code() == set()


def start(**env: str) -> subprocess.CompletedProcess:
    """A fresh interpreter loading the settings with these variables, printing a few of them."""
    script = ("import django, json; django.setup(); from django.conf import settings as s; "
              "from imbuto.intake.pipeline.matcher import default_policy as p; "
              "print(json.dumps({'auto': p().auto_merge, 'review': p().review, "
              "'chat': s.IMBUTO_CHAT_RATE_LIMITS, 'debug': s.DEBUG, 'cache': s.IMBUTO_RATE_LIMIT_CACHE, "
              "'proxies': s.IMBUTO_TRUSTED_PROXIES}))")
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "imbuto.settings", **env}
    return subprocess.run([sys.executable, "-c", script], env=full, capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_documented_settings_reach_the_code():
    run = start(IMBUTO_MATCH_AUTO_MERGE="0.8", IMBUTO_MATCH_REVIEW="0.4", IMBUTO_DEBUG="yes",
                IMBUTO_CHAT_RATE_LIMITS="message_per_session=30/60, poll_per_ip=0/60",
                IMBUTO_RATE_LIMIT_CACHE="default", IMBUTO_TRUSTED_PROXIES="1")
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert (seen["auto"], seen["review"], seen["debug"], seen["proxies"]) == (0.8, 0.4, True, 1)
    assert seen["chat"]["message_per_session"] == [30, 60] and seen["chat"]["poll_per_ip"] == [0, 60]
    assert seen["chat"]["start_per_ip"] == [20, 3600]


@pytest.mark.parametrize(("name", "value", "says"), [
    ("IMBUTO_DEBUG", "ture", "IMBUTO_DEBUG='ture'"),
    ("IMBUTO_MAX_BODY_BYTES", "5MB", "IMBUTO_MAX_BODY_BYTES='5MB'"),
    ("IMBUTO_MATCH_AUTO_MERGE", "1.5", "from 0.0 to 1.0"),
    ("IMBUTO_MATCH_REVIEW", "0.95", "must not be above IMBUTO_MATCH_AUTO_MERGE"),
    ("IMBUTO_CHAT_RATE_LIMITS", "messages=3/60", "scope among start_per_ip"),
    ("IMBUTO_RATE_LIMIT_CACHE", "shared", "names no cache"),
    ("IMBUTO_CACHE", "memcached", "one of locmem, redis"),
    ("IMBUTO_TIME_ZONE", "Mars/Olympus", "not a time zone"),
    ("IMBUTO_TRUST_X_FORWARDED_FOR", "1", "replaced by IMBUTO_TRUSTED_PROXIES"),
    ("IMBUTO_TRUSTED_PROXIES", "-1", "IMBUTO_TRUSTED_PROXIES='-1'"),
    ("IMBUTO_LOG_LEVEL", "loud", "IMBUTO_LOG_LEVEL='loud'"),
])
def test_a_value_that_cannot_be_read_stops_start_up_and_names_the_variable(name, value, says):
    run = start(**{name: value})
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and says in run.stderr


def test_the_readers_are_strict(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe'"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="from 1"):
        env_int("X_INT", 3, minimum=1)
    monkeypatch.setenv("X_INT", "")
    assert env_int("X_INT", 3) == 3
    monkeypatch.setenv("X_FLOAT", "abc")
    with pytest.raises(ImproperlyConfigured):
        env_float("X_FLOAT", None)
    monkeypatch.setenv("X_CHOICE", "Redis")
    assert env_str("X_CHOICE", "locmem", choices=("locmem", "redis")) == "redis"
    monkeypatch.setenv("X_LIMITS", "a=1")
    with pytest.raises(ImproperlyConfigured, match="LIMIT/SECONDS"):
        env_limits("X_LIMITS", {"a": (1, 1)})


def test_serve_refuses_a_worker_count_it_cannot_read(monkeypatch):
    monkeypatch.setenv("IMBUTO_WORKERS", "two")
    with pytest.raises(ImproperlyConfigured, match="IMBUTO_WORKERS='two'"):
        default_workers()
    monkeypatch.setenv("IMBUTO_WORKERS", "3")
    assert default_workers() == 3
