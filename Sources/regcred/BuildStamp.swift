// BuildStamp: the git revision and build date stamped into this binary. A plain `swift build`
// leaves both unknown; scripts/image rewrites this file in its export of the commit it builds.
enum BuildStamp {
    static let revision: String? = nil
    static let date: String? = nil
}
