// What checking credentials against their registries found, and whether a rollout may go ahead
// (pure: the probing itself lives in RegistryProbe).
import Foundation

/// One registry's answer to the credentials.
public struct RegistryCheck: Hashable, Sendable, Codable {
    public enum Result: String, Hashable, Sendable, Codable {
        case ok
        /// The registry refused the credentials (401 after authenticating).
        case rejected
        /// Authenticated, but not allowed to pull the image's repository.
        case noPullPermission
        /// DNS, connect, TLS or timeout: says nothing about the credentials.
        case unreachable
        /// Anything else (the image does not exist, an unexpected status).
        case failed
    }

    public var registry: String
    public var result: Result
    /// Human-readable, never carrying a credential.
    public var detail: String

    public init(registry: String, result: Result, detail: String) {
        self.registry = registry
        self.result = result
        self.detail = detail
    }
}

public struct VerificationReport: Hashable, Sendable {
    public var checks: [RegistryCheck]
    public var checkedAt: Date

    public init(checks: [RegistryCheck], checkedAt: Date) {
        self.checks = checks
        self.checkedAt = checkedAt
    }

    public var passed: Bool { !checks.isEmpty && checks.allSatisfy { $0.result == .ok } }

    /// The condition reason: rejected credentials are told apart from registries that could not
    /// be reached, which say nothing about the credentials.
    public var reason: String {
        if passed { return "Verified" }
        if checks.isEmpty { return "NothingToVerify" }
        if checks.contains(where: { $0.result == .rejected }) { return "CredentialsRejected" }
        if checks.contains(where: { $0.result == .noPullPermission }) { return "NoPullPermission" }
        if checks.allSatisfy({ $0.result == .ok || $0.result == .unreachable }) { return "RegistryUnreachable" }
        return "VerificationFailed"
    }

    public var message: String {
        if passed { return "credentials accepted by \(checks.map(\.registry).joined(separator: ", "))" }
        let failing = checks.filter { $0.result != .ok }
        return failing.map { "\($0.registry): \($0.detail)" }.joined(separator: "; ")
    }
}

/// Whether new content may be written after verification, by `spec.verify.policy`.
public enum VerificationGate {
    public enum Decision: Hashable, Sendable {
        /// Write the new content.
        case write
        /// Keep what was last verified (nil: nothing verified yet, write nothing).
        case hold
    }

    public static func decide(_ report: VerificationReport, policy: VerifySpec.Policy) -> Decision {
        report.passed || policy == .warn ? .write : .hold
    }
}
