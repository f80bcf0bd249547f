// Documents for the bad-input tests: a valid pull secret and the broken variants the CLI must
// refuse. Every one carries the same canary password, which must never reach stderr.
import Foundation
import TestPeers
import Testing

enum BadInputFixtures {
    static let canary = "Canary-Pa55word-7781"
    static let registry = "registry.example.com"

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static let validConfig =
        #"{"auths":{"registry.example.com":{"username":"bot","password":"\#(canary)","auth":"\#(base64("bot:" + canary))"}}}"#

    static func secretYAML(type: String = "kubernetes.io/dockerconfigjson", key: String = ".dockerconfigjson", payload: String)
        -> String
    {
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: pull
          namespace: apps
        type: \(type)
        data:
          \(key): \(payload)

        """
    }

    static let validSecretYAML = secretYAML(payload: base64(validConfig))

    /// A document the CLI must refuse as invalid input (exit 65), whatever command reads it.
    struct Document: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        /// What the kubelet makes of it. `match` reads only what the kubelet reads, so a config it
        /// refuses or reads as empty is a finding (exit 1); `show` reports a refusal (exit 1).
        var kubelet: KubeletVerdict = .unreadable
        var testDescription: String { label }
    }

    enum KubeletVerdict: Sendable { case unreadable, empty, refused }

    static let invalidDocuments: [Document] = [
        Document(
            label: "malformed JSON",
            text: #"{"auths":{"registry.example.com":{"username":"bot","password":"\#(canary)""#),
        Document(
            label: "malformed YAML",
            text: """
                apiVersion: v1
                kind: Secret
                type: kubernetes.io/dockerconfigjson
                stringData:
                  password: \(canary): not allowed here

                """),
        Document(label: "docker config without auths", text: #"{"credsStore":"\#(canary)"}"#, kubelet: .empty),
        Document(
            label: "Secret whose .dockerconfigjson has no auths",
            text: secretYAML(payload: base64(#"{"HttpHeaders":{"X-Note":"\#(canary)"}}"#)), kubelet: .empty),
        Document(
            label: "entry that is not an object",
            text: #"{"auths":{"registry.example.com":"\#(canary)"}}"#, kubelet: .refused),
        Document(
            label: "Secret that is not a pull secret",
            text: secretYAML(type: "Opaque", key: "password", payload: base64(canary))),
        Document(
            label: "Secret whose .dockerconfigjson is not base64",
            text: secretYAML(payload: "not*base64*\(canary)")),
        Document(label: "empty file", text: ""),
    ]

    /// A readable config whose entry the kubelet cannot use: `show` reports it and exits 1.
    static let brokenEntries: [Document] = [
        Document(
            label: "auth that is not base64",
            text: #"{"auths":{"registry.example.com":{"username":"bot","password":"\#(canary)","auth":"%%%not-base64%%%"}}}"#),
        Document(
            label: "auth without a colon",
            text: #"{"auths":{"registry.example.com":{"auth":"\#(base64("bot" + canary))"}}}"#),
        Document(
            label: "auth that disagrees with username and password",
            text: #"{"auths":{"registry.example.com":{"username":"bot","password":"\#(canary)","auth":"\#(base64("bot:other"))"}}}"#),
    ]

    /// A JWT (unsigned; regcred only reads `exp`) that expired on 2001-09-09.
    static let expiredToken: String = {
        func base64URL(_ text: String) -> String {
            base64(text).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        return base64URL(#"{"alg":"none","typ":"JWT"}"#) + "." + base64URL(#"{"sub":"bot","exp":1000000000}"#) + ".c2ln"
    }()
}
