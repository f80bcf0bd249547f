// Minting a credential once from a token source, for `create --source` and the kubelet
// credential provider: the same CredentialSources code the controller uses.
import AsyncHTTPClient
import CredentialSources
import Foundation
import RegcredCore

public enum MintCredential {
    /// Validates the spec, builds the source and fetches once.
    public static func fetch(_ spec: CredentialSourceSpec, context: SourceContext) async throws -> CredentialMaterial {
        let problems = spec.problems(naming: context.settings.fieldName) + (spec.configuredKinds.count == 1 ? [] : ["set exactly one source"])
        guard problems.isEmpty else { throw SourceFlagsError(problems: problems) }
        do {
            let source = try spec.makeSource(context: context)
            return try await source.fetch()
        } catch {
            throw TokenSourceFailure(error: error)
        }
    }

    /// Local key files handed to a source as the controller hands it Secrets: `files[name]` is
    /// the Secret `name`'s one key and the file holding its value. A file that cannot be read is a
    /// Secret that does not exist, which the source reports in its own words.
    public static func localSecrets(_ files: [String: (key: String, path: String)]) -> SourceSecrets {
        { name in
            guard let file = files[name], let data = try? InputSource.file(file.path).readData() else { return nil }
            return [file.key: data]
        }
    }
}

/// A provider's error with the exit code scripts can rely on.
public struct TokenSourceFailure: UserFacingError {
    public var error: CredentialSourceError
    public init(error: CredentialSourceError) { self.error = error }

    public var description: String { error.description }

    public var kind: FailureKind {
        switch error.kind {
        case .misconfigured: .usage
        case .secretMissing: .missingInput
        case .unreachable, .providerError: .unavailable
        case .rejected: .permissionDenied
        }
    }
}

/// Source flags that cannot describe a source, each problem named by its spec field.
public struct SourceFlagsError: UserFacingError {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var kind: FailureKind { .usage }
    public var description: String { problems.joined(separator: "; ") }
}
