#!/usr/bin/env bash
# The credential chain, one source at a time, with a temporary HOME: the
# mock records which access key signed the calls and which roles were assumed.
. "$(dirname "$0")/lib.sh"
clean_env
mock_start --snapshot "$SRC/examples/account"
scan() { "$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --controls DDB-12 --format json "$@" >"$TMP/out" 2>"$TMP/err"; }
used() { mock_stats | jq -r --arg k "$1" '.keys_used[$k] // 0'; }
reset_files() { rm -rf "$HOME/.aws"; mkdir -p "$HOME/.aws"; }

# 1. Environment variables.
long_term
scan
check "env: exit 1 and signed with the env key" [ $? -eq 1 ] && check "env key used" [ "$(used AKIDMOCKLONGTERM01)" -gt 0 ]
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# 2. Shared credentials file, default and named profile; AWS_PROFILE; --profile beats env.
cat >"$HOME/.aws/credentials" <<'C'
# test file
[default]
aws_access_key_id = AKIDMOCKLONGTERM01
aws_secret_access_key = mock-secret-key-long-term

[temp]
aws_access_key_id=ASIAMOCKTEMPORARY1
aws_secret_access_key=mock-secret-key-temporary
aws_session_token=mock-session-token-1
C
scan; check "credentials file default profile" [ $? -eq 1 ]
before=$(used ASIAMOCKTEMPORARY1)
AWS_PROFILE=temp scan; check "AWS_PROFILE=temp with session token" [ $? -eq 1 ]
check "temp key used" [ "$(used ASIAMOCKTEMPORARY1)" -gt "$before" ]
AWS_ACCESS_KEY_ID=AKIDBOGUS AWS_SECRET_ACCESS_KEY=bogus scan --profile temp
check "--profile wins over environment variables" [ $? -eq 1 ]
scan --profile nosuch; check "unknown profile exits 2" [ $? -eq 2 ]
check "unknown profile message" grep -q "the config profile (nosuch) could not be found" "$TMP/err"

# 3. Config file: custom AWS_CONFIG_FILE, credential_process, role_arn + source_profile + external_id.
reset_files
cat >"$TMP/creds-process.sh" <<'P'
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDMOCKLONGTERM01", "SecretAccessKey": "mock-secret-key-long-term"}'
P
chmod +x "$TMP/creds-process.sh"
cat >"$TMP/config" <<C
[profile proc]
credential_process = $TMP/creds-process.sh
region = us-east-1

[profile base]
aws_access_key_id = AKIDMOCKLONGTERM01
aws_secret_access_key = mock-secret-key-long-term

[profile auditor]
role_arn = arn:aws:iam::123456789012:role/SecurityAudit
source_profile = base
external_id = ext-42

[profile needs-mfa]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/me

[profile broken]
credential_process = /bin/false
C
export AWS_CONFIG_FILE="$TMP/config"
scan --profile proc; check "credential_process" [ $? -eq 1 ]
scan --profile auditor; check "assume role from source_profile" [ $? -eq 1 ]
check "AssumeRole called with the role and external id" \
  [ "$(mock_stats | jq -r '.assume_role[-1] | "\(.role) \(.external_id)"')" = "arn:aws:iam::123456789012:role/SecurityAudit ext-42" ]
check "scan signed with the assumed role's key" [ "$(used ASIAMOCKTEMPORARY1)" -gt 0 ]
# Temporary credentials that expire within five minutes are refreshed during the scan.
cat >"$TMP/short-lived.sh" <<P
#!/bin/sh
echo x >>"$TMP/short-lived.count"
echo '{"Version": 1, "AccessKeyId": "ASIAMOCKTEMPORARY1", "SecretAccessKey": "mock-secret-key-temporary", "SessionToken": "mock-session-token-1", "Expiration": "'\$(date -u -d '+120 seconds' +%Y-%m-%dT%H:%M:%SZ)'"}'
P
chmod +x "$TMP/short-lived.sh"
printf '[profile short]\ncredential_process = %s\n' "$TMP/short-lived.sh" >>"$TMP/config"
scan --profile short; check "short-lived credentials scan" [ $? -eq 1 ]
check "refreshed before expiry" grep -q "credentials refreshed" "$TMP/err"
check "credential_process ran again" [ "$(wc -l <"$TMP/short-lived.count")" -ge 2 ]
scan --profile needs-mfa </dev/null
check "mfa_serial without a terminal exits 2" [ $? -eq 2 ]
check "mfa message" grep -q "needs an MFA code (mfa_serial) and there is no terminal" "$TMP/err"
scan --profile broken; check "failing credential_process exits 2" [ $? -eq 2 ]
check "credential_process message" grep -q "credential_process of profile broken exited with status 1" "$TMP/err"
unset AWS_CONFIG_FILE

# 4. Web identity (CI OIDC).
echo "header.payload.signature" >"$TMP/oidc-token"
AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/oidc-token" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci scan
check "web identity" [ $? -eq 1 ]
check "AssumeRoleWithWebIdentity called" [ "$(mock_stats | jq -r '.assume_role[-1].op')" = AssumeRoleWithWebIdentity ]

# 5. Container credentials (full URI + authorization token).
AWS_CONTAINER_CREDENTIALS_FULL_URI="$URL/container-creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=mock-container-auth scan
check "container credentials" [ $? -eq 1 ]
AWS_CONTAINER_CREDENTIALS_FULL_URI="$URL/container-creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong scan
check "container endpoint refusing exits 2" [ $? -eq 2 ]

# 6. EC2 instance metadata, IMDSv2 only.
AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$URL" scan
check "IMDSv2 credentials" [ $? -eq 1 ]
check "IMDSv2 session token requested" [ "$(mock_stats | jq -r '.imds_token // 0')" -gt 0 ]

# 7. --debug logs requests and answers (STS hands out a secret key and token) with secrets redacted.
export AWS_CONFIG_FILE="$TMP/config"
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --controls DDB-12 --profile auditor --debug >"$TMP/out" 2>"$TMP/debug"
check "debug log written" grep -q "^\[debug\] -> POST" "$TMP/debug"
check "debug shows redaction" grep -q "REDACTED" "$TMP/debug"
check "no secret key, token or signature in the debug log" bash -c \
  "! grep -qE 'mock-secret-key|mock-session-token|Signature=[0-9a-f]{64}' '$TMP/debug' '$TMP/out'"
unset AWS_CONFIG_FILE

# 8. Nothing at all: one clear message, exit 2.
scan; check "no credentials exits 2" [ $? -eq 2 ]
check "no credentials message" grep -q "no AWS credentials found" "$TMP/err"
check "single line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
# No secret in any message above.
check "no secret in errors" bash -c "! grep -rq 'mock-secret-key' '$TMP/err' '$TMP/out'"
finish
