"""The real `imbuto` console script in subprocesses, on a temporary SQLite file: exit codes, output
streams, and `imbuto serve` answering HTTP with the demo logins."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

try:
    import psutil
except ImportError:  # bench extra; without it the process checks are skipped
    psutil = None

IMBUTO = str(Path(sys.executable).with_name("imbuto"))


def imbuto(db: Path, *args: str, stdin: str | None = None, timeout: float = 180):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "IMBUTO_SECRET_KEY": "cli-test"}
    return subprocess.run([IMBUTO, *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One database migrated and loaded through the script for the whole module (each run of the
    script starts Django, which costs a second or more: the rest is tested with call_command)."""
    path = tmp_path_factory.mktemp("cli") / "imbuto.sqlite3"
    done = imbuto(path, "migrate", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr
    done = imbuto(path, "demo", "--leads", "30", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert "Loaded demo data" in done.stdout
    return path


def assert_refused(done, rc: int, text: str) -> None:
    assert done.returncode == rc, (done.returncode, done.stdout, done.stderr)
    assert text in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_user_add_from_stdin_then_a_token_alone_on_stdout(db):
    done = imbuto(db, "user", "add", "ugo", "--role", "rep", "--team", "North", "--password-stdin",
                  stdin="Ugo-secret-2026\n")
    assert done.returncode == 0 and "Created user ugo (rep, team North)" in done.stdout, done.stderr
    done = imbuto(db, "token", "ugo")
    assert done.returncode == 0 and done.stderr == ""
    assert imbuto(db, "check").returncode == 0
    assert re.fullmatch(r"imb_[A-Za-z0-9_-]{20,}\n", done.stdout)


def test_misuse_gives_a_message_and_an_exit_code_not_a_traceback(db, tmp_path):
    assert_refused(imbuto(db), 2, "usage: imbuto")
    assert_refused(imbuto(db, "token", "nobody"), 1, "No user named 'nobody'")
    assert_refused(imbuto(db, "user", "add", "ivo", "--role", "boss"), 2, "invalid choice")
    assert_refused(imbuto(db, "frobnicate"), 1, "Unknown command")
    assert_refused(imbuto(tmp_path / "empty.sqlite3", "demo"), 1, "imbuto migrate")
    bad = subprocess.run([IMBUTO, "check"], env={**os.environ, "DATABASE_URL": "nosuch://x"},
                         capture_output=True, text=True, timeout=60)
    assert_refused(bad, 2, "configuration error")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def login(base: str, username: str, password: str) -> str:
    """Log in through the real form (CSRF cookie and token) and return the final URL."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    with opener.open(urllib.request.Request(base + "login/", data=body,
                                            headers={"Referer": base + "login/"}), timeout=10) as r:
        return r.url


def test_serve_prints_url_and_demo_logins_and_serves_the_login_page(db):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "IMBUTO_SECRET_KEY": "cli-test",
           "PORT": str(port), "IMBUTO_ACCESS_LOG": "0"}
    proc = subprocess.Popen([IMBUTO, "serve", "--workers", "1", "--threads", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        assert wait_for(base + "login/") == 200
        assert "/login/" not in login(base, "giulia", "imbuto-demo")
        assert login(base, "giulia", "wrong-password").endswith("/login/")
        assert_refused(imbuto(db, "serve", "--port", str(port)), 1, "Cannot listen")
        children = psutil.Process(proc.pid).children(recursive=True) if psutil else []
        assert not psutil or any(c.cmdline()[-1:] == ["worker"] for c in children)
        assert not psutil or any(c.cmdline()[-1:] == ["scheduler"] for c in children)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    if psutil:  # the task worker and the gunicorn workers stop with the server
        _, alive = psutil.wait_procs(children, timeout=20)
        assert not alive, alive
    assert f"http://127.0.0.1:{port}/" in out
    assert "demo logins (password 'imbuto-demo')" in out and "giulia" in out and "marta" in out
    assert "Traceback" not in out
