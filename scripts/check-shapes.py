#!/usr/bin/python3
"""Checks snapshot files against AWS's own API models (Debian's
python3-botocore): every key in every recorded answer must be a member of
the operation's output shape, at every depth, and scalar types must fit.
Usage: check-shapes.py [--lenient] DIR...   (DIR: a snapshot, or a folder of
snapshots). --lenient skips files that are deliberately not valid JSON.
Exits 1 on any mismatch, 77 (skipped) when botocore is not installed."""
import json
import os
import sys

try:
    import botocore.session
    from botocore import xform_name
except ImportError:
    print("botocore not installed: skipped")
    sys.exit(77)

SESSION = botocore.session.get_session()
MODELS = {}
# Members that AWS added after Debian 12's botocore (1.29.27) was cut. Today's
# APIs return them; Debian's aws CLI drops them (DDB-12 then reports ERROR).
NEWER_THAN_MODEL = {("TableDescription", "DeletionProtectionEnabled"), ("GetKeyPolicyResponse", "PolicyName")}
# AWS CLI prints IAM policy documents decoded into objects, not strings.
POLICY_MEMBERS = {"Document", "PolicyDocument", "AssumeRolePolicyDocument"}


def op_model(service, command):
    key = (service, command)
    if key not in MODELS:
        model = SESSION.get_service_model({"s3api": "s3"}.get(service, service))  # the CLI's name for S3
        found = None
        for name in model.operation_names:
            if xform_name(name, "-") == command:
                found = model.operation_model(name)
        MODELS[key] = found
    return MODELS[key]


def check(value, shape, where, errors, member=None):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            errors.append("%s: expected an object for %s" % (where, shape.name))
            return
        for k, v in value.items():
            if k not in shape.members:
                if (shape.name, k) in NEWER_THAN_MODEL:
                    continue
                errors.append("%s: %s is not a member of %s" % (where, k, shape.name))
                continue
            check(v, shape.members[k], where + "." + k, errors, k)
    elif t == "list":
        if not isinstance(value, list):
            errors.append("%s: expected a list" % where)
            return
        for i, v in enumerate(value):
            check(v, shape.member, "%s[%d]" % (where, i), errors)
    elif t == "map":
        if not isinstance(value, dict):
            errors.append("%s: expected a map" % where)
    elif t == "string":
        if member in POLICY_MEMBERS and isinstance(value, dict):
            return
        if not isinstance(value, str):
            errors.append("%s: expected a string" % where)
    elif t == "timestamp":
        if not isinstance(value, str):
            errors.append("%s: expected a timestamp string" % where)
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append("%s: expected a boolean" % where)
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append("%s: expected an integer" % where)
    elif t in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append("%s: expected a number" % where)


def check_snapshot(root, lenient, errors):
    count = 0
    for dirpath, _, files in os.walk(root):
        for fn in files:
            if not fn.endswith(".json") or fn == "manifest.json":
                continue
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, root)
            parts = rel.split(os.sep)
            if len(parts) < 3:
                errors.append("%s: not <region>/<service>/<command>" % rel)
                continue
            service, command = parts[1], parts[2]
            is_error = fn.endswith(".error.json")
            if len(parts) == 3:
                command = command[: -len(".error.json")] if is_error else command[:-5]
            try:
                with open(full) as f:
                    value = json.load(f)
            except ValueError as e:
                if not lenient:
                    errors.append("%s: not JSON (%s)" % (rel, e))
                continue
            count += 1
            if is_error:
                if not isinstance(value, dict) or not isinstance(value.get("code"), str):
                    errors.append("%s: an error file needs a \"code\" string" % rel)
                continue
            op = op_model(service, command)
            if op is None:
                errors.append("%s: %s has no operation %s" % (rel, service, command))
                continue
            check(value, op.output_shape, rel, errors)
    return count


def main(argv):
    lenient = "--lenient" in argv
    dirs = [a for a in argv if a != "--lenient"]
    errors = []
    files = 0
    snaps = 0
    for d in dirs:
        roots = [dp for dp, _, fs in os.walk(d) if "manifest.json" in fs]
        for r in roots:
            snaps += 1
            files += check_snapshot(r, lenient, errors)
    for e in errors:
        print("shape: " + e)
    print("checked %d files in %d snapshot(s): %d problem(s)" % (files, snaps, len(errors)))
    return 1 if errors or files == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
