/// RegistryProbe: the Docker Registry HTTP API v2 authentication handshake (anonymous, Basic,
/// Bearer with scoped tokens) and the manifest check that proves pull rights, as container
/// runtimes perform them. Results are typed so that callers tell "unreachable" from "rejected".
