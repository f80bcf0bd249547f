/// Operations owns regcred's use cases — create, update, show, match, verify, doctor, rotate,
/// scan, sync — shared by the CLI and the controller, and the I/O they need: reading files and standard input,
/// password sources, atomic writes and gpg. Decisions stay in RegcredCore; this layer gathers
/// inputs, calls the core, and renders results.
enum Operations {}
