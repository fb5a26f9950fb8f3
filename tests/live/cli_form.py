#!/usr/bin/python3
"""Compares a live-saved snapshot with the recorded one it was served from,
each recorded answer taken as the AWS CLI would print it (botocore's models:
members the model lacks and nulls dropped, timestamps as datetime.isoformat()).
Usage: cli_form.py RECORDED LIVE"""
import json
import os
import sys

import botocore.session
from botocore import xform_name
from botocore.utils import parse_timestamp

SESSION = botocore.session.get_session()
# Members newer than Debian's models that dbward keeps (scripts/gen-aws-models.py NEWER).
NEWER_THAN_MODEL = {("TableDescription", "DeletionProtectionEnabled"), ("GetKeyPolicyResponse", "PolicyName")}


def op_shape(service, command):
    model = SESSION.get_service_model({"s3api": "s3"}.get(service, service))  # the CLI's name for S3
    for name in model.operation_names:
        if xform_name(name, "-") == command:
            return model.operation_model(name).output_shape
    return None


def cli(value, shape):
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        return {k: cli(v, shape.members[k]) if k in shape.members else v for k, v in value.items()
                if (k in shape.members or (shape.name, k) in NEWER_THAN_MODEL) and v is not None}
    if t == "list" and isinstance(value, list):
        return [cli(v, shape.member) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: cli(v, shape.value) for k, v in value.items()}
    if t == "timestamp" and value is not None:
        return parse_timestamp(value).isoformat()
    return value


def main():
    a, b = sys.argv[1], sys.argv[2]
    bad = 0
    for root, _, files in os.walk(a):
        for f in files:
            if f == "manifest.json":
                continue
            rel = os.path.relpath(os.path.join(root, f), a)
            q = os.path.join(b, rel)
            want = json.load(open(os.path.join(a, rel)))
            parts = rel.split(os.sep)
            shape = None if f.endswith(".error.json") else op_shape(parts[1], parts[2].replace(".json", ""))
            if shape is not None:
                want = cli(want, shape)
            if not os.path.exists(q) or want != json.load(open(q)):
                print("differs:", rel)
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
