#!/usr/bin/python3
"""The test PKI of DMS-14, written with the openssl command: a company root CA
(the company CA bundle), DMS certificates it issued with validity dates
fixed relative to a given "now" (the cases' and the demo's taken_at), and an
outside CA that must not chain. The RSA keys are made once and kept
(tests/data/pki/*.key) so that rerunning writes the same certificates byte
for byte (RSA PKCS#1 v1.5 signatures are deterministic); only the dates,
serials and names below decide the rest.

    certs(now) -> {name: PEM text}   (names: see SPECS)
"""
import datetime
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OPENSSL = "/usr/bin/openssl"

CONFIG = """[ ca ]
default_ca = dw
[ dw ]
dir = %(dir)s
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = anything
unique_subject = no
email_in_dn = no
copy_extensions = none
[ anything ]
commonName = supplied
organizationName = optional
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""

# name: (key, subject, issuer name or None for self-signed, serial, start offset days, end offset days)
# Offsets are days from "now"; the company root and the outside root are fixed far around it.
SPECS = [
    ("company-root", "company-root", "/O=Example Corp/CN=Example Corp Root CA", None, 0x1001, -400, 3650),
    ("other-root", "other-root", "/O=Elsewhere Ltd/CN=Elsewhere Root CA", None, 0x2001, -400, 3650),
    ("db-ca-365", "db-ca", "/O=Example Corp/CN=Example Corp Database CA", "company-root", 0x1101, -30, 365),
    ("db-ca-31", "db-ca", "/O=Example Corp/CN=Example Corp Database CA", "company-root", 0x1102, -30, 31),
    ("db-ca-30", "db-ca", "/O=Example Corp/CN=Example Corp Database CA", "company-root", 0x1103, -30, 30),
    ("db-ca-29", "db-ca", "/O=Example Corp/CN=Example Corp Database CA", "company-root", 0x1104, -30, 29),
    ("db-ca-expired", "db-ca", "/O=Example Corp/CN=Example Corp Database CA", "company-root", 0x1105, -400, -1),
    ("db-server-365", "db-server", "/O=Example Corp/CN=orders-db.internal.example.com", "db-ca-365", 0x1201, -30, 365),
    ("outside-ca-365", "outside-ca", "/O=Elsewhere Ltd/CN=Elsewhere Database CA", "other-root", 0x2101, -30, 365),
    ("self-signed-365", "self-signed", "/O=Example Corp/CN=Someone's own CA", None, 0x3001, -30, 365),
]


def _key(name):
    path = os.path.join(HERE, name + ".key")
    if not os.path.exists(path):
        subprocess.run([OPENSSL, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path],
                       check=True, capture_output=True)
    return path


def _when(now, days):
    return (now + datetime.timedelta(days=days)).strftime("%Y%m%d%H%M%SZ")


def certs(now):
    """now: an aware datetime. Returns {name: PEM}, signed with openssl ca."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "ca.cnf")
        with open(cfg, "w") as f:
            f.write(CONFIG % {"dir": tmp})
        open(os.path.join(tmp, "index.txt"), "w").close()
        for name, key, subject, issuer, serial, start, end in SPECS:
            csr = os.path.join(tmp, name + ".csr")
            pem = os.path.join(tmp, name + ".pem")
            subprocess.run([OPENSSL, "req", "-new", "-key", _key(key), "-subj", subject, "-out", csr],
                           check=True, capture_output=True)
            with open(os.path.join(tmp, "serial"), "w") as f:
                f.write("%04X\n" % serial)
            cmd = [OPENSSL, "ca", "-batch", "-notext", "-config", cfg, "-in", csr, "-out", pem,
                   "-startdate", _when(now, start), "-enddate", _when(now, end), "-extensions", "ca_ext"]
            if issuer:
                cmd += ["-cert", os.path.join(tmp, issuer + ".pem"), "-keyfile", _key(dict((s[0], s[1]) for s in SPECS)[issuer])]
            else:
                cmd += ["-selfsign", "-keyfile", _key(key)]
            subprocess.run(cmd, check=True, capture_output=True)
            with open(pem) as f:
                out[name] = f.read()
    return out


def valid_to(now, name):
    """The ValidToDate dms describe-certificates reports for a certificate of SPECS."""
    end = [s[6] for s in SPECS if s[0] == name][0]
    return (now + datetime.timedelta(days=end)).isoformat()


if __name__ == "__main__":
    now = datetime.datetime(2026, 1, 10, tzinfo=datetime.timezone.utc)
    for n, p in certs(now).items():
        print(n, len(p))
