"""Spam defences as plain functions: fill-time tokens, honeypot, fixed-window counters, CORS origins."""

import os
import time

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory, override_settings

from imbuto.intake.capture import cors, spam


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_token_measures_the_fill_time_and_is_bound_to_its_form():
    now = 1_800_000_000.0
    t = spam.issue_token("abc", now=now)
    assert spam.check_token(t, "abc", 3, now=now + 1) == "too_fast"
    assert spam.check_token(t, "abc", 3, now=now + 3.5) is None
    assert spam.check_token(t, "other", 3, now=now + 10) == "invalid"
    assert spam.check_token(t + "x", "abc", 3, now=now + 10) == "invalid"
    assert spam.check_token("", "abc", 3) == "missing"
    assert spam.check_token(spam.issue_token("abc", now=time.time() - 3 * 24 * 3600), "abc", 3) == "expired"


def test_honeypot():
    assert spam.honeypot_filled({spam.HONEYPOT_FIELD: " http://x "})
    assert not spam.honeypot_filled({spam.HONEYPOT_FIELD: "  "})
    assert not spam.honeypot_filled({})


def test_fixed_window_counter_blocks_after_the_limit_and_resets_next_window():
    limit = spam.Limit("t", "ip1", 2, 60)
    now = 6000.0
    assert [spam.hit(limit, now=now)[0] for _ in range(3)] == [True, True, False]
    allowed, retry = spam.hit(limit, now=now + 10)
    assert not allowed and retry == 51
    assert spam.hit(limit, now=now + 60)[0]
    assert spam.hit(spam.Limit("t", "ip2", 2, 60), now=now)[0]
    assert spam.hit(spam.Limit("t", "ip3", 0, 60), now=now)[0]  # 0 = unlimited


def test_hit_all_reports_the_longest_wait():
    limits = [spam.Limit("a", "x", 1, 60), spam.Limit("b", "x", 1, 3600)]
    assert spam.hit_all(limits, now=7200.0)[0]
    allowed, retry = spam.hit_all(limits, now=7201.0)
    assert not allowed and retry > 3000


# Per process: `make test` runs SQLite and PostgreSQL suites side by side against one Redis.
REDIS_PREFIX = f"imbuto-test-capture-{os.getpid()}"


def _redis_or_skip():
    cache_ = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": REDIS_PREFIX})
    try:
        cache_.get("ping")
    except Exception:  # noqa: BLE001 - any connection problem means: no Redis here
        pytest.skip("Redis is not running")
    return cache_


def test_with_redis_every_worker_shares_one_counter():
    """IMBUTO_CACHE=redis: two processes (two cache clients here) count in the same window."""
    _redis_or_skip()
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                   "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": REDIS_PREFIX}
    with override_settings(CACHES={"default": redis_cache}):
        from django.core.cache import caches

        limit = spam.Limit("shared", "ip", 3, 60)
        now = 12000.0
        first = [spam.hit(limit, now=now)[0] for _ in range(2)]
        other_worker = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": REDIS_PREFIX})
        key = f"imbuto:rl:shared:ip:60:{int(now // 60)}"
        assert other_worker.get(key) == 2
        other_worker.incr(key)
        assert first == [True, True]
        assert spam.hit(limit, now=now)[0] is False
        caches["default"].delete(key)


def test_client_ip_trusts_forwarded_for_only_as_far_as_the_trusted_proxies():
    rf = RequestFactory()
    req = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    assert spam.client_ip(req) == "127.0.0.1"
    with override_settings(IMBUTO_TRUSTED_PROXIES=1):
        assert spam.client_ip(req) == "10.0.0.1"
    with override_settings(IMBUTO_TRUSTED_PROXIES=2):
        assert spam.client_ip(req) == "203.0.113.7"
    assert spam.ip_hash("1.2.3.4") != spam.ip_hash("1.2.3.5") and len(spam.ip_hash("1.2.3.4")) == 32


def test_origins_are_normalised_and_matched_exactly():
    assert cors.parse_origins("https://Shop.Example.com/\nhttp://localhost:8001, junk\n*") == [
        "https://shop.example.com", "http://localhost:8001", "*"]
    rf = RequestFactory()
    ok = rf.get("/", HTTP_ORIGIN="https://shop.example.com")
    assert cors.allowed_origin(ok, ["https://shop.example.com"]) == "https://shop.example.com"
    assert cors.allowed_origin(rf.get("/", HTTP_ORIGIN="https://shop.example.com.evil.io"),
                               ["https://shop.example.com"]) is None
    assert cors.allowed_origin(rf.get("/", HTTP_ORIGIN="http://shop.example.com"),
                               ["https://shop.example.com"]) is None
    assert cors.allowed_origin(rf.get("/", HTTP_ORIGIN="https://any.site"), ["*"]) == "https://any.site"
    assert cors.allowed_origin(rf.get("/"), ["*"]) is None
