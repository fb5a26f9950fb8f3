#!/usr/bin/env bash
# One fix plan per resource (issue 20 item 6): the demo's legacy-reporting
# instance fails DMS-01 and DMS-02 (both recreate), DMS-06 (tags), DMS-09
# (minor upgrades), DMS-10 (Multi-AZ) and, with examples/dbward.yaml,
# CUS-01 (engine version), and uses sg-0e9f8a7b6c5d4e3f2, which fails
# DMS-11. The script has one procedure for it: DMS-02's (it makes the new
# key), its create command carrying every other setting, the in-place
# fixes and DMS-01's procedure left out with a line saying where they
# went. The expected create command is written here by hand.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples/account
cd "$TMP" || exit 2
"$DBWARD" scan --snapshot "$EX" --config "$SRC/examples/dbward.yaml" -o r.json 2>/dev/null
run 0 "$DBWARD" remediate r.json -o fix.sh
RI=arn:aws:dms:us-east-1:123456789012:rep:LEGACYREPORTING4Q9ZT
want='#   4. aws dms create-replication-instance --region us-east-1 --replication-instance-identifier legacy-reporting-new --replication-instance-class dms.t3.medium --allocated-storage 100 --replication-subnet-group-identifier dms-vpc-0b2c3d4e5f6071829 --vpc-security-group-ids sg-0e9f8a7b6c5d4e3f2 --kms-key-id "$KEY_ARN" --no-publicly-accessible --tags Key=DataClassification,Value=REPLACE_ME --auto-minor-version-upgrade --multi-az --engine-version 3.5.3'
has fix.sh "$want"
CHECKS=$((CHECKS + 1))
n=$(grep -c 'create-replication-instance' fix.sh)
[ "$n" -eq 1 ] || { echo "FAIL: $n create-replication-instance commands, want 1"; FAILS=$((FAILS + 1)); }
lacks fix.sh "--no-multi-az"
lacks fix.sh "[DMS-01] $RI"
lacks fix.sh "modify-replication-instance --region us-east-1 --replication-instance-arn $RI --multi-az"
lacks fix.sh "modify-replication-instance --region us-east-1 --replication-instance-arn $RI --auto-minor-version-upgrade"
lacks fix.sh "--replication-instance-arn $RI --engine-version 3.5.3"
lacks fix.sh "--resource-arn $RI --tags"
has fix.sh "#   also: DMS-01 (PubliclyAccessible is true (public address 54.210.33.17)"
has fix.sh "): this procedure fixes it too"
has fix.sh "#   also: DMS-10 (production instance (Environment=prod) has MultiAZ false): carried into the create command"
has fix.sh "#   also: the new resource uses sg-0e9f8a7b6c5d4e3f2, which fails DMS-11"
# The folded fixes keep their heading, saying where the change went.
CHECKS=$((CHECKS + 1))
grep -A3 -F "# [DMS-10] $RI" fix.sh | grep -qF "the resource is recreated below: this change is made in its create command" ||
  { echo "FAIL: DMS-10's heading does not say where its fix went"; FAILS=$((FAILS + 1)); }
# The security group's own in-place fix stays, before the recreate.
CHECKS=$((CHECKS + 1))
sg=$(grep -n -F "# [DMS-11] arn:aws:ec2:us-east-1:123456789012:security-group/sg-0e9f8a7b6c5d4e3f2" fix.sh | cut -d: -f1)
rc=$(grep -n -F "# [DMS-02] $RI" fix.sh | cut -d: -f1)
[ -n "$sg" ] && [ -n "$rc" ] && [ "$sg" -lt "$rc" ] || { echo "FAIL: the SG fix must come before the recreate"; FAILS=$((FAILS + 1)); }
# Selecting only DMS-01: its own procedure, nothing folded from unselected controls.
run 0 "$DBWARD" remediate r.json -c DMS-01 -o only.sh
has only.sh "# [DMS-01] $RI"
has only.sh "--kms-key-id arn:aws:kms:us-east-1:123456789012:key/7d2e9c10-3b5f-4e8a-9c61-2f4a8b1d0e57 --no-publicly-accessible"
lacks only.sh "#   also:"
bash -n fix.sh || { echo "FAIL: fix.sh is not valid bash"; FAILS=$((FAILS + 1)); }
CHECKS=$((CHECKS + 1))
finish
