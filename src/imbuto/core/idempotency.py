"""The Idempotency-Key header as every write endpoint states it (intake keeps the records)."""

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# The header as the OpenAPI document states it: visible ASCII, inner spaces allowed (check_key
# accepts any printable text; HTTP headers are ASCII).
KEY_SCHEMA = {"min_length": 1, "max_length": MAX_KEY_LENGTH, "pattern": "^[!-~]([ -~]*[!-~])?$"}
