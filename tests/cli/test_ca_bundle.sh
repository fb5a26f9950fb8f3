#!/usr/bin/env bash
# DMS-14's company_ca_bundle: the file is checked before the scan starts. A
# path that does not exist, a symbolic link (never followed), a FIFO, or a
# file without a parsable certificate is exit 2 with a clear message; a good
# bundle gives the verdicts of the case.
. "$(dirname "$0")/lib.sh"
CASE="$SRC/tests/data/controls/DMS-14/pass"
run 0 "$DBWARD" scan --snapshot "$CASE" --controls DMS-14 --status PASS --param "company_ca_bundle=$CASE/bundle.pem"
has "$TMP/out" "chains to the company CA bundle"
run 2 "$DBWARD" scan --snapshot "$CASE" --controls DMS-14 --param "company_ca_bundle=$TMP/none.pem"
has "$TMP/err" "company_ca_bundle: $TMP/none.pem does not exist"
ln -s "$CASE/bundle.pem" "$TMP/link.pem"
run 2 "$DBWARD" scan --snapshot "$CASE" --controls DMS-14 --param "company_ca_bundle=$TMP/link.pem"
has "$TMP/err" "company_ca_bundle: $TMP/link.pem is a symbolic link; dbward does not follow links to its inputs"
mkfifo "$TMP/fifo.pem"
run 2 "$DBWARD" scan --snapshot "$CASE" --controls DMS-14 --param "company_ca_bundle=$TMP/fifo.pem"
has "$TMP/err" "company_ca_bundle: $TMP/fifo.pem is not a regular file"
printf 'not a certificate\n' >"$TMP/text.pem"
run 2 "$DBWARD" scan --snapshot "$CASE" --controls DMS-14 --param "company_ca_bundle=$TMP/text.pem"
has "$TMP/err" "company_ca_bundle: $TMP/text.pem: no PEM certificate in it"
printf -- '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' >"$TMP/bad.pem"
run 2 "$DBWARD" scan --snapshot "$CASE" --controls DMS-14 --param "company_ca_bundle=$TMP/bad.pem"
has "$TMP/err" "company_ca_bundle: $TMP/bad.pem: certificate 1 does not parse"
# Unset (the default): only the dates are judged, and the reason names the issuer.
run 0 "$DBWARD" scan --snapshot "$CASE" --controls DMS-14 --status PASS
has "$TMP/out" "company_ca_bundle is not set, so only the dates are judged"
finish
