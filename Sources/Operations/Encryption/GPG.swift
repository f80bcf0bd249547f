// Encrypting and decrypting documents with the system `gpg`, as secrets-repo runbooks require.
import Foundation
import Subprocess

/// The recipient of `--encrypt gpg:RECIPIENT` (a key id, fingerprint or email).
public struct GPGRecipient: Sendable, Equatable {
    public let name: String

    public init(spec: String) throws(GPGError) {
        guard spec.hasPrefix("gpg:"), spec.count > 4 else { throw .badSpec(spec) }
        name = String(spec.dropFirst(4))
    }
}

public enum GPG {
    /// True for an ASCII-armoured OpenPGP message, which `update`, `show` and `match` decrypt first.
    public static func isArmoredMessage(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("-----BEGIN PGP MESSAGE-----")
    }

    /// ASCII-armoured ciphertext for the recipient. gpg's trust checks stay in force (an
    /// untrusted key is refused, not silently used), and keys are only looked up locally.
    public static func encrypt(_ plaintext: String, for recipient: GPGRecipient) async throws(GPGError) -> String {
        // Look the key up first: with an unknown recipient gpg exits before reading its input,
        // and writing the plaintext into that closed pipe would kill regcred with SIGPIPE.
        let lookup = try await run(
            ["--batch", "--list-keys", "--with-colons", "--", recipient.name], input: "", subject: recipient.name)
        guard lookup.succeeded else { throw .unknownRecipient(recipient.name) }
        let outcome = try await run(
            ["--batch", "--yes", "--auto-key-locate", "local", "--armor", "--encrypt", "--recipient", recipient.name, "--output", "-"],
            input: plaintext, subject: recipient.name)
        guard outcome.succeeded, !outcome.stdout.isEmpty else {
            throw classify(stderr: outcome.stderr, subject: recipient.name, decrypting: false)
        }
        return outcome.stdout
    }

    /// The plaintext of an armoured message, with a secret key from the user's keyring.
    public static func decrypt(_ armoured: String) async throws(GPGError) -> String {
        let outcome = try await run(["--batch", "--quiet", "--decrypt"], input: armoured, subject: "the input")
        guard outcome.succeeded else { throw classify(stderr: outcome.stderr, subject: "the input", decrypting: true) }
        return outcome.stdout
    }

    private static func run(_ arguments: [String], input: String, subject: String) async throws(GPGError) -> (succeeded: Bool, stdout: String, stderr: String) {
        do {
            let result = try await Subprocess.run(
                .name("gpg"), arguments: Arguments(arguments), input: .string(input),
                output: .string(limit: 16 << 20), error: .string(limit: 1 << 20))
            return (result.terminationStatus.isSuccess, result.standardOutput, result.standardError)
        } catch let error as SubprocessError where error.code == .executableNotFound {
            throw .notInstalled
        } catch {
            throw .failed(subject: subject, detail: "\(error)")
        }
    }

    static func classify(stderr: String, subject: String, decrypting: Bool) -> GPGError {
        let detail = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        if decrypting {
            return stderr.contains("No secret key") ? .noSecretKey : .failed(subject: subject, detail: detail)
        }
        if stderr.contains("No public key") || stderr.contains("not found") || stderr.contains("skipped: No") {
            return .unknownRecipient(subject)
        }
        if stderr.contains("no assurance") || stderr.contains("unusable public key") {
            return .untrustedRecipient(subject, detail: detail)
        }
        return .failed(subject: subject, detail: detail)
    }
}

public enum GPGError: UserFacingError, Equatable {
    case badSpec(String)
    case notInstalled
    case unknownRecipient(String)
    case untrustedRecipient(String, detail: String)
    case noSecretKey
    case failed(subject: String, detail: String)

    public var kind: FailureKind {
        switch self {
        case .badSpec: .usage
        case .notInstalled, .unknownRecipient, .untrustedRecipient, .noSecretKey, .failed: .unavailable
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
        case .noSecretKey:
            "the input is gpg-encrypted and no secret key in your keyring can decrypt it (check GNUPGHOME); nothing was written"
        case .failed(let subject, let detail):
            "gpg failed for \(subject): \(detail); nothing was written"
        }
    }
}
