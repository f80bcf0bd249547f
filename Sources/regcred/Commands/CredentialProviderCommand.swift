// `regcred credential-provider`: run by the kubelet (CredentialProviderConfig), not by people.
import ArgumentParser
import Foundation
import Operations
import RegcredCore

struct CredentialProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-provider",
        abstract: "Act as a kubelet image credential provider plugin for a token source.",
        discussion: """
            Reads a CredentialProviderRequest (credentialprovider.kubelet.k8s.io/v1) on standard
            input, mints a token with --source (as `regcred create --source` does) and writes a
            CredentialProviderResponse with the entries that match the image, cacheKeyType
            Registry and cacheDuration half the token's remaining lifetime. Errors go to standard
            error with a non-zero exit; the kubelet then pulls without these credentials.
            Configure it with a kubelet CredentialProviderConfig (docs/credential-provider.md):
              providers:
                - name: regcred
                  apiVersion: credentialprovider.kubelet.k8s.io/v1
                  matchImages: ["*.dkr.ecr.*.amazonaws.com"]
                  defaultCacheDuration: 6h
                  args: [credential-provider, --source, ecr, --region, us-east-1]
            """)

    @OptionGroup(title: "Token sources") var tokenSource: SourceOptions

    @Option(name: .long, help: ArgumentHelp("A registry host the token serves besides the source's own (repeatable; needed for gcp).", valueName: "host"))
    var registry: [String] = []

    func validate() throws {
        guard tokenSource.source != nil else { throw ValidationError("pass --source ecr|gcp|acr|github-app and its flags") }
    }

    func run() async throws {
        let request = try KubeletCredentialProvider.parseRequest(FileHandle.standardInput.readDataToEndOfFile())
        guard let material = try await tokenSource.mint() else { return }
        let response = try KubeletCredentialProvider.response(to: request, material: material, registries: registry, now: Date())
        Terminal.write(String(decoding: response, as: UTF8.self) + "\n")
    }
}
