// `regcred credential-provider`: run by the kubelet (CredentialProviderConfig), not by people; reads
// one request on stdin, answers on stdout, reports failures on stderr with a non-zero exit.
import ArgumentParser
import Foundation
import Operations
import RegcredCore

struct CredentialProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-provider",
        abstract: "Act as a kubelet image credential provider plugin for a token source.",
        discussion: """
            Reads a CredentialProviderRequest (credentialprovider.kubelet.k8s.io/v1, v1beta1 or v1alpha1) on standard input. \
            For an image of a registry the flags serve (ecr: the --region regions, only the --registry-id accounts if given; \
            acr: --acr-registry; github-app: ghcr.io; any source: each --registry host) it mints a token with --source, as \
            `regcred create --source` does, and answers the matching entries with cacheKeyType Registry and cacheDuration \
            half the token's remaining lifetime. Any other image gets an empty auth with cacheDuration 0s and no provider \
            call, so the kubelet caches nothing.

            The provider gets one attempt within --timeout. Errors, a token that is already expired among them, go to \
            standard error with a non-zero exit; the kubelet logs them and does not cache them.

            Configure it with a kubelet CredentialProviderConfig (docs/credential-provider.md), for example:
              providers:
                - name: regcred
                  apiVersion: credentialprovider.kubelet.k8s.io/v1
                  matchImages: ["*.dkr.ecr.us-east-1.amazonaws.com"]
                  defaultCacheDuration: 6h
                  args: [credential-provider, --source, ecr, --region, us-east-1]
            """)

    /// Where the kubelet's plugin gets its environment from, for error messages.
    static let environment = "the kubelet's environment or the provider's env: list in the CredentialProviderConfig"

    @OptionGroup(title: "Token sources") var tokenSource: SourceOptions

    @Option(name: .long, help: ArgumentHelp("A registry host the token serves besides the source's own (repeatable; needed for gcp).", valueName: "host"))
    var registry: [String] = []

    @Option(name: .long, help: ArgumentHelp("Seconds the provider gets to answer, all calls included; the kubelet waits meanwhile.", valueName: "seconds"))
    var timeout: Double = 2.5

    func validate() throws {
        guard tokenSource.source != nil else { throw ValidationError("pass --source ecr|gcp|acr|github-app and its flags") }
        guard timeout > 0, timeout <= 55 else { throw ValidationError("--timeout must be more than 0 and at most 55 seconds (the kubelet stops a plugin after 60)") }
    }

    func run() async throws {
        guard let spec = tokenSource.spec else { return }
        let response = try await KubeletCredentialProvider.serve(
            FileHandle.standardInput.readDataToEndOfFile(), spec: spec, registries: registry,
            timeout: .milliseconds(Int64((timeout * 1000).rounded())), secrets: tokenSource.localSecrets,
            settings: tokenSource.settings(environment: Self.environment))
        Terminal.write(String(decoding: response, as: UTF8.self) + "\n")
    }
}
