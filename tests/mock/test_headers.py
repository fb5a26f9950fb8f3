#!/usr/bin/python3
"""The mock's header parser (mock_aws.parse_headers) against the standard
library's (http.client.parse_headers) on the same header blocks: the same
first value for every name in any case, the same list of items, and the same
error for a block over the limits."""
import http.client
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mock_aws  # noqa: E402

BLOCKS = [
    b"Host: 127.0.0.1:8080\r\nContent-Length: 2\r\n\r\n{}",
    b"host: a\r\nHOST: b\r\nX-Amz-Date: 20261203T000000Z\r\n\r\n",
    b"Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/dms/aws4_request, "
    b"SignedHeaders=host;x-amz-date, Signature=00\r\n\r\n",
    b"X-Empty:\r\nX-Spaces:    padded   \r\nX-Tab:\tv\r\n\r\n",
    b"X-Folded: first\r\n  second\r\nNext: n\r\n\r\n",
    b"X-Latin: caf\xe9\r\n\r\n",
    b"Bare-LF: yes\nOther: 1\n\n",
    b"",
    b"\r\n",
]


def stdlib(block):
    return http.client.parse_headers(io.BytesIO(block))


def main():
    bad = 0
    for block in BLOCKS:
        want, got = stdlib(block), mock_aws.parse_headers(io.BytesIO(block))
        names = {k for k, _ in want.items()} | {"missing", "HOST", "x-amz-date"}
        for n in names:
            for form in (n, n.lower(), n.upper()):
                if want.get(form) != got.get(form):
                    print("block %r: get(%r) is %r, the standard parser says %r" % (block, form, got.get(form), want.get(form)))
                    bad += 1
        if list(want.items()) != got.items():
            print("block %r: items %r, the standard parser says %r" % (block, got.items(), list(want.items())))
            bad += 1
    # At the limits: 99 header lines and the empty one pass, 100 and the empty one do not,
    # folded lines counted.
    for block in (b"".join(b"H%d: v\r\n" % i for i in range(99)) + b"\r\n",
                  b"H: v\r\n" + b" more\r\n" * 98 + b"\r\n"):
        want, got = stdlib(block), mock_aws.parse_headers(io.BytesIO(block))
        if list(want.items()) != got.items():
            print("a block of %d lines: items differ from the standard parser's" % block.count(b"\n"))
            bad += 1
    for block, err in ((b"X: " + b"a" * 70000 + b"\r\n\r\n", http.client.LineTooLong),
                       (b"".join(b"H%d: v\r\n" % i for i in range(100)) + b"\r\n", http.client.HTTPException),
                       (b"H: v\r\n" + b" more\r\n" * 99 + b"\r\n", http.client.HTTPException)):
        for parse in (stdlib, lambda b: mock_aws.parse_headers(io.BytesIO(b))):
            try:
                parse(block)
                print("a block of %d bytes parsed, %s expected" % (len(block), err.__name__))
                bad += 1
            except err:
                pass
    print("%d header blocks compared, %d differences" % (len(BLOCKS), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
