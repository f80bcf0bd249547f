/// Operations owns regcred's use cases — create, update, show, match, profiles — shared by the
/// CLI and (later) the controller, and the I/O they need: reading files and standard input,
/// password sources, atomic writes and gpg. Decisions stay in RegcredCore; this layer gathers
/// inputs, calls the core, and renders results.
enum Operations {}
