// KubernetesClient: a small Kubernetes API client on async-http-client.
//
// It owns everything between regcred and a kube-apiserver: reading kubeconfig files the way
// kubectl does (and in-cluster service-account config), authenticating (tokens, client
// certificates, exec credential plugins), typed resources that keep unknown fields, the REST
// verbs, streaming watches and an informer cache, and the resilience a controller needs
// (client-side rate limiting, retries with backoff, 429 handling, typed errors).
//
// Decisions are pure values kept apart from I/O (see STYLE.md): `RetryPolicy`, `RateLimiter`'s
// token bucket, `WatchEventDecoder`, `WatchResumeState` and `InformerStore` are tested without
// sockets; `KubeClient`, `WatchStream` and `Informer` feed them observations and act.
