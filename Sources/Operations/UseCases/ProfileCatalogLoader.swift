// Finding the user's profiles file and loading it over the built-in profiles.
import Foundation
import RegcredCore

public enum ProfileCatalogLoader {
    /// The default location: `$XDG_CONFIG_HOME/regcred/profiles.yaml`, or `~/.config/regcred/profiles.yaml`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/regcred/profiles.yaml"
    }

    /// Built-ins plus `explicitPath` (which must exist) or the default file (when it exists).
    public static func load(
        explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ProfileCatalog {
        let path: String
        if let explicitPath {
            path = explicitPath
        } else {
            path = defaultPath(environment: environment)
            guard FileManager.default.fileExists(atPath: path) else { return ProfileCatalog() }
        }
        let text = try InputSource.file(path).readText()
        return try ProfileCatalog(userYAML: text, source: path)
    }
}
