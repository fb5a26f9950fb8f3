#!/usr/bin/env bash
# Exit status contract: 0 clean, 1 FAIL, 3 ERROR without FAIL, 2 usage or unreadable snapshot.
. "$(dirname "$0")/lib.sh"
EX="$SRC/examples/account"
run 1 "$DBWARD" scan --snapshot "$EX"
has "$TMP/out" "Summary"
mksnap "$TMP/s"
run 0 "$DBWARD" scan --snapshot "$TMP/s" --controls DDB-12
has "$TMP/out" "PASS 1 FAIL 0 ERROR 0"
rm "$TMP/s/us-east-1/dynamodb/describe-table/t.json"
run 3 "$DBWARD" scan --snapshot "$TMP/s" --controls DDB-12
has "$TMP/out" "was not recorded"
run 2 "$DBWARD" scan --snapshot "$TMP/nowhere"
has "$TMP/err" "manifest.json"
run 2 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE -u AWS_ROLE_ARN \
  -u AWS_WEB_IDENTITY_TOKEN_FILE -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -u AWS_CONTAINER_CREDENTIALS_FULL_URI \
  AWS_EC2_METADATA_DISABLED=true HOME="$TMP" "$DBWARD" scan
has "$TMP/err" "no AWS credentials found"
run 2 "$DBWARD" scan --snapshot "$EX" --profile x
has "$TMP/err" "are for live scans"
run 2 "$DBWARD" scan --snapshot "$EX" --format yaml
has "$TMP/err" "--format takes a format name (text, json, csv, junit, sarif, ocsf, asff, html, matrix, matrix-md, markdown)"
run 2 "$DBWARD" scan --snapshot "$EX" --controls XYZ-99
has "$TMP/err" "matches no control"
run 2 "$DBWARD" scan --snapshot "$EX" --param nope=1
has "$TMP/err" "unknown parameter \"nope\""
run 2 "$DBWARD" scan --snapshot "$EX" --param backup_max_age_days=soon
has "$TMP/err" "whole number of days"
for v in 0 33 8x ""; do # source_ip_widest_prefix: 1 to 32
  run 2 "$DBWARD" scan --snapshot "$EX" --param "source_ip_widest_prefix=$v"
  has "$TMP/err" "source_ip_widest_prefix must be a prefix length from 1 to 32"
done
for v in 1 32; do
  run 1 "$DBWARD" scan --snapshot "$EX" --param "source_ip_widest_prefix=$v" -o /dev/null
done
for v in FOO "EXTERNAL," "" "EXTERNAL,,AWS_KMS"; do # key_origins (ACC-09): known origins only
  run 2 "$DBWARD" scan --snapshot "$EX" --param "key_origins=$v"
  has "$TMP/err" "key_origins must be a comma-separated list of AWS_KMS, EXTERNAL, AWS_CLOUDHSM and EXTERNAL_KEY_STORE"
done
run 1 "$DBWARD" scan --snapshot "$EX" --param key_origins=EXTERNAL_KEY_STORE,AWS_KMS -o /dev/null
run 2 "$DBWARD" scan --snapshot "$EX" --param key_material_min_days=0
has "$TMP/err" "key_material_min_days must be a whole number of days"
run 2 "$DBWARD" scan --snapshot "$EX" --region mars-1
has "$TMP/err" "region mars-1 is not in the snapshot's manifest"
run 2 "$DBWARD" scan --snapshot "$EX" --severity urgent
run 2 "$DBWARD" frobnicate
run 2 "$DBWARD" explain
run 2 "$DBWARD" explain NOPE-1
run 2 "$DBWARD" controls --snapshot x
has "$TMP/err" "does not apply"
run 0 "$DBWARD" --version
has "$TMP/out" "dbward 0."
run 0 "$DBWARD" help
has "$TMP/out" "snapshot-script"
finish
