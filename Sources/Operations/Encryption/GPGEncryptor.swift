// Encrypting output for a gpg recipient with the system `gpg`, as secrets-repo runbooks require.
import Foundation
import Subprocess

public struct GPGEncryptor: Sendable {
    public let recipient: String

    public init(recipient: String) { self.recipient = recipient }

    /// Parses `gpg:RECIPIENT`, the value of `--encrypt`.
    public init(spec: String) throws(GPGError) {
        guard spec.hasPrefix("gpg:"), spec.count > 4 else { throw .badSpec(spec) }
        self.init(recipient: String(spec.dropFirst(4)))
    }

    /// ASCII-armoured ciphertext of `plaintext` for the recipient. gpg's own trust checks stay
    /// in force: a key the user has not trusted is refused, not silently used.
    public func encrypt(_ plaintext: String) async throws(GPGError) -> String {
        let outcome: (succeeded: Bool, stdout: String?, stderr: String?)
        do {
            let result = try await run(
                .name("gpg"),
                arguments: ["--batch", "--yes", "--armor", "--encrypt", "--recipient", recipient, "--output", "-"],
                input: .string(plaintext),
                output: .string(limit: 16 << 20),
                error: .string(limit: 1 << 20))
            outcome = (result.terminationStatus.isSuccess, result.standardOutput, result.standardError)
        } catch let error as SubprocessError where error.code == .executableNotFound {
            throw .notInstalled
        } catch {
            throw .failed(recipient: recipient, detail: "\(error)")
        }
        guard outcome.succeeded, let armoured = outcome.stdout, !armoured.isEmpty else {
            throw Self.classify(stderr: outcome.stderr ?? "", recipient: recipient)
        }
        return armoured
    }

    static func classify(stderr: String, recipient: String) -> GPGError {
        let detail = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        if stderr.contains("No public key") || stderr.contains("not found") || stderr.contains("skipped: No") {
            return .unknownRecipient(recipient)
        }
        if stderr.contains("no assurance") || stderr.contains("unusable public key") {
            return .untrustedRecipient(recipient, detail: detail)
        }
        return .failed(recipient: recipient, detail: detail)
    }
}

public enum GPGError: UserFacingError, Equatable {
    case badSpec(String)
    case notInstalled
    case unknownRecipient(String)
    case untrustedRecipient(String, detail: String)
    case failed(recipient: String, detail: String)

    public var kind: FailureKind {
        switch self {
        case .badSpec: .usage
        case .notInstalled: .unavailable
        case .unknownRecipient, .untrustedRecipient, .failed: .unavailable
        }
    }

    public var description: String {
        switch self {
        case .badSpec(let spec):
            "--encrypt \(spec): expected gpg:RECIPIENT (a key id, fingerprint or email)"
        case .notInstalled:
            "gpg is not installed or not on PATH; install it (apt-get install gnupg) or drop --encrypt; nothing was written"
        case .unknownRecipient(let recipient):
            "gpg has no public key for \(recipient); import it first (gpg --import KEYFILE) or check the recipient; nothing was written"
        case .untrustedRecipient(let recipient, let detail):
            "gpg refuses to encrypt for \(recipient) because the key is not trusted (\(detail)); verify and sign it (gpg --lsign-key \(recipient)); nothing was written"
        case .failed(let recipient, let detail):
            "gpg could not encrypt for \(recipient): \(detail); nothing was written"
        }
    }
}
