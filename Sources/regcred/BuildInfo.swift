// BuildInfo: what `regcred version` and `regcred --version` report: the release version (the one
// place it is written; the chart's appVersion and scripts/image follow it), and the git revision
// and build date from BuildStamp.
import RegcredCore

enum BuildInfo {
    static let version = "0.1.0"
    static var revision: String { BuildStamp.revision ?? "unknown" }
    static var date: String { BuildStamp.date ?? "unknown" }

    static var platform: String {
        #if os(Linux)
        let system = "linux"
        #elseif os(macOS)
        let system = "darwin"
        #else
        let system = "unknown"
        #endif
        #if arch(x86_64)
        let architecture = "amd64"
        #elseif arch(arm64)
        let architecture = "arm64"
        #else
        let architecture = "unknown"
        #endif
        return "\(system)/\(architecture)"
    }

    enum Format: String, CaseIterable { case text, json }

    static func rendered(as format: Format) -> String {
        switch format {
        case .text:
            """
            regcred \(version)
            revision:   \(revision)
            build date: \(date)
            platform:   \(platform)

            """
        case .json:
            JSONValue.object([
                "version": .string(version), "revision": .string(revision), "buildDate": .string(date), "platform": .string(platform),
            ]).encodedString(pretty: true) + "\n"
        }
    }
}
