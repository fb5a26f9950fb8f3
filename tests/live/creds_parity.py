#!/usr/bin/python3
"""Differential test of the credential chain: every layout below (files in
a temporary HOME plus environment variables) is resolved by `dbward whoami`
and by Debian's botocore (Session().get_scoped_config(), as the AWS CLI
reads the profile first, then get_credentials()) in a forked process with
the same clean environment, each side with its own copy of the files. Both talk to the mock (tests/mock/mock_aws.py
--role-keys), whose STS, IAM Identity Center portal, OIDC and container
endpoints hand out keys derived from how they were asked, so the access key
id tells which chain was followed. They must agree on the access key id and
the provider name, or both fail. A layout marked "deliberate" is a
documented difference (docs/live.md): dbward's outcome is checked instead.

    creds_parity.py DBWARD SRC
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

DBWARD, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
PY = "/usr/bin/python3"

# The botocore side: one process imports botocore once, then forks a child
# per layout that takes the layout's environment and working folder. The
# only values botocore computes from HOME at import time, the two SSO token
# cache folders, are recomputed in the child as the import would have.
ORACLE = r"""
import json, os, sys
import botocore.credentials, botocore.session, botocore.tokens

def resolve(req):
    os.environ.clear()
    os.environ.update(req["env"])
    os.chdir(req["cwd"])
    cache_dir = os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))
    botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR = cache_dir
    botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR = cache_dir
    try:
        s = botocore.session.Session(profile=req["profile"])
        create = s.create_client
        def with_mock(*a, **k):
            k["endpoint_url"] = req["mock"]
            return create(*a, **k)
        s.create_client = with_mock
        s.get_scoped_config()
        c = s.get_credentials()
        if c is None:
            return {"ok": False, "why": "no credentials"}
        f = c.get_frozen_credentials()
        return {"ok": True, "akid": f.access_key, "method": c.method}
    except Exception as e:
        return {"ok": False, "why": "%s: %s" % (type(e).__name__, str(e)[:300])}

for line in sys.stdin:
    req = json.loads(line)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        out = json.dumps(resolve(req)).encode()
        os.write(w, out)
        os._exit(0)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    sys.stdout.write((data.decode() or json.dumps({"ok": False, "why": "harness: the child died"})) + "\n")
    sys.stdout.flush()
"""

LT = "aws_access_key_id = AKIDMOCKLONGTERM01\naws_secret_access_key = mock-secret-key-long-term\n"
ROLE = "arn:aws:iam::123456789012:role/"

# Scripts the layouts run as credential_process (written into TMP).
SCRIPTS = {
    # Prints keys whose id counts its arguments: a shell would change the count.
    "proc.sh": '#!/bin/sh\necho "{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIDPROC$#\\", \\"SecretAccessKey\\": \\"s\\"}"\n',
    "proc-mock.sh": '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "AKIDMOCKLONGTERM01", "SecretAccessKey": "mock-secret-key-long-term"}\'\n',
    "proc-v2.sh": '#!/bin/sh\necho \'{"Version": 2, "AccessKeyId": "AKIDPROCV2", "SecretAccessKey": "s"}\'\n',
    "proc-expired.sh": '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "ASIAPROCEXPIRED", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2001-01-01T00:00:00Z"}\'\n',
    "proc-future.sh": '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "ASIAPROCFUTURE", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}\'\n',
    "proc-fail.sh": "#!/bin/sh\necho oops >&2\nexit 3\n",
    "dir with space/p.sh": '#!/bin/sh\necho "{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIDSPACE$#\\", \\"SecretAccessKey\\": \\"s\\"}"\n',
}


def sso_token(token, expires, refresh=None):
    t = {"startUrl": "https://d-123.awsapps.com/start", "region": "us-east-1", "accessToken": token,
         "expiresAt": expires}
    if refresh:
        t.update({"refreshToken": refresh, "clientId": "cid", "clientSecret": "csecret",
                  "registrationExpiresAt": "2099-01-01T00:00:00Z"})
    return json.dumps(t)


def sha1(s):
    import hashlib
    return hashlib.sha1(s.encode()).hexdigest()


FUTURE = "2099-01-01T00:00:00Z"
PAST = "2001-01-01T00:00:00Z"
SOON = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300))
START = "https://d-123.awsapps.com/start"
SSO_SESSION = "[sso-session corp]\nsso_start_url = %s\nsso_region = us-east-1\n" % START
SSO_PROF = "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Audit\n"
SSO_LEGACY = ("[profile old]\nsso_start_url = %s\nsso_region = us-east-1\nsso_account_id = 111122223333\n"
              "sso_role_name = Audit\n" % START)


def cache(key, body):
    return {".aws/sso/cache/%s.json" % sha1(key): body}


# Each layout: files (paths under HOME, or {TMP}/...), env, profile (--profile).
L = []


def layout(name, files=None, env=None, profile=None, deliberate=None):
    L.append({"name": name, "files": files or {}, "env": env or {}, "profile": profile, "deliberate": deliberate})


C, K = ".aws/config", ".aws/credentials"
# --- environment
layout("env keys", env={"AWS_ACCESS_KEY_ID": "AKIDENV1", "AWS_SECRET_ACCESS_KEY": "s"})
layout("env keys and session token", env={"AWS_ACCESS_KEY_ID": "ASIAENV2", "AWS_SECRET_ACCESS_KEY": "s",
                                          "AWS_SESSION_TOKEN": "t"})
layout("env aws_security_token spelling", env={"AWS_ACCESS_KEY_ID": "ASIAENV3", "AWS_SECRET_ACCESS_KEY": "s",
                                               "AWS_SECURITY_TOKEN": "t"})
layout("env access key without secret: partial credentials", env={"AWS_ACCESS_KEY_ID": "AKIDENV4"},
       files={K: "[default]\n" + LT})
layout("env secret without access key is skipped", env={"AWS_SECRET_ACCESS_KEY": "s"}, files={K: "[default]\n" + LT})
layout("env empty access key is skipped", env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s"},
       files={K: "[default]\n" + LT})
layout("env keys beat AWS_PROFILE", env={"AWS_ACCESS_KEY_ID": "AKIDENV5", "AWS_SECRET_ACCESS_KEY": "s",
                                         "AWS_PROFILE": "p"}, files={K: "[p]\naws_access_key_id = AKIDP\naws_secret_access_key = s\n"})
layout("--profile beats env keys", env={"AWS_ACCESS_KEY_ID": "AKIDENV6", "AWS_SECRET_ACCESS_KEY": "s"},
       files={K: "[p]\naws_access_key_id = AKIDP6\naws_secret_access_key = s\n"}, profile="p")
layout("unknown AWS_PROFILE fails even with env keys", env={"AWS_ACCESS_KEY_ID": "AKIDENV7",
                                                           "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "nosuch"})
layout("env expiration in the past", env={"AWS_ACCESS_KEY_ID": "ASIAENV8", "AWS_SECRET_ACCESS_KEY": "s",
                                          "AWS_SESSION_TOKEN": "t", "AWS_CREDENTIAL_EXPIRATION": PAST})
layout("env expiration in the future", env={"AWS_ACCESS_KEY_ID": "ASIAENV9", "AWS_SECRET_ACCESS_KEY": "s",
                                            "AWS_SESSION_TOKEN": "t", "AWS_CREDENTIAL_EXPIRATION": FUTURE})
layout("AWS_DEFAULT_PROFILE wins over AWS_PROFILE", env={"AWS_DEFAULT_PROFILE": "a", "AWS_PROFILE": "b"},
       files={K: "[a]\naws_access_key_id = AKIDA\naws_secret_access_key = s\n"
                 "[b]\naws_access_key_id = AKIDB\naws_secret_access_key = s\n"})
# --- the credentials file and the INI grammar
layout("credentials file default", files={K: "[default]\n" + LT})
layout("credentials file named profile", env={"AWS_PROFILE": "dev"},
       files={K: "[default]\n" + LT + "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n"})
layout("key names in capitals", files={K: "[default]\nAWS_ACCESS_KEY_ID = AKIDCAPS\nAws_Secret_Access_Key = s\n"})
layout("indented line continues the previous value",
       files={K: "[default]\naws_access_key_id = AKIDCONT\n  aws_secret_access_key = s\n"})
layout("indented first key then deeper key",
       files={K: "[default]\n  aws_access_key_id = AKIDIND\n  aws_secret_access_key = s\n"})
layout("comments with # and ; and a trailing '#' kept in the value",
       files={K: "# top\n; also\n[default]\n# inside\naws_access_key_id = AKIDCMT # not a comment\n"
                 "  ; indented comment\naws_secret_access_key = s\n"})
layout("colon delimiter", files={K: "[default]\naws_access_key_id: AKIDCOLON\naws_secret_access_key: s\n"})
layout("duplicate section in one file", files={K: "[default]\n" + LT + "[default]\n" + LT})
layout("duplicate key in one section", files={K: "[default]\n" + LT + "aws_access_key_id = AKIDDUP\n"})
layout("duplicate key differing in case", files={K: "[default]\n" + LT + "AWS_ACCESS_KEY_ID = AKIDDUP2\n"})
layout("a line before any section", files={K: "aws_region = x\n[default]\n" + LT})
layout("a line without a delimiter", files={K: "[default]\n" + LT + "garbage\n"})
layout("DEFAULT section inherited", files={K: "[DEFAULT]\naws_secret_access_key = s\n[default]\naws_access_key_id = AKIDDEF\n"})
layout("aws_security_token in the credentials file",
       files={K: "[default]\naws_access_key_id = ASIAFILETOK\naws_secret_access_key = s\naws_security_token = t\n"})
layout("empty access key value", files={K: "[default]\naws_access_key_id =\naws_secret_access_key = s\n"})
layout("CRLF line endings", files={K: "[default]\r\naws_access_key_id = AKIDCRLF\r\naws_secret_access_key = s\r\n"})
layout("UTF-8 byte order mark", files={K: "\ufeff[default]\n" + LT})
layout("credentials file header with junk after ]", files={K: "[default] trailing words\n" + LT})
layout("role_arn and source_profile in the credentials file",
       files={K: "[base]\n" + LT + "[default]\nrole_arn = %sCredFile\nsource_profile = base\n" % ROLE})
layout("credential_process in the credentials file", files={K: "[default]\ncredential_process = {TMP}/proc.sh a b\n"})
layout("~ in AWS_SHARED_CREDENTIALS_FILE", env={"AWS_SHARED_CREDENTIALS_FILE": "~/elsewhere/creds"},
       files={"elsewhere/creds": "[default]\naws_access_key_id = AKIDTILDE\naws_secret_access_key = s\n"})
layout("$HOME in AWS_CONFIG_FILE", env={"AWS_CONFIG_FILE": "$HOME/cfg"},
       files={"cfg": "[default]\naws_access_key_id = AKIDVAR\naws_secret_access_key = s\n"})
layout("credentials file keys beat config keys",
       files={K: "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = s\n",
              C: "[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = s\n"})
layout("[profile x] in the credentials file is not profile x", env={"AWS_PROFILE": "x"},
       files={K: "[profile x]\n" + LT})
# --- config file profile names
layout("only [profile default] in config", files={C: "[profile default]\naws_access_key_id = AKIDPD\naws_secret_access_key = s\n"})
layout("[default] then [profile default]: the later wins",
       files={C: "[default]\naws_access_key_id = AKIDD1\naws_secret_access_key = s\n"
                 "[profile default]\naws_access_key_id = AKIDPD2\naws_secret_access_key = s\n"})
layout("[profile default] then [default]: the later wins",
       files={C: "[profile default]\naws_access_key_id = AKIDPD3\naws_secret_access_key = s\n"
                 "[default]\naws_access_key_id = AKIDD3\naws_secret_access_key = s\n"})
layout("double-spaced profile name", env={"AWS_PROFILE": "dev"},
       files={C: "[profile  dev]\naws_access_key_id = AKIDSPACED\naws_secret_access_key = s\n"})
layout("double-quoted profile name with a space", env={"AWS_PROFILE": "my dev"},
       files={C: '[profile "my dev"]\naws_access_key_id = AKIDQUOTED\naws_secret_access_key = s\n'})
layout("single-quoted profile name", env={"AWS_PROFILE": "q"},
       files={C: "[profile 'q']\naws_access_key_id = AKIDSQ\naws_secret_access_key = s\n"})
layout("three words is not a profile", env={"AWS_PROFILE": "a"},
       files={C: "[profile a b]\naws_access_key_id = AKIDAB\naws_secret_access_key = s\n"})
layout("[profilex y] names profile y", env={"AWS_PROFILE": "y"},
       files={C: "[profilex y]\naws_access_key_id = AKIDXY\naws_secret_access_key = s\n"})
layout("unclosed quote: the section is skipped", env={"AWS_PROFILE": "u"},
       files={C: '[profile "u]\naws_access_key_id = AKIDUNC\naws_secret_access_key = s\n'})
layout("[ default ] with spaces is not default",
       files={C: "[ default ]\naws_access_key_id = AKIDSP\naws_secret_access_key = s\n"})
layout("] inside a profile name", env={"AWS_PROFILE": "a]b"},
       files={C: "[profile a]b]\naws_access_key_id = AKIDBR\naws_secret_access_key = s\n"})
layout("nested s3 block beside the keys",
       files={C: "[default]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\n"
                 "aws_access_key_id = AKIDNEST\naws_secret_access_key = s\n"})
layout("nested block line without '=' is a parse error",
       files={C: "[default]\ns3 =\n  addressing_style\naws_access_key_id = AKIDNEST2\naws_secret_access_key = s\n"})
layout("a broken config file fails even with env keys",
       env={"AWS_ACCESS_KEY_ID": "AKIDENVX", "AWS_SECRET_ACCESS_KEY": "s"}, files={C: "[default\nx = 1\n"})
# --- credential_process
layout("credential_process is split, not run by a shell",
       files={C: "[default]\ncredential_process = {TMP}/proc.sh one ; touch {TMP}/PWNED\n"})
layout("credential_process quoted path with a space",
       files={C: "[default]\ncredential_process = \"{TMP}/dir with space/p.sh\" 'x y' z\n"})
layout("credential_process exit status 3", files={C: "[default]\ncredential_process = {TMP}/proc-fail.sh\n"})
layout("credential_process Version 2", files={C: "[default]\ncredential_process = {TMP}/proc-v2.sh\n"})
layout("credential_process missing program", files={C: "[default]\ncredential_process = {TMP}/nope.sh\n"})
layout("credential_process expired output", files={C: "[default]\ncredential_process = {TMP}/proc-expired.sh\n"})
layout("credential_process expiring in the future", files={C: "[default]\ncredential_process = {TMP}/proc-future.sh\n"})
layout("credential_process unclosed quote", files={C: "[default]\ncredential_process = '{TMP}/proc.sh\n"})
layout("credential_process beats config-file keys",
       files={C: "[default]\ncredential_process = {TMP}/proc.sh\naws_access_key_id = AKIDCFG\naws_secret_access_key = s\n"})
layout("credentials-file keys beat credential_process",
       files={C: "[default]\ncredential_process = {TMP}/proc.sh\n",
              K: "[default]\naws_access_key_id = AKIDWINS\naws_secret_access_key = s\n"})
# --- assume role
layout("role_arn with source_profile", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sAudit\nsource_profile = base\n" % ROLE, K: "[base]\n" + LT})
layout("two roles chained", env={"AWS_PROFILE": "r2"},
       files={C: "[profile r1]\nrole_arn = %sOne\nsource_profile = base\n[profile r2]\nrole_arn = %sTwo\n"
                 "source_profile = r1\n" % (ROLE, ROLE), K: "[base]\n" + LT})
layout("source_profile with role_arn and keys stops at its keys", env={"AWS_PROFILE": "top"},
       files={C: "[profile top]\nrole_arn = %sTop\nsource_profile = mid\n[profile mid]\nrole_arn = %sMid\n"
                 "source_profile = base\n" % (ROLE, ROLE), K: "[mid]\n" + LT + "[base]\n" + LT})
layout("self-referencing source_profile with keys", env={"AWS_PROFILE": "self"},
       files={C: "[profile self]\nrole_arn = %sSelf\nsource_profile = self\n" % ROLE, K: "[self]\n" + LT})
layout("self-referencing source_profile without keys", env={"AWS_PROFILE": "self"},
       files={C: "[profile self]\nrole_arn = %sSelf\nsource_profile = self\n" % ROLE})
layout("source_profile loop", env={"AWS_PROFILE": "a"},
       files={C: "[profile a]\nrole_arn = %sA\nsource_profile = b\n[profile b]\nrole_arn = %sB\nsource_profile = a\n"
                 % (ROLE, ROLE)})
layout("source_profile that does not exist", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sX\nsource_profile = ghost\n" % ROLE})
layout("source_profile without credentials", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sX\nsource_profile = empty\n[profile empty]\nregion = us-east-1\n" % ROLE})
layout("both source_profile and credential_source", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sX\nsource_profile = base\ncredential_source = Environment\n" % ROLE,
              K: "[base]\n" + LT})
layout("role_arn with neither source", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sX\n" % ROLE, K: "[r]\n" + LT})
layout("credential_source Environment (with --profile)", profile="r",
       env={"AWS_ACCESS_KEY_ID": "AKIDMOCKLONGTERM01", "AWS_SECRET_ACCESS_KEY": "mock-secret-key-long-term"},
       files={C: "[profile r]\nrole_arn = %sFromEnv\ncredential_source = Environment\n" % ROLE})
layout("credential_source unknown name", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sX\ncredential_source = environment\n" % ROLE})
layout("credential_source EcsContainer", env={"AWS_PROFILE": "r",
                                              "AWS_CONTAINER_CREDENTIALS_FULL_URI": "{MOCK}/container-creds/src"},
       files={C: "[profile r]\nrole_arn = %sFromEcs\ncredential_source = EcsContainer\n" % ROLE})
layout("external_id and duration_seconds reach STS", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sExt\nsource_profile = base\nexternal_id = ext-9\nduration_seconds = 1800\n"
                 % ROLE, K: "[base]\n" + LT})
layout("source_profile with credential_process", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sViaProc\nsource_profile = p\n[profile p]\ncredential_process = "
                 "{TMP}/proc-mock.sh\n" % ROLE})
layout("source_profile with web identity", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sAfterOidc\nsource_profile = w\n[profile w]\nrole_arn = %sOidc\n"
                 "web_identity_token_file = {TMP}/oidc\n" % (ROLE, ROLE), "{TMP}/oidc": "token-abc"})
layout("role_arn in default beats static keys of default",
       files={C: "[default]\nrole_arn = %sD\nsource_profile = base\n" % ROLE,
              K: "[default]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = s\n[base]\n" + LT})
# --- web identity
layout("web identity from the environment", env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{TMP}/oidc", "AWS_ROLE_ARN": ROLE + "Ci"},
       files={"{TMP}/oidc": "header.payload.sig"})
layout("web identity env beats AWS_PROFILE's static keys",
       env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{TMP}/oidc", "AWS_ROLE_ARN": ROLE + "Ci", "AWS_PROFILE": "p"},
       files={"{TMP}/oidc": "header.payload.sig", K: "[p]\naws_access_key_id = AKIDP\naws_secret_access_key = s\n"})
layout("--profile disables web identity env",
       env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{TMP}/oidc", "AWS_ROLE_ARN": ROLE + "Ci"}, profile="p",
       files={"{TMP}/oidc": "header.payload.sig", K: "[p]\naws_access_key_id = AKIDPX\naws_secret_access_key = s\n"})
layout("web identity token without a role", env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{TMP}/oidc"},
       files={"{TMP}/oidc": "header.payload.sig"})
layout("web identity in a profile", env={"AWS_PROFILE": "w"},
       files={C: "[profile w]\nrole_arn = %sProf\nweb_identity_token_file = {TMP}/oidc\n" % ROLE,
              "{TMP}/oidc": "tok2"})
layout("env token file with the profile's role_arn", env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{TMP}/oidc", "AWS_PROFILE": "w"},
       files={C: "[profile w]\nregion = us-east-1\n", K: "[w]\nrole_arn = %sMixed\n" % ROLE, "{TMP}/oidc": "tok3"})
layout("web identity token file missing", env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{TMP}/none", "AWS_ROLE_ARN": ROLE + "Ci"})
layout("web identity token with a trailing newline is sent as it is",
       env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{TMP}/oidc", "AWS_ROLE_ARN": ROLE + "Ci"}, files={"{TMP}/oidc": "tok4\n"})
# --- IAM Identity Center
layout("sso_session with a valid cached token", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF}, **cache("corp", sso_token("sso-ok-1", FUTURE))))
layout("legacy sso_start_url with a valid cached token", env={"AWS_PROFILE": "old"},
       files=dict({C: SSO_LEGACY}, **cache(START, sso_token("sso-ok-legacy", FUTURE))))
layout("sso_session expired token refreshed with the refresh token", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF}, **cache("corp", sso_token("sso-old", PAST, "refresh-ok-7"))))
layout("sso_session expired token, no refresh token", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF}, **cache("corp", sso_token("sso-ok-but-expired", PAST))))
layout("sso_session expired token, refresh refused", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF}, **cache("corp", sso_token("sso-ok-x", PAST, "refresh-bad"))))
layout("sso_session token near expiry, refresh refused, still valid", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF}, **cache("corp", sso_token("sso-ok-soon", SOON, "refresh-bad"))))
layout("legacy sso expired login", env={"AWS_PROFILE": "old"},
       files=dict({C: SSO_LEGACY}, **cache(START, sso_token("expired-legacy", PAST))))
layout("sso no cached token", env={"AWS_PROFILE": "sso"}, files={C: SSO_SESSION + SSO_PROF})
layout("sso_session that does not exist", env={"AWS_PROFILE": "sso"}, files={C: SSO_PROF})
layout("sso profile without sso_region", env={"AWS_PROFILE": "old"},
       files=dict({C: SSO_LEGACY.replace("sso_region = us-east-1\n", "")}, **cache(START, sso_token("sso-ok-2", FUTURE))))
layout("sso start URL differs between profile and session", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF + "sso_start_url = https://other/start\n"},
                  **cache("corp", sso_token("sso-ok-3", FUTURE))))
layout("sso profile without sso_role_name", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF.replace("sso_role_name = Audit\n", "")},
                  **cache("corp", sso_token("sso-ok-4", FUTURE))))
layout("sso beats static keys of the same profile", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF, K: "[sso]\naws_access_key_id = AKIDNOTSSO\naws_secret_access_key = s\n"},
                  **cache("corp", sso_token("sso-ok-5", FUTURE))))
layout("sso cached token is not JSON", env={"AWS_PROFILE": "sso"},
       files=dict({C: SSO_SESSION + SSO_PROF}, **cache("corp", "{not json")))
layout("assume role from an sso_session source profile", env={"AWS_PROFILE": "r"},
       files=dict({C: SSO_SESSION + SSO_PROF + "[profile r]\nrole_arn = %sAfterSso\nsource_profile = sso\n" % ROLE},
                  **cache("corp", sso_token("sso-ok-6", FUTURE))),
       deliberate={"dbward": "ok", "why": "botocore 1.29 looks the sso_session up on the top profile, not the source"})
# --- container and instance metadata
layout("container full URI with a token", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{MOCK}/container-creds/a",
                                               "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok-a"})
layout("container full URI on localhost", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:{PORT}/container-creds/l"})
layout("container full URI on another host is refused",
       env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.169.254:{PORT}/container-creds/x",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok-x"})
layout("container expired keys", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{MOCK}/container-creds/expired"})
layout("container token file", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{MOCK}/container-creds/f",
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{TMP}/ctok"},
       files={"{TMP}/ctok": "tok-from-file"},
       deliberate={"dbward": "ok", "why": "botocore 1.29 predates AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"})
layout("static keys beat the container", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{MOCK}/container-creds/a"},
       files={K: "[default]\n" + LT})
layout("IMDSv2 from the metadata endpoint", env={"AWS_EC2_METADATA_DISABLED": "false",
                                                 "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{MOCK}/"})
# --- legacy files
layout("AWS_CREDENTIAL_FILE of the EC2 tools", env={"AWS_CREDENTIAL_FILE": "{TMP}/ec2creds"},
       files={"{TMP}/ec2creds": "AWSAccessKeyId=AKIDEC2\nAWSSecretKey=s\n"})
layout("AWS_CREDENTIAL_FILE that does not exist", env={"AWS_CREDENTIAL_FILE": "{TMP}/none"})
layout("BOTO_CONFIG file", env={"BOTO_CONFIG": "{TMP}/boto"},
       files={"{TMP}/boto": "[Credentials]\naws_access_key_id = AKIDBOTO\naws_secret_access_key = s\n"})
layout("~/.boto", files={".boto": "[Credentials]\naws_access_key_id = AKIDHOMEBOTO\naws_secret_access_key = s\n"})
# --- more of our own
layout("credentials-file role_arn overrides the config's static keys", env={"AWS_PROFILE": "m"},
       files={C: "[profile m]\naws_access_key_id = AKIDCFGM\naws_secret_access_key = s\n",
              K: "[m]\nrole_arn = %sMerged\nsource_profile = base\n[base]\n" % ROLE + LT})
layout("duration_seconds that is not a number is left out", env={"AWS_PROFILE": "r"},
       files={C: "[profile r]\nrole_arn = %sDur\nsource_profile = base\nduration_seconds = soon\n" % ROLE,
              K: "[base]\n" + LT})
layout("credential_source Ec2InstanceMetadata", env={"AWS_PROFILE": "r", "AWS_EC2_METADATA_DISABLED": "false",
                                                     "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{MOCK}/"},
       files={C: "[profile r]\nrole_arn = %sFromImds\ncredential_source = Ec2InstanceMetadata\n" % ROLE})
layout("sso cached token without expiresAt", env={"AWS_PROFILE": "old"},
       files=dict({C: SSO_LEGACY}, **cache(START, json.dumps({"accessToken": "sso-ok-noexp"}))))
layout("self-referencing default with keys in the credentials file",
       files={C: "[default]\nrole_arn = %sSelfDefault\nsource_profile = default\n" % ROLE, K: "[default]\n" + LT})
layout("config-file keys with aws_session_token", files={C: "[default]\naws_access_key_id = ASIACFGTOK\n"
                                                          "aws_secret_access_key = s\naws_session_token = t\n"})
layout("nested block as the access key", files={K: "[default]\naws_access_key_id =\n  a = b\naws_secret_access_key = s\n"},
       deliberate={"dbward": "fail", "why": "botocore makes a dictionary of the nested block and uses it as the key id"})
# --- nothing
layout("nothing at all")
layout("named profile without credentials", env={"AWS_PROFILE": "empty"}, files={C: "[profile empty]\nregion = eu-west-1\n"})


def make_side(lay, mock, port, base):
    """Writes the layout under base (home and tmp); returns the environment."""
    home = os.path.join(base, "home")
    tmp = os.path.join(base, "tmp")
    os.makedirs(home)
    os.makedirs(tmp)
    subst = lambda s: s.replace("{TMP}", tmp).replace("{HOME}", home).replace("{MOCK}", mock).replace("{PORT}", str(port))
    for name, text in SCRIPTS.items():
        p = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, 0o755)
    for rel, text in lay["files"].items():
        p = subst(rel) if rel.startswith("{") else os.path.join(home, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", newline="") as f:
            f.write(subst(text))
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_DEFAULT_REGION": "us-east-1"}
    env.update({k: subst(v) for k, v in lay["env"].items()})
    return env, tmp


def run_layout(lay, mock, port, base, oracle):
    """Each side gets its own copy of the layout (an SSO refresh rewrites
    the cache), and the two run at the same time."""
    benv, btmp = make_side(lay, mock, port, os.path.join(base, "botocore"))
    denv, dtmp = make_side(lay, mock, port, os.path.join(base, "dbward"))
    cmd = [DBWARD, "whoami", "--endpoint-url", mock] + (["--profile", lay["profile"]] if lay["profile"] else [])
    d = subprocess.Popen(cmd, env=denv, cwd=dtmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    oracle.stdin.write(json.dumps({"env": benv, "cwd": btmp, "profile": lay["profile"], "mock": mock}) + "\n")
    oracle.stdin.flush()
    boto = json.loads(oracle.stdout.readline())
    out, err = d.communicate(timeout=60)
    if d.returncode == 0:
        akid, _, method = out.rstrip("\n").rpartition(" ")
        dw = {"ok": True, "akid": akid, "method": method}
    else:
        dw = {"ok": False, "why": err.strip(), "exit": d.returncode}
    pwned = os.path.exists(os.path.join(dtmp, "PWNED")) or os.path.exists(os.path.join(btmp, "PWNED"))
    return boto, dw, pwned


def main():
    if len(L) < 60:
        print("only %d layouts" % len(L))
        return 1
    work = tempfile.mkdtemp(prefix="dw-parity-")
    port_file = os.path.join(work, "port")
    mock = subprocess.Popen([PY, os.path.join(SRC, "tests/mock/mock_aws.py"), "--snapshot",
                             os.path.join(SRC, "examples/account"), "--port-file", port_file, "--max-seconds", "280",
                             "--role-keys"])
    oracle = subprocess.Popen([PY, "-c", ORACLE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={"PATH": "/usr/bin:/bin", "HOME": work})
    agree = deliberate = 0
    problems = []
    try:
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        port = int(open(port_file).read())
        url = "http://127.0.0.1:%d" % port
        for i, lay in enumerate(L):
            base = os.path.join(work, "l%03d" % i)
            boto, dw, pwned = run_layout(lay, url, port, base, oracle)
            same = (boto["ok"] == dw["ok"] and (not boto["ok"] or (boto["akid"] == dw["akid"] and
                                                                   boto["method"] == dw["method"])))
            one_line = dw["ok"] or (dw.get("exit") == 2 and len(dw["why"].splitlines()) == 1)
            mark = "agree"
            if lay["deliberate"]:
                want_ok = lay["deliberate"]["dbward"] == "ok"
                good = dw["ok"] == want_ok and not same
                mark = "deliberate" if good else "DELIBERATE-CASE-BROKEN"
                deliberate += good
            elif same and one_line and not pwned:
                agree += 1
            else:
                mark = "DIFFER" if not same else ("PWNED" if pwned else "NOT-ONE-LINE")
            show = lambda r: ("%s %s" % (r["akid"], r["method"])) if r["ok"] else ("fails: " + r["why"][:150])
            if boto.get("ok") and not isinstance(boto.get("akid"), str):
                boto["akid"] = json.dumps(boto["akid"])
            print("%-12s %-62s dbward: %s" % (mark, lay["name"][:62], show(dw)))
            if mark not in ("agree", "deliberate"):
                print("             botocore: %s" % show(boto))
                problems.append(lay["name"])
            elif not same:
                print("             botocore: %s" % show(boto))
    finally:
        oracle.stdin.close()
        oracle.wait()
        mock.terminate()
        mock.wait()
        shutil.rmtree(work, ignore_errors=True)
    n = len(L)
    print("%d layouts, %d agree%s" % (n, agree + deliberate,
                                       " (%d by a deliberate difference, docs/live.md)" % deliberate if deliberate else ""))
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
