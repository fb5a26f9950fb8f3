#!/usr/bin/env bash
# The secret canary: distinctive secret keys, session tokens, a web identity
# token, a container authorization token, DMS endpoint passwords (JSON ones
# holding quotes, ExtraConnectionAttributes in every spelling) and a userinfo
# password in --endpoint-url are planted in every credential source and in
# the endpoint settings. Every
# command and every output format then runs, --debug on and off, live and
# offline; no canary may appear in any output, log or file dbward wrote.
. "$(dirname "$0")/lib.sh" "$@"
clean_env
CANARIES=(CanarySecretKeyQ7w3Zp9 CanaryTempSecretM4k8Xv2 CanarySessionTokenR5t1Yh6 CanaryWebIdentityJwtB2c6
          CanaryContainerAuthJ3n7 CanaryEndpointPasswordK8s2 CanaryEcaPasswordD4f9 CanaryKafkaSaslW1e5
          mock-secret-key-temporary mock-session-token-1)
OUT="$TMP/out"      # everything dbward writes goes here
IN="$TMP/in"        # the planted inputs (they hold the canaries on purpose)
mkdir -p "$OUT" "$IN"
# ExtraConnectionAttributes secrets under every spelling of issue 15, each
# value holding , & " \" = (and one quoted value holding ;) with a distinct
# random-looking tail after every separator: a leak of any part shows.
ECA_KEYS=(PWD Pwd PASSWORD passwd asmPassword authPassword sslClientKeyPassword secretKey accessKey sessionToken)
ECA_VALUES=('Qm7Hx2Lc,Tp4Vn8Ra&Wd3Ks9Gy"Bz6Fj1Nu\"Ck5Rw7Me=Ys2Hq8Dv'
            'Lf4Zp9Tb,Gh2Xm6Wq&Nc8Rv3Jd"Pk5Ys7Aw\"Ue1Hn4Mz=Dt9Qc2Bx'
            'Vr6Kb3Yd,Hs8Np1Qz&Ew4Tm7Cg"Ja2Lx5Rf\"Mb9Wk3Du=Zq6Gc8Hn'
            '"Xt5Jw8Pd;Kc2Mq7Vz\"Rb4Ls9Hy,Fn6Wg1Tk&Ad3Qp8Ue=Gm2Cz7Yv"'
            'Sb9Dq4Wm,Ky6Hf2Rc&Tn3Zv8Lp"Ux5Gj1Ne\"Cw7Mb4Yq=Ph2Ks9Ad'
            'Ng8Rt3Fx,Wz5Lc1Qm&Jp7Hv4Bd"Ek2Ys9Tu\"Mq6Dg3Zw=Cf8Nx1Rb'
            'Hd3Mw7Kp,Zr1Ty5Gc&Bq8Vn2Lx"Fs4Jm9We\"Ya6Ct3Pu=Kg7Rd2Nz'
            'Tc4Gv9Nh,Ld7Wq2Mk&Rx5Bz8Fp"Ys1Ke6Jt\"Ha3Uc9Dm=Wn4Pq7Zb'
            'Mz2Xk6Tr,Gw9Db3Yh&Pq4Nc7Lv"Ju8Fe1Rs\"Kt5Am2Wx=Bd6Hz9Qg'
            'Fy7Pn3Wd,Rc5Hm8Kt&Xq2Lb6Gz"Sv9Dj4Ne\"Ua1Wr7Cm=Zk3Tf8Hp')
ECA="heartbeatEnable=Y"
for i in "${!ECA_KEYS[@]}"; do ECA="$ECA;${ECA_KEYS[$i]}=${ECA_VALUES[$i]}"; done
ECA="$ECA;compressionType=GZIP"
# JSON passwords holding \" (a quote, and a backslash then a quote).
JSON_PW1='Vk8Rm3Qz"Tw5Hd9Lc'
JSON_PW2='Yb4Nc7Wp\"Gs2Kf6Mx'
URL_PW='Pz6Wq2Hc7Nd'  # the password of a userinfo in --endpoint-url
SECRETS=("${ECA_VALUES[@]}" "$JSON_PW1" "$JSON_PW2" "$URL_PW")
# A snapshot whose DMS endpoints carry passwords, as a careless export might.
cp -r "$SRC/examples/account" "$IN/snap"
for f in "$IN"/snap/*/dms/describe-endpoints.json; do
  jq --arg eca "$ECA" --arg pw1 "$JSON_PW1" --arg pw2 "$JSON_PW2" \
     '.Endpoints |= map(. + {"MongoDbSettings": {"Password": "CanaryEndpointPasswordK8s2", "Username": "app"},
                              "KafkaSettings": {"SaslPassword": "CanaryKafkaSaslW1e5"},
                              "DocDbSettings": {"Password": $pw1}, "RedisSettings": {"AuthPassword": $pw2},
                              "ExtraConnectionAttributes": ("password=CanaryEcaPasswordD4f9;" + $eca)})' \
     "$f" > "$f.tmp" && mv "$f.tmp" "$f"
done
# A custom control that puts the attribute and a password into the report:
# its resource id and its fix (reasons and commands come from redacted answers).
cat > "$IN/dbward.yaml" <<'Y'
custom_controls:
  - id: CUS-01
    title: DMS endpoints carry no connection attributes
    severity: low
    nist_csf: [PR.DS-1]
    control_statements: []
    description: canary
    why: canary
    audit: aws dms describe-endpoints
    resource_type: AWS::DMS::Endpoint
    call: dms describe-endpoints
    list: Endpoints
    id_expression: ExtraConnectionAttributes
    condition: "false"
    remediation_kind: in-place
    remediation: >-
      aws dms modify-endpoint --endpoint-arn {EndpointArn} --extra-connection-attributes {ExtraConnectionAttributes}
      --password {MongoDbSettings.Password} --docdb {DocDbSettings.Password}
Y
check "the planted snapshot holds the canaries" grep -rq CanaryEndpointPasswordK8s2 "$IN/snap"
mock_start --snapshot "$IN/snap"
# Credential sources.
cat > "$IN/credentials" <<C
[default]
aws_access_key_id = AKIDCANARYLONGTERM
aws_secret_access_key = CanarySecretKeyQ7w3Zp9
[session]
aws_access_key_id = ASIACANARYSESSION1
aws_secret_access_key = CanaryTempSecretM4k8Xv2
aws_session_token = CanarySessionTokenR5t1Yh6
C
cat > "$IN/proc.sh" <<'P'
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "ASIACANARYSESSION1", "SecretAccessKey": "CanaryTempSecretM4k8Xv2",
       "SessionToken": "CanarySessionTokenR5t1Yh6", "Expiration": "2099-01-01T00:00:00Z"}'
P
chmod +x "$IN/proc.sh"
printf '[profile proc]\ncredential_process = %s\n' "$IN/proc.sh" > "$IN/config"
printf 'CanaryWebIdentityJwtB2c6' > "$IN/oidc"
n=0
live() { # live NAME [VAR=VALUE...]: scan live with every report format, --debug off and on
  local name=$1; shift
  for dbg in "" --debug; do
    n=$((n + 1))
    local d="$OUT/$name$dbg"
    mkdir -p "$d"
    env "$@" "$DBWARD" scan --endpoint-url "$URL" --config "$IN/dbward.yaml" $dbg --save-snapshot "$d/snap" --db "$OUT/history.db" \
      -o "json:$d/r.json" -o "sarif:$d/r.sarif" -o "ocsf:$d/r.ocsf" -o "asff:$d/r.asff" -o "html:$d/r.html" \
      -o "csv:$d/r.csv" -o "junit:$d/r.xml" -o "matrix:$d/m.txt" -o "matrix-md:$d/m.md" >"$d/stdout" 2>"$d/stderr"
    local rc=$?
    check "live scan $name $dbg completes (exit $rc)" [ "$rc" -eq 1 ]
  done
}
live env-long-term AWS_ACCESS_KEY_ID=AKIDCANARYLONGTERM AWS_SECRET_ACCESS_KEY=CanarySecretKeyQ7w3Zp9
live env-session AWS_ACCESS_KEY_ID=ASIACANARYSESSION1 AWS_SECRET_ACCESS_KEY=CanaryTempSecretM4k8Xv2 \
  AWS_SESSION_TOKEN=CanarySessionTokenR5t1Yh6
live file-default AWS_SHARED_CREDENTIALS_FILE="$IN/credentials"
live file-session AWS_SHARED_CREDENTIALS_FILE="$IN/credentials" AWS_PROFILE=session
live process AWS_CONFIG_FILE="$IN/config" AWS_PROFILE=proc
live web-identity AWS_WEB_IDENTITY_TOKEN_FILE="$IN/oidc" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci
live container AWS_CONTAINER_CREDENTIALS_FULL_URI="$URL/container-creds" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN=CanaryContainerAuthJ3n7
# A failing run must not leak either: wrong secret, debug on.
AWS_ACCESS_KEY_ID=AKIDCANARYLONGTERM AWS_SECRET_ACCESS_KEY=CanarySecretKeyQ7w3Zp9-wrong \
  "$DBWARD" scan --endpoint-url "$URL" --debug >"$OUT/bad.stdout" 2>"$OUT/bad.stderr"
# A userinfo password in --endpoint-url: never in a debug line or a message.
for dbg in "" --debug; do
  n=$((n + 1))
  mkdir -p "$OUT/userinfo$dbg"
  AWS_ACCESS_KEY_ID=AKIDCANARYLONGTERM AWS_SECRET_ACCESS_KEY=CanarySecretKeyQ7w3Zp9 \
    "$DBWARD" scan --endpoint-url "http://canaryuser:$URL_PW@127.0.0.1:$PORT/" $dbg --config "$IN/dbward.yaml" \
    --save-snapshot "$OUT/userinfo$dbg/snap" -o "json:$OUT/userinfo$dbg.json" >"$OUT/userinfo$dbg.stdout" 2>"$OUT/userinfo$dbg.stderr"
  rc=$?
  check "live scan with a userinfo endpoint $dbg ends (exit $rc: 1, or 2 while the signer signs the typed authority)" \
    [ "$rc" -eq 1 -o "$rc" -eq 2 ]
done
# Error messages that name a URL: an unreachable STS endpoint (web identity)
# and an unreachable container credentials endpoint, both with a userinfo.
AWS_WEB_IDENTITY_TOKEN_FILE="$IN/oidc" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci \
  "$DBWARD" scan --endpoint-url "http://canaryuser:$URL_PW@127.0.0.1:1/" --debug >"$OUT/sts-down.stdout" 2>"$OUT/sts-down.stderr"
check "an unreachable userinfo STS endpoint fails" [ $? -ne 0 ]
AWS_CONTAINER_CREDENTIALS_FULL_URI="http://canaryuser:$URL_PW@127.0.0.1:1/creds" \
  "$DBWARD" scan --endpoint-url "$URL" --debug >"$OUT/container-down.stdout" 2>"$OUT/container-down.stderr"
check "an unreachable userinfo container endpoint fails" [ $? -ne 0 ]
check "the STS error names the endpoint host without its userinfo" grep -q "cannot connect to 127.0.0.1" "$OUT/sts-down.stderr"
check "the STS error holds no userinfo" bash -c "! grep -q canaryuser \"$OUT/sts-down.stderr\""
check "the debug log shows the endpoint without its userinfo" \
  grep -q "^\[debug\] -> POST http://127.0.0.1:$PORT/ " "$OUT/userinfo--debug.stderr"
# Offline, every format and every other command, on the planted snapshot.
for fmt in text json csv junit sarif ocsf asff html matrix matrix-md; do
  "$DBWARD" scan --snapshot "$IN/snap" --config "$IN/dbward.yaml" --format "$fmt" >"$OUT/offline.$fmt" 2>>"$OUT/offline.stderr"
done
"$DBWARD" scan --snapshot "$IN/snap" --config "$IN/dbward.yaml" --db "$OUT/history.db" -o "json:$OUT/off.json" -o /dev/null 2>>"$OUT/offline.stderr"
"$DBWARD" remediate "$OUT/off.json" >"$OUT/fix.sh" 2>&1
"$DBWARD" diff "$OUT/env-long-term/r.json" "$OUT/off.json" >"$OUT/diff.txt" 2>&1
"$DBWARD" diff "$OUT/env-long-term/r.json" "$OUT/off.json" --format json >"$OUT/diff.json" 2>&1
"$DBWARD" diff --db "$OUT/history.db" >"$OUT/diff-db.txt" 2>&1
"$DBWARD" history --db "$OUT/history.db" --format json >"$OUT/history.json" 2>&1
"$DBWARD" controls --format json >"$OUT/controls.json" 2>&1
for id in DMS-04 DMS-05 DMS-12; do "$DBWARD" explain "$id" >"$OUT/explain-$id" 2>&1; done
"$DBWARD" snapshot-script >"$OUT/collect.sh" 2>&1
"$DBWARD" query 'Endpoints[].EndpointIdentifier' <"$IN/snap/us-east-1/dms/describe-endpoints.json" >"$OUT/query" 2>&1
# The SQLite history is binary: dump it as text too.
/usr/bin/python3 -c 'import sqlite3,sys; [print(r) for r in sqlite3.connect(sys.argv[1]).iterdump()]' \
  "$OUT/history.db" >"$OUT/history.sql"
check "$n live scans ran" [ "$n" -eq 16 ]
check "the debug log has requests in it" grep -q "POST" "$OUT/env-session--debug/stderr"
check "the saved snapshot received the passwords and redacted them" \
  grep -q '"Password": "\[REDACTED\]"' "$OUT/env-long-term/snap/us-east-1/dms/describe-endpoints.json"
check "the saved snapshot keeps the endpoints" grep -q EndpointIdentifier "$OUT/env-long-term/snap/us-east-1/dms/describe-endpoints.json"
check "the saved attributes keep their keys and the harmless values" \
  grep -q 'heartbeatEnable=Y;PWD=\[REDACTED\];Pwd=\[REDACTED\]' "$OUT/env-long-term/snap/us-east-1/dms/describe-endpoints.json"
check "the debug log shows the attributes redacted" grep -q 'sessionToken=\[REDACTED\];compressionType=GZIP' \
  "$OUT/env-long-term--debug/stderr"
check "the custom control reported the redacted attributes" grep -q 'passwd=\[REDACTED\]' "$OUT/off.json"
# Every canary whole, and every 6-byte fragment of every planted secret value
# (any leaked tail of 6 bytes or more contains one).
: >"$TMP/patterns"
for c in "${CANARIES[@]}"; do printf '%s\n' "$c" >>"$TMP/patterns"; done
for v in "${SECRETS[@]}"; do
  for ((k = 0; k + 6 <= ${#v}; k++)); do printf '%s\n' "${v:k:6}" >>"$TMP/patterns"; done
done
sort -u -o "$TMP/patterns" "$TMP/patterns"
npat=$(wc -l <"$TMP/patterns")
files=$(find "$OUT" -type f | wc -l)
hits=$(grep -rlaF -f "$TMP/patterns" "$OUT" | head -5)
found=$(grep -rhoaF -f "$TMP/patterns" "$OUT" | sort -u | head -5 | tr '\n' ' ')
check "none of $npat canaries and fragments appears in any of $files files (found ${found:-none} in ${hits:-none})" [ -z "$hits" ]
for c in "${CANARIES[@]}"; do
  hits=$(grep -rlaF -- "$c" "$OUT" | head -5)
  check "canary $c appears in none of $files files (found in: ${hits:-none})" [ -z "$hits" ]
done
echo "canary sweep: ${#CANARIES[@]} canaries, ${#SECRETS[@]} planted secret values (${#ECA_KEYS[@]} attribute spellings), $npat patterns, $files files searched, 0 allowed"
finish
