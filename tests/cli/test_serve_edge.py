"""Issue 8 findings 12 and 13 against a real `imbuto serve` (gunicorn) started by the test:
gunicorn's own 414 is JSON, the documented proxy setup gives Secure cookies and HSTS, and the
start-up banner says when rate limits count per process."""

import http.client
import json
import os
import re
import signal
import subprocess

import pytest

from .test_script import IMBUTO, free_port, imbuto, wait_for


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("edge") / "imbuto.sqlite3"
    done = imbuto(db, "migrate", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr
    done = imbuto(db, "user", "add", "ugo", "--role", "rep", "--password-stdin", stdin="Ugo-secret-2026\n")
    assert done.returncode == 0, done.stderr
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "IMBUTO_SECRET_KEY": "cli-test",
           "PORT": str(port), "IMBUTO_ACCESS_LOG": "0", "IMBUTO_CACHE": "locmem"}
    proc = subprocess.Popen([IMBUTO, "serve", "--workers", "2", "--threads", "2", "--no-worker"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield port, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_a_request_line_gunicorn_refuses_is_answered_in_the_api_json_shape(server):
    port, _ = server
    response, body = request(port, "GET", "/api/v1/leads?q=" + "a" * 9000)
    assert response.status == 414
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(body)["error"]["code"] == "uri_too_long"


def test_a_long_url_under_gunicorns_maximum_reaches_the_api(server):
    port, _ = server
    response, body = request(port, "GET", "/api/v1/leads?q=" + "a" * 6000)  # over gunicorn's default 4094
    assert response.status == 401 and json.loads(body)["error"]["code"] == "unauthorized"


def test_behind_the_documented_proxy_cookies_are_secure_and_hsts_is_sent(server):
    port, _ = server
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.4"}
    response, page = request(port, "GET", "/login/", proxy)
    csrf_cookie = response.getheader("Set-Cookie")
    assert "csrftoken=" in csrf_cookie and "Secure" in csrf_cookie
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
    cookie = csrf_cookie.split(";")[0]
    origin = f"https://127.0.0.1:{port}"
    response, _ = request(port, "POST", "/login/", {
        **proxy, "Cookie": cookie, "Origin": origin, "Referer": origin + "/login/",
        "Content-Type": "application/x-www-form-urlencoded"},
        f"username=ugo&password=Ugo-secret-2026&csrfmiddlewaretoken={token}")
    assert response.status == 302
    cookies = response.headers.get_all("Set-Cookie")
    session = next(c for c in cookies if c.startswith("sessionid="))
    assert "Secure" in session and "HttpOnly" in session


def test_plain_http_keeps_working_without_secure_cookies_or_hsts(server):
    port, _ = server
    response, _ = request(port, "GET", "/login/")
    assert "Secure" not in response.getheader("Set-Cookie")
    assert response.getheader("Strict-Transport-Security") is None


def test_the_banner_says_that_rate_limits_count_per_process(server):
    port, proc = server
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert "rate limits count per process: with 2 workers" in out and "IMBUTO_CACHE=redis" in out
