"""Plays ECR's GetAuthorizationToken, the GCE metadata server and the GitHub App API on 127.0.0.1 for the
credential-provider tests, and records every request it gets, so that a test can check that no provider call
was made. (moto_server answers ECR tokens that expired in 2015; this one answers tokens valid for 12 hours.)

Usage: provider_stand_in.py REQUEST_LOG [GITHUB_APP_PUBLIC_KEY_PEM]
Prints the port on the first line of stdout, then serves until stdin closes or SIGTERM arrives. Each request
appends "METHOD PATH" to REQUEST_LOG. A base URL ending in /expired answers tokens that expired a minute ago.
Anything it does not know gets HTTP 500, as a provider that is up but failing would answer.
"""
import base64
import datetime
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

signal.pthread_sigmask(signal.SIG_SETMASK, [])

log_path = sys.argv[1]
public_key = None
if len(sys.argv) > 2:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    with open(sys.argv[2], "rb") as pem:
        public_key = serialization.load_pem_public_key(pem.read())
log_lock = threading.Lock()

METADATA_TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"
ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
# SigV4's Authorization header for ECR: the credential scope names the region and the service.
SIGV4_ECR = re.compile(r"^AWS4-HMAC-SHA256 Credential=[A-Z0-9]+/\d{8}/([a-z0-9-]+)/ecr/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$")


def unpadded_base64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def github_jwt_is_valid(authorization):
    """GitHub accepts an RS256 JWT signed by one of the app's keys, issued by the app id, living at most 10 minutes."""
    if not authorization or not authorization.startswith("Bearer "):
        return False
    parts = authorization[len("Bearer "):].split(".")
    if len(parts) != 3 or public_key is None:
        return False
    try:
        public_key.verify(unpadded_base64(parts[2]), (parts[0] + "." + parts[1]).encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        return False
    claims = json.loads(unpadded_base64(parts[1]))
    return claims.get("iss") is not None and claims["exp"] - claims["iat"] <= 600


class StandIn(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with log_lock, open(log_path, "a") as log:
            log.write(f"{self.command} {self.path}\n")
        path = self.path.split("?")[0]
        expired = path.startswith("/expired/")
        if expired:
            path = path[len("/expired"):]
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        if self.command == "POST" and self.headers.get("X-Amz-Target") == ECR_TARGET:
            signed = SIGV4_ECR.match(self.headers.get("Authorization") or "")
            if not signed:
                return self.answer(403, {"__type": "InvalidSignatureException", "message": "not a SigV4 signature for ecr"})
            region = signed.group(1)
            accounts = json.loads(body or b"{}").get("registryIds") or ["123456789012"]
            expires = now + datetime.timedelta(seconds=-60 if expired else 12 * 3600)
            token = base64.b64encode(b"AWS:stand-in-ecr-token").decode()
            return self.answer(200, {"authorizationData": [
                {"authorizationToken": token, "expiresAt": expires.timestamp(),
                 "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.amazonaws.com"} for account in accounts]})
        if self.command == "GET" and path == METADATA_TOKEN_PATH:
            if self.headers.get("Metadata-Flavor") != "Google":
                return self.answer(403, {"error": "Missing Metadata-Flavor:Google header."})
            return self.answer(200, {"access_token": "ya29.stand-in-metadata-token", "expires_in": 3599, "token_type": "Bearer"})
        if self.command == "POST" and path.startswith("/app/installations/") and path.endswith("/access_tokens"):
            if not github_jwt_is_valid(self.headers.get("Authorization")):
                return self.answer(401, {"message": "A JSON web token could not be decoded"})
            expires = now + datetime.timedelta(seconds=-60 if expired else 3600)
            return self.answer(201, {"token": "ghs_standInInstallationToken", "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ")})
        return self.answer(500, {"message": "the stand-in does not serve " + path})

    do_GET = do_POST = do_PUT = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
print(server.server_port, flush=True)


def stop_when_parent_goes():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=stop_when_parent_goes, daemon=True).start()
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
server.serve_forever()
