/// RegcredCore owns everything regcred knows about registry credentials, as pure values and
/// functions: the docker config formats, the kubelet's registry matching, registry profiles,
/// credential metadata, and the controller's planning, refresh scheduling and rollout gate. It performs no I/O, reads no
/// clock and holds no global state, so every rule here is tested in microseconds.
enum RegcredCore {}
