// NameValidation: DNS-1123 subdomain and label rules for object names, with apimachinery's
// exact messages, and the default "which rule applies to which kind".
enum NameValidation {
    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    /// `IsDNS1123Label`'s regular expression alone (its length limit is a separate error).
    static func matchesLabel(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 45 }
    }

    /// `IsDNS1123Subdomain`'s regular expression alone: dot-separated parts, each like a label.
    static func matchesSubdomain(_ name: String) -> Bool {
        name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { matchesLabel(String($0)) }
    }

    static func isLabel(_ name: String) -> Bool { name.utf8.count <= 63 && matchesLabel(name) }

    static func isSubdomain(_ name: String) -> Bool { name.utf8.count <= 253 && matchesSubdomain(name) }

    private static func alnum(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) }

    /// The messages apimachinery's `NameIsDNSLabel` / `NameIsDNSSubdomain` give for `value`;
    /// as a `prefix` (a generateName) a trailing '-' is allowed, since random characters follow.
    static func messages(for value: String, type: ResourceType, prefix: Bool) -> [String] {
        var checked = value
        // apimachinery's maskTrailingDash, byte for byte: `name[:len(name)-2] + "a"` (it drops two
        // bytes, not one).
        if prefix, checked.utf8.count > 1, checked.hasSuffix("-") {
            checked = String(decoding: checked.utf8.dropLast(2), as: UTF8.self) + "a"
        }
        var messages: [String] = []
        if type.plural == "namespaces" {
            if checked.utf8.count > 63 { messages.append("must be no more than 63 characters") }
            // IsDNS1123Label: a valid subdomain that is no label can only be so for its dots.
            if !matchesLabel(checked) { messages.append(matchesSubdomain(checked) ? "must not contain dots" : labelMessage) }
        } else {
            if checked.utf8.count > 253 { messages.append("must be no more than 253 characters") }
            if !matchesSubdomain(checked) { messages.append(subdomainMessage) }
        }
        return messages
    }

    /// `ValidateObjectMeta`'s name checks for an object of `type`: `metadata.generateName` as a
    /// prefix (when set), then `metadata.name`, in the API server's order. Namespaces are DNS
    /// labels; every kind regcred touches (secrets, service accounts, events, leases, custom
    /// resources) is a DNS subdomain.
    static func validate(name: String, generateName: String = "", type: ResourceType) -> [FieldError] {
        var errors: [FieldError] = []
        if !generateName.isEmpty {
            errors += messages(for: generateName, type: type, prefix: true).map { .invalid("metadata.generateName", string: generateName, $0) }
        }
        errors += messages(for: name, type: type, prefix: false).map { .invalid("metadata.name", string: name, $0) }
        return errors
    }
}
