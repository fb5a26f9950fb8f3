#!/usr/bin/env bash
# S3 REST-XML (ACC-08): path and signature checked against botocore, the redirect of a bucket in
# another region followed once (tests/live/s3_rest.py).
exec /usr/bin/python3 "$2/tests/live/s3_rest.py" "$1" "$2"
