#!/usr/bin/env bash
# Every request of a live scan, for each odd --endpoint-url form, verified by
# botocore's SigV4Auth from the raw request recorded (tests/live/signed_as_sent.py).
exec /usr/bin/python3 "$2/tests/live/signed_as_sent.py" "$1" "$2"
