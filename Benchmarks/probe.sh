#!/usr/bin/env bash
# Benchmark: `verify` handshakes per second (issue 6, "Performance") against a local Debian
# docker-registry with htpasswd (bcrypt) and TLS from a throw-away CA, on 127.0.0.1, through
# `regcred-bench probe` (one RegistryProber, connections reused). Results go to docs/benchmarks.md.
# Usage: Benchmarks/probe.sh [HANDSHAKES]   (default 2000; release build unless BUILD=debug)
set -euo pipefail
cd "$(dirname "$0")/.."
handshakes="${1:-2000}"
config="${BUILD:-release}"
swift build -c "$config" --product regcred-bench >/dev/null
bench="$PWD/.build/$config/regcred-bench"

work="$(mktemp -d /tmp/regcred-probe-bench.XXXXXX)"
registry_pid=""
cleanup() {
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A CA and a server certificate for 127.0.0.1.
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$work/ca.key" -out "$work/ca.crt" -days 1 -subj "/CN=bench CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new "${ec[@]}" -keyout "$work/server.key" -out "$work/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >"$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
  -out "$work/server.crt" -days 1 -extfile "$work/server.ext" 2>/dev/null

password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$password" >"$work/password"
htpasswd -Bbn bench "$password" >"$work/htpasswd"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat >"$work/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: "127.0.0.1:$port", tls: {certificate: $work/server.crt, key: $work/server.key}}
auth: {htpasswd: {realm: bench, path: $work/htpasswd}}
YAML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

echo "nproc: $(nproc); docker-registry $(docker-registry --version | awk '{print $3}'); build: $config"
"$bench" probe --registry "127.0.0.1:$port" --username bench --password-file "$work/password" \
  --ca-file "$work/ca.crt" --handshakes "$handshakes" --concurrency 1 8
