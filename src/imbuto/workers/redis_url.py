"""REDIS_URL for messages: without its password."""

from __future__ import annotations

import re

from django.conf import settings


def masked_redis_url() -> str:
    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", settings.REDIS_URL)
