// `show`: decode a pull secret into one row per registry, checking every entry, never printing
// a password unless asked.
import Foundation
import RegcredCore

public enum ShowOutputFormat: String, Sendable, CaseIterable { case table, json }

/// What `show` says about one registry entry.
public struct RegistryEntryReport: Encodable, Sendable, Equatable {
    public let registry: String
    public let username: String?
    public let passwordFingerprint: String?
    public let password: String?
    public let email: String?
    public let auth: String
    public let authDetail: String
    public let expiresAt: Date?
    public let expired: Bool?
    /// The entry will not give the credentials it seems to: a bad auth, no credentials, or expired.
    public let problem: Bool
}

/// What `show` says about a whole document.
public struct PullSecretReport: Encodable, Sendable, Equatable {
    public let secret: String?
    public let format: String
    public let entries: [RegistryEntryReport]
    /// True when the kubelet refuses the entire secret (a bad auth, a field of the wrong type).
    public let kubeletRejectsSecret: Bool
    /// Why it refuses it, naming the entry, never a value.
    public let kubeletRefusal: String?
    /// What the kubelet reads differently from how the document looks (repeated keys, field
    /// names in other letter cases, an empty registry key).
    public let notes: [String]

    public var hasProblems: Bool {
        kubeletRejectsSecret || entries.contains(where: \.problem)
    }
}

public enum ShowPullSecret {
    public static func report(for document: PullSecretDocument, reveal: Bool, now: Date) -> PullSecretReport {
        let config = document.config
        let kubelet = try? document.kubelet.get()
        let entries = config.registries.map { registry -> RegistryEntryReport in
            let entry = config.entries[registry]!
            let check = entry.authCheck
            // What the kubelet sends when it reads the secret; the fields' reading when it refuses it.
            let credentials: (username: String, password: String)?
            if let sent = kubelet?.entries[registry] {
                credentials = (sent.username, sent.password.value)
            } else {
                credentials = entry.effectiveCredentials
            }
            let password = credentials?.password ?? entry.password
            let expiry = password.flatMap(CredentialExpiry.of(password:))
            return RegistryEntryReport(
                registry: registry,
                username: credentials?.username ?? entry.username,
                passwordFingerprint: password.map(SecretFingerprint.of),
                password: reveal ? password : nil,
                email: entry.email,
                auth: check.label,
                authDetail: check.description,
                expiresAt: expiry,
                expired: expiry.map { $0 <= now },
                problem: check.isProblem || expiry.map { $0 <= now } == true)
        }
        return PullSecretReport(
            secret: document.secretName, format: config.format.rawValue, entries: entries,
            kubeletRejectsSecret: document.kubeletRefusal != nil, kubeletRefusal: document.kubeletRefusal?.description,
            notes: kubelet?.notes.map(\.description) ?? [])
    }

    /// A secret the kubelet refuses and regcred's editor cannot read either (a field of the
    /// wrong type): no rows, only why.
    public static func report(refused secret: KubeletPullSecret, refusal: KubeletRefusal) -> PullSecretReport {
        PullSecretReport(
            secret: secret.secretName, format: secret.format.rawValue, entries: [], kubeletRejectsSecret: true,
            kubeletRefusal: refusal.description, notes: [])
    }

    public static func render(_ report: PullSecretReport, as format: ShowOutputFormat, now: Date) -> String {
        switch format {
        case .json:
            return ReportJSON.render(report)
        case .table:
            let reveal = report.entries.contains { $0.password != nil }
            var table = TextTable(headers: ["REGISTRY", "USERNAME", reveal ? "PASSWORD" : "PASSWORD (FINGERPRINT)", "EMAIL", "AUTH", "EXPIRES"])
            for entry in report.entries {
                table.append([
                    entry.registry.isEmpty ? #""""# : entry.registry, entry.username ?? "<none>",
                    (reveal ? entry.password : entry.passwordFingerprint) ?? "<none>",
                    entry.email ?? "<none>", entry.auth,
                    entry.expiresAt.map { RelativeExpiry.describe($0, now: now) } ?? "unknown",
                ])
            }
            var text = report.entries.isEmpty && report.kubeletRefusal != nil ? "" : table.rendered()
            if let refusal = report.kubeletRefusal { text += "error: \(refusal)\n" }
            for note in report.notes { text += "warning: \(note)\n" }
            // An auth the kubelet refuses is already said on the error line.
            let refusedLabels = report.kubeletRefusal == nil ? [] : [AuthCheck.undecodable.label, AuthCheck.missingSeparator.label]
            for entry in report.entries
            where entry.auth != AuthCheck.ok.label && entry.auth != AuthCheck.missing.label && !refusedLabels.contains(entry.auth) {
                text += "warning: \(entry.registry): \(entry.authDetail)\n"
            }
            for entry in report.entries where entry.expired == true {
                text += "warning: \(entry.registry): the token expired at \(RelativeExpiry.timestamp(entry.expiresAt!)); mint a new one and run `regcred update`\n"
            }
            return text
        }
    }
}

/// "2026-11-25T10:00:00Z (in 3h)" / "(expired 2h ago)".
enum RelativeExpiry {
    static func timestamp(_ date: Date) -> String {
        RFC3339.format(date)
    }

    static func describe(_ date: Date, now: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now))
        let span = duration(abs(seconds))
        return seconds > 0 ? "\(timestamp(date)) (in \(span))" : "\(timestamp(date)) (expired \(span) ago)"
    }

    static func duration(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: "\(seconds)s"
        case ..<7200: "\(seconds / 60)m"
        case ..<172_800: "\(seconds / 3600)h"
        default: "\(seconds / 86400)d"
        }
    }
}
