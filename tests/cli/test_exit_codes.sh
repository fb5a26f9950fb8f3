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
# ACC-10's networks: CIDRs (IPv4 or IPv6) and vpc-/vpce- ids, comma-separated; empty is unset.
for v in 10.0.0.0/33 10.0.0.300/8 "10.0.0.0/8,,192.0.2.0/24" 2001:db8::/129 10.0.0.0/08 corp; do
  run 2 "$DBWARD" scan --snapshot "$EX" --param "company_cidrs=$v"
  has "$TMP/err" "is not an IPv4 or IPv6 address or CIDR range"
done
for v in vpc-1 sg-0a1b2c3d4e5f60001 "vpce-0a1b2c3d4e5f60001,vpc-XYZ12345"; do
  run 2 "$DBWARD" scan --snapshot "$EX" --param "company_vpcs=$v"
  has "$TMP/err" "is not a vpc- or vpce- id"
done
for v in "" "10.0.0.0/8, 192.0.2.7" "2001:db8::/32"; do
  run 1 "$DBWARD" scan --snapshot "$EX" --param "company_cidrs=$v" -o /dev/null
done
run 1 "$DBWARD" scan --snapshot "$EX" --param "company_vpcs=vpc-0a1b2c3d,vpce-0a1b2c3d4e5f60001" -o /dev/null
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
