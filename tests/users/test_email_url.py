"""EMAIL_URL is read strictly: every accepted form, and a clear error for the rest."""

import pytest

from imbuto.core.email_url import (
    CONSOLE_BACKEND,
    SMTP_BACKEND,
    EmailUrlError,
    parse_email_url,
    parse_from_address,
)


def test_console_is_the_default_form():
    assert parse_email_url("console://") == {"BACKEND": CONSOLE_BACKEND, "OPTIONS": {}}


@pytest.mark.parametrize(("url", "host", "port", "tls", "ssl", "user", "password"), [
    ("smtp://mail.local", "mail.local", 25, False, False, "", ""),
    ("smtp://127.0.0.1:2525", "127.0.0.1", 2525, False, False, "", ""),
    ("smtp+tls://ada:s3cret@smtp.example.com:587", "smtp.example.com", 587, True, False, "ada", "s3cret"),
    ("smtp+tls://smtp.example.com", "smtp.example.com", 587, True, False, "", ""),
    ("smtp+ssl://u%40x.it:p%3Aw%2Fd@smtp.example.com", "smtp.example.com", 465, False, True,
     "u@x.it", "p:w/d"),
    ("SMTP+SSL://u:p@[::1]:4650", "::1", 4650, False, True, "u", "p"),
])
def test_smtp_forms(url, host, port, tls, ssl, user, password):
    mailer = parse_email_url(url)
    assert mailer["BACKEND"] == SMTP_BACKEND
    s = mailer["OPTIONS"]
    assert (s["host"], s["port"], s["use_tls"], s["use_ssl"]) == (host, port, tls, ssl)
    assert (s["username"], s["password"]) == (user, password)
    assert s["timeout"] == 10


def test_a_timeout_option():
    assert parse_email_url("smtp://h?timeout=3")["OPTIONS"]["timeout"] == 3


@pytest.mark.parametrize("url", [
    "", "smtp", "http://mail.example.com", "smtps://h", "smtp://", "smtp://:25",
    "smtp://h:notaport", "smtp://h:99999", "smtp://h/path", "smtp://h?tls=1", "smtp://h?timeout=0",
    "smtp://h?timeout=1&timeout=2", "console://somewhere", "console://?x=1",
])
def test_anything_else_is_refused(url):
    with pytest.raises(EmailUrlError):
        parse_email_url(url)


def test_the_password_is_not_in_the_error():
    with pytest.raises(EmailUrlError) as exc:
        parse_email_url("smtp+tls://ada:hunter2@h/oops")
    assert "hunter2" not in str(exc.value)


def test_the_from_address():
    assert parse_from_address(" Imbuto <leads@example.com> ") == "Imbuto <leads@example.com>"
    assert parse_from_address("leads@example.com") == "leads@example.com"
    for bad in ("", "Imbuto", "leads@", "a@b\r\nBcc: x@y"):
        with pytest.raises(EmailUrlError):
            parse_from_address(bad)


def test_settings_fail_at_start_up_on_a_bad_url(tmp_path):
    """A subprocess imports the settings as the server would."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "EMAIL_URL": "smtp+starttls://h", "IMBUTO_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "imbuto.settings"}
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "EMAIL_URL scheme 'smtp+starttls' is not supported" in run.stderr
    env["EMAIL_URL"] = "smtp+tls://u:p@mail.example.com:2587"
    run = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import "
                          "settings as s; o = s.MAILERS['default']['OPTIONS']; print(o['host'], "
                          "o['port'], o['use_tls'], s.DEFAULT_FROM_EMAIL)"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["mail.example.com", "2587", "True", "Imbuto", "<imbuto@localhost>"]
