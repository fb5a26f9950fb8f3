#!/usr/bin/env bash
# IAM Identity Center through the mock portal, TLS trust (a CA made here
# with openssl and the mock serving https), and the one-line errors: cannot
# connect, TLS failure, refused, expired, bad region, container host.
. "$(dirname "$0")/lib.sh"
clean_env
unset AWS_CA_BUNDLE  # the machine may set one; each case below sets its own
mock_start --snapshot "$SRC/examples/account"
scan() { "$DBWARD" scan --region us-east-1 --controls DDB-12 --format json "$@" >"$TMP/out" 2>"$TMP/err"; }
line_is() { # line_is DESCRIPTION REGEX: stderr is exactly one line matching REGEX
  check "$1: one line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
  check "$1: message" grep -Eq "$2" "$TMP/err"
  echo "  $1: $(cat "$TMP/err")"
}
sha1() { printf '%s' "$1" | sha1sum | cut -d' ' -f1; }

# 1. An SSO profile audited through the mock portal (sso_session form), then
#    the legacy sso_start_url form, then an expired login.
mkdir -p "$HOME/.aws/sso/cache"
cat >"$HOME/.aws/config" <<'C'
[sso-session corp]
sso_start_url = https://d-123.awsapps.com/start
sso_region = us-east-1

[profile audit-sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = SecurityAudit

[profile audit-legacy]
sso_start_url = https://d-123.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = SecurityAudit
C
printf '{"startUrl": "https://d-123.awsapps.com/start", "region": "us-east-1", "accessToken": "sso-ok-audit", "expiresAt": "2099-01-01T00:00:00Z"}' \
  >"$HOME/.aws/sso/cache/$(sha1 corp).json"
scan --endpoint-url "$URL" --profile audit-sso --format text
check "SSO profile audit exits 1 (DDB-12 fails in the example)" [ $? -eq 1 ]
check "the portal was asked for the role" [ "$(mock_stats | jq -r '.sso_portal[-1] | "\(.account) \(.role)"')" = "123456789012 SecurityAudit" ]
echo "  SSO audit: $(grep -m1 account "$TMP/err")"
sed -n '1,12p' "$TMP/out" | sed 's/^/  | /'
"$DBWARD" scan --endpoint-url "$URL" --region us-east-1 --controls DDB-12 --profile audit-sso --debug >"$TMP/out" 2>"$TMP/err"
check "the SSO access token and the role's keys never reach the debug log" bash -c \
  "! grep -qE 'sso-ok-audit|secret-[0-9A-F]{8}|token-[0-9A-F]{8}' '$TMP/out' '$TMP/err'"
check "whoami names the sso provider" bash -c "'$DBWARD' whoami --endpoint-url '$URL' --profile audit-sso | grep -q ' sso$'"
cp "$HOME/.aws/sso/cache/$(sha1 corp).json" "$HOME/.aws/sso/cache/$(sha1 https://d-123.awsapps.com/start).json"
scan --endpoint-url "$URL" --profile audit-legacy
check "legacy SSO profile audit exits 1" [ $? -eq 1 ]
printf '{"accessToken": "sso-ok-old", "expiresAt": "2001-01-01T00:00:00Z"}' >"$HOME/.aws/sso/cache/$(sha1 corp).json"
scan --endpoint-url "$URL" --profile audit-sso
check "expired SSO login exits 2" [ $? -eq 2 ]
line_is "expired SSO login" "run aws sso login --profile audit-sso$"
# Refreshed with the refresh token: the cache file is rewritten, 0600.
printf '{"accessToken": "sso-old", "expiresAt": "2001-01-01T00:00:00Z", "refreshToken": "refresh-ok-1", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2099-01-01T00:00:00Z"}' \
  >"$HOME/.aws/sso/cache/$(sha1 corp).json"
scan --endpoint-url "$URL" --profile audit-sso
check "refreshed SSO login audits (exit 1)" [ $? -eq 1 ]
check "the cache holds the refreshed token" grep -q '"accessToken": *"sso-ok-refreshed-' "$HOME/.aws/sso/cache/$(sha1 corp).json"
check "the cache file is 0600" [ "$(stat -c %a "$HOME/.aws/sso/cache/$(sha1 corp).json")" = 600 ]
rm -rf "$HOME/.aws"; mkdir -p "$HOME/.aws"

# 2. Cannot connect: a closed port, and a name that does not resolve.
long_term
scan --endpoint-url "http://127.0.0.1:9" --timeout 2
check "closed port exits 2" [ $? -eq 2 ]
line_is "no network (closed port)" "^dbward: cannot connect to 127\.0\.0\.1: .*(refused|connect)"
scan --endpoint-url "http://no-such-host.invalid" --timeout 2
check "unresolvable host exits 2" [ $? -eq 2 ]
line_is "no network (DNS)" "^dbward: cannot connect to no-such-host\.invalid: .*resolve"

# 3. Refused credentials: a wrong secret, an unknown key.
AWS_SECRET_ACCESS_KEY=wrong scan --endpoint-url "$URL"
check "wrong secret exits 2" [ $? -eq 2 ]
line_is "refused (wrong secret)" "^dbward: AWS refused the credentials from environment: .*SignatureDoesNotMatch"
AWS_ACCESS_KEY_ID=AKIDUNKNOWN0000 scan --endpoint-url "$URL"
check "unknown key exits 2" [ $? -eq 2 ]
line_is "refused (unknown key)" "^dbward: AWS refused the credentials from environment: .*InvalidClientTokenId"

# 4. Expired: STS says ExpiredToken; a credential_process hands out expired keys.
echo '[{"call": "sts get-caller-identity", "fault": "expired"}]' >"$TMP/expired.json"
mock_start --snapshot "$SRC/examples/account" --faults "$TMP/expired.json"
scan --endpoint-url "$URL"
check "expired token exits 2" [ $? -eq 2 ]
line_is "expired (STS)" "^dbward: the credentials from environment have expired: .*ExpiredToken"
mock_start --snapshot "$SRC/examples/account"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
printf '#!/bin/sh\necho %s\n' "'{\"Version\": 1, \"AccessKeyId\": \"ASIAX\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2001-01-01T00:00:00Z\"}'" >"$TMP/old.sh"
chmod +x "$TMP/old.sh"
printf '[default]\ncredential_process = %s\n' "$TMP/old.sh" >"$HOME/.aws/config"
scan --endpoint-url "$URL"
check "expired process output exits 2" [ $? -eq 2 ]
line_is "expired (credential_process)" "^dbward: the credentials from credential_process of profile default expired at 2001-01-01T00:00:00Z$"
rm -f "$HOME/.aws/config"
long_term

# 5. Region names: unknown ones are usage errors, unless --endpoint-url.
scan --region us-east-9
check "unknown --region exits 2" [ $? -eq 2 ]
line_is "bad region" "^dbward: unknown region \"us-east-9\" \(--region\)"
AWS_REGION=moon-1 scan
check "unknown AWS_REGION exits 2" [ $? -eq 2 ]
line_is "bad home region" "^dbward: unknown region \"moon-1\""
"$DBWARD" scan --region us-east-9 --endpoint-url "$URL" --controls DDB-12 >/dev/null 2>&1
check "any region name with --endpoint-url" [ $? -ne 2 ]

# A broken config file: its name and line, even when the environment has keys.
printf '[default]\nregion = us-east-1\n[default]\n' >"$HOME/.aws/config"
scan --endpoint-url "$URL"
check "duplicate section exits 2" [ $? -eq 2 ]
line_is "config parse error" "^dbward: $HOME/\.aws/config:3: section \[default\] appears twice in this file$"
rm -f "$HOME/.aws/config"

# 6. The container endpoint may not be any host.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
AWS_CONTAINER_CREDENTIALS_FULL_URI="http://attacker.example:$PORT/container-creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=mock-container-auth \
  scan --endpoint-url "$URL"
check "container host refused exits 2" [ $? -eq 2 ]
line_is "container host" "^dbward: AWS_CONTAINER_CREDENTIALS_FULL_URI names host attacker\.example"
# The host is checked as libcurl parsed it, i.e. where the token would go:
# 0127.0.0.1 is 87.0.0.1 to it, and 127.1 is 127.0.0.1.
for host in "0127.0.0.1" "127.0.0.1.attacker.example" "[::2]" "169.254.170.3"; do
  AWS_CONTAINER_CREDENTIALS_FULL_URI="http://$host:$PORT/container-creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=mock-container-auth \
    "$DBWARD" whoami >"$TMP/out" 2>"$TMP/err"
  check "container host $host refused" grep -q "AWS_CONTAINER_CREDENTIALS_FULL_URI names host" "$TMP/err"
done
for host in "127.0.0.1" "localhost" "127.0.0.9" "127.1"; do
  AWS_CONTAINER_CREDENTIALS_FULL_URI="http://$host:$PORT/container-creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=mock-container-auth \
    "$DBWARD" whoami >"$TMP/out" 2>"$TMP/err"
  check "container host $host allowed (no host error)" bash -c "! grep -q 'names host' '$TMP/err'"
done
long_term

# 7. TLS: a CA made here, a certificate for 127.0.0.1 signed by it, the mock over https.
if command -v openssl >/dev/null; then  # scripts/setup-debian installs it
  (cd "$TMP" && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=dbward test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >srv.ext &&
    openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile srv.ext 2>/dev/null)
  mock_start --snapshot "$SRC/examples/account" --tls-cert "$TMP/srv.pem" --tls-key "$TMP/srv.key"
  HTTPS="https://127.0.0.1:$PORT"
  scan --endpoint-url "$HTTPS"
  check "untrusted CA exits 2" [ $? -eq 2 ]
  line_is "TLS failure" "^dbward: TLS failure with 127\.0\.0\.1: .*(certificate|SSL).*AWS_CA_BUNDLE"
  AWS_CA_BUNDLE="$TMP/ca.pem" scan --endpoint-url "$HTTPS"
  check "AWS_CA_BUNDLE trusts the CA: the audit runs (exit 1)" [ $? -eq 1 ]
  printf '[default]\nca_bundle = %s\n' "$TMP/ca.pem" >"$HOME/.aws/config"
  scan --endpoint-url "$HTTPS"
  check "the profile's ca_bundle trusts the CA (exit 1)" [ $? -eq 1 ]
  rm -f "$HOME/.aws/config"
  AWS_CA_BUNDLE="$TMP/no-such.pem" scan --endpoint-url "$HTTPS"
  check "missing CA bundle exits 2" [ $? -eq 2 ]
  line_is "bad CA bundle path" "^dbward: the CA bundle .*/no-such\.pem cannot be read: No such file or directory$"
else
  check "openssl is installed (scripts/setup-debian lists it)" false
fi
check "no secret in any message" bash -c "! grep -rq 'mock-secret-key' '$TMP/err' '$TMP/out'"
finish
