// The shared credentials and config files (`~/.aws/credentials`, `~/.aws/config`): INI sections of
// `key = value`. The credentials file names profiles `[name]`, the config file `[profile name]` (and `[default]`). Pure.

public struct AWSSharedConfig: Hashable, Sendable {
    /// Settings per profile name, keys lowercased.
    public var profiles: [String: [String: String]]

    public init(profiles: [String: [String: String]] = [:]) {
        self.profiles = profiles
    }

    /// Parses one file. In the config file only `[default]` and `[profile name]` are profiles (other sections,
    /// such as `[sso-session x]`, are skipped); in the credentials file every section is.
    public init(parsing text: String, isConfigFile: Bool) {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = Self.profileName(section: name, isConfigFile: isConfigFile)
                if let current, profiles[current] == nil { profiles[current] = [:] }
                continue
            }
            // Indented lines continue a nested setting (`s3 =\n  max_concurrent_requests = 10`): not needed here.
            guard let current, rawLine.first?.isWhitespace != true, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            profiles[current]?[key] = value
        }
        self.profiles = profiles
    }

    static func profileName(section: String, isConfigFile: Bool) -> String? {
        guard isConfigFile else { return section }
        if section == "default" { return "default" }
        let parts = section.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "profile" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// Static keys of `profile`, the credentials file winning over the config file for each key.
    public static func credentials(profile: String, credentialsFile: AWSSharedConfig, configFile: AWSSharedConfig) -> AWSCredentials? {
        let merged = (configFile.profiles[profile] ?? [:]).merging(credentialsFile.profiles[profile] ?? [:]) { _, fromCredentials in fromCredentials }
        return AWSCredentials.from(
            accessKeyId: merged["aws_access_key_id"], secretAccessKey: merged["aws_secret_access_key"],
            sessionToken: merged["aws_session_token"])
    }
}
