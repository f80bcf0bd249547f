"""Signs requests with botocore's SigV4Auth at a fixed time, so the Swift tests can compare signatures.

stdin: a JSON list of {method, url (no query), query: [[name, value]], headers: [[name, value]], body (base64),
region, service, access_key, secret_key, token (or null), timestamp ("20260102T030405Z")}.
stdout: a JSON list of the Authorization headers botocore computes.
"""
import base64
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    fixed = datetime.datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *args, **kwargs: fixed
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        headers=dict(case["headers"]),
        data=base64.b64decode(case["body"]),
        params=[tuple(pair) for pair in case["query"]],
    )
    credentials = Credentials(case["access_key"], case["secret_key"], case.get("token"))
    botocore.auth.SigV4Auth(credentials, case["service"], case["region"]).add_auth(request)
    return request.headers["Authorization"]


print(json.dumps([sign(case) for case in json.load(sys.stdin)]))
