#!/usr/bin/python3
"""Writes src/awsapi/models_gen.c: the subset of the AWS API models (from
Debian's python3-botocore, Apache-2.0) that dbward's calls need: each
service's metadata, the output shapes reachable from the operations dbward
calls, and their paginators. Rerun when the call plan changes (it reads
`dbward plan --format json`: gen-aws-models.py [DBWARD]); the output is
committed so builds need no Python."""
import json
import os
import subprocess
import sys

import botocore.session
from botocore import xform_name

# Calls outside the call plan: credentials (sts) and the organization's accounts.
EXTRA = {
    "sts": ["AssumeRole", "AssumeRoleWithWebIdentity"],
    "organizations": ["ListAccounts", "ListAccountsForParent", "ListOrganizationalUnitsForParent"],
}


# The CLI's service names that botocore spells otherwise (the plan and the
# snapshot use the CLI's: `aws s3api ...`).
BOTO_NAMES = {"s3api": "s3"}


def boto_name(service):
    return BOTO_NAMES.get(service, service)


def plan_calls(session, dbward):
    """The plan's calls (`DBWARD plan --format json`) as {service:
    [OperationName]}, in plan order, then EXTRA."""
    plan = json.loads(subprocess.run([dbward, "plan", "--format", "json"], check=True, capture_output=True,
                                     text=True).stdout)
    calls = {}
    for c in plan["calls"]:
        model = session.get_service_model(boto_name(c["service"]))
        names = [n for n in model.operation_names if xform_name(n, "-") == c["command"]]
        if not names:
            sys.exit("the plan's %s has no operation in botocore's models" % c["call"])
        if names[0] not in calls.setdefault(c["service"], []):
            calls[c["service"]].append(names[0])
    for svc, ops in EXTRA.items():
        for op in ops:
            if op not in calls.setdefault(svc, []):
                calls[svc].append(op)
    return calls


# Members AWS added after Debian's botocore was cut, which controls read (DDB-12
# reads DeletionProtectionEnabled): dbward keeps them, appended to their shape
# as newer models have them; the CLI drops them. scripts/check-shapes.py and
# tests/live/cli_bytes.py allow exactly these (NEWER_THAN_MODEL).
NEWER = {("dynamodb", "TableDescription", "DeletionProtectionEnabled"): "boolean",
         ("kms", "GetKeyPolicyResponse", "PolicyName"): "string"}
SHAPE_KEYS = ("type", "members", "member", "key", "value", "flattened", "locationName", "queryName",
              "resultWrapper", "timestampFormat", "xmlNamespace")


def main():
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    out = {}
    here = os.path.dirname(os.path.abspath(__file__))
    dbward = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "dbward")
    for svc, ops in plan_calls(session, dbward).items():
        model = loader.load_service_model(boto_name(svc), "service-2")
        try:
            pag = loader.load_service_model(boto_name(svc), "paginators-1")["pagination"]
        except Exception:
            pag = {}
        meta = {k: model["metadata"].get(k) for k in ("apiVersion", "protocol", "jsonVersion", "targetPrefix",
                                                       "endpointPrefix", "signingName", "globalEndpoint",
                                                       "signatureVersion") if model["metadata"].get(k) is not None}
        shapes = {}

        def walk(name):
            if name in shapes:
                return
            s = model["shapes"][name]
            keep = {k: v for k, v in s.items() if k in SHAPE_KEYS}
            if "members" in keep:
                keep["members"] = {m: {k: v for k, v in ms.items() if k in ("shape", "locationName", "queryName", "flattened")}
                                   for m, ms in keep["members"].items()}
            if "member" in keep:
                keep["member"] = {k: v for k, v in keep["member"].items() if k in ("shape", "locationName")}
            shapes[name] = keep
            for ms in keep.get("members", {}).values():
                walk(ms["shape"])
            for k in ("member", "key", "value"):
                if k in keep:
                    walk(keep[k]["shape"])

        opmap = {}
        for op in ops:
            o = model["operations"][op]
            entry = {"name": op, "cli": xform_name(op, "-")}
            if model["metadata"]["protocol"].startswith("rest"):  # method and URI template (S3)
                entry["http"] = {k: o["http"][k] for k in ("method", "requestUri")}
            if "output" in o:
                entry["output"] = o["output"]["shape"]
                if "resultWrapper" in o["output"]:
                    entry["resultWrapper"] = o["output"]["resultWrapper"]
                walk(o["output"]["shape"])
            if op in pag:
                p = pag[op]
                entry["paginator"] = {k: p[k] for k in ("input_token", "output_token", "result_key", "more_results",
                                                        "limit_key") if k in p}
            opmap[entry["cli"]] = entry
        for (nsvc, shape, member), type_name in NEWER.items():
            if nsvc == svc and shape in shapes and member not in shapes[shape]["members"]:
                shapes.setdefault("dbward." + member, {"type": type_name})
                shapes[shape]["members"][member] = {"shape": "dbward." + member}
        out[svc] = {"metadata": meta, "operations": opmap, "shapes": shapes}
    # Members keep the model's order: the answers are written in it, as the CLI prints them.
    text = json.dumps(out, separators=(",", ":"))
    dest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "awsapi", "models_gen.c")
    with open(dest, "w") as f:
        f.write("/* models_gen.c: GENERATED by scripts/gen-aws-models.py from Debian's python3-botocore\n"
                " * %s. Do not edit. The AWS API models are Apache-2.0 (see\n"
                " * third_party/botocore-NOTICE); this is the subset dbward calls: metadata, output\n"
                " * shapes and paginators. */\n" % botocore.__version__)
        f.write("#include \"awsapi_int.h\"\n\n")
        f.write("const char dwi_models_json[] =\n")
        for i in range(0, len(text), 100):
            chunk = text[i:i + 100].replace("\\", "\\\\").replace('"', '\\"')
            f.write('    "%s"\n' % chunk)
        f.write("    ;\nconst size_t dwi_models_json_len = sizeof(dwi_models_json) - 1;\n")
    print("wrote %s (%d bytes of model JSON)" % (dest, len(text)), file=sys.stderr)


if __name__ == "__main__":
    main()
