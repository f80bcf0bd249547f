// Building configs for many registries at once and replacing a token in place.

extension DockerConfig {
    /// One credential for several registries, each entry as `kubectl create secret docker-registry` writes it.
    public static func basic(
        registries: [String], username: String, password: String, email: String? = nil
    ) throws(DockerConfigError) -> DockerConfig {
        guard !password.isEmpty else { throw .emptyPassword }
        guard !username.contains(":") else { throw .usernameContainsColon }
        var entries: [String: DockerConfigEntry] = [:]
        for registry in registries {
            guard !registry.isEmpty else { throw .emptyRegistryKey }
            entries[registry] = .basic(username: username, password: password, email: email)
        }
        return DockerConfig(format: .dockerConfigJSON, entries: entries)
    }

    /// The registry keys that `selector` names: the key itself, or any key that the kubelet
    /// would index the same way (`ghcr.io` selects `https://ghcr.io/`).
    public func keys(selectedBy selector: String) -> [String] {
        if entries[selector] != nil { return [selector] }
        guard let wanted = try? RegistryKey(parsing: selector).indexKey else { return [] }
        return registries.filter { (try? RegistryKey(parsing: $0).indexKey) == wanted }
    }

    /// Replaces the password (and optionally the username) of every entry, or only of the
    /// entries `registries` names, recomputing `auth`; every other entry and field is kept.
    public func replacingCredentials(
        password: String, username: String? = nil, registries selectors: [String] = []
    ) throws(DockerConfigError) -> DockerConfig {
        guard !password.isEmpty else { throw .emptyPassword }
        var targets: [String] = []
        if selectors.isEmpty {
            targets = registries
        } else {
            for selector in selectors {
                let keys = keys(selectedBy: selector)
                guard !keys.isEmpty else { throw .noSuchRegistry(selector, available: registries) }
                targets.append(contentsOf: keys)
            }
        }
        var updated = self
        for key in targets {
            guard var entry = updated.entries[key] else { continue }
            let user = username ?? entry.effectiveCredentials?.username ?? entry.username
            guard let user, !user.isEmpty else { throw .noUsername(registry: key) }
            guard !user.contains(":") else { throw .usernameContainsColon }
            entry.setCredentials(username: user, password: password)
            updated.entries[key] = entry
        }
        return updated
    }
}
