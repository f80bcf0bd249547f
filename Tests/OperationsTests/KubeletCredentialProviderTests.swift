import Foundation
import Testing

@testable import Operations
@testable import RegcredCore

@Suite("kubelet credential provider")
struct KubeletCredentialProviderTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let ecr = CredentialMaterial.credentials([
        Credential(username: "AWS", password: Redacted("ecr-token-1"), expiresAt: now.addingTimeInterval(12 * 3600),
                   registries: ["123456789012.dkr.ecr.us-east-1.amazonaws.com"]),
        Credential(username: "AWS", password: Redacted("ecr-token-2"), expiresAt: now.addingTimeInterval(12 * 3600),
                   registries: ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"]),
    ])

    @Test("golden: a v1 request for an ECR image gets the matching entry, Registry cache key, half the lifetime")
    func golden() throws {
        let request = try KubeletCredentialProvider.parseRequest(Data(contentsOf: Self.golden.appendingPathComponent("credential-provider-request.json")))
        let response = try KubeletCredentialProvider.response(to: request, material: Self.ecr, registries: [], now: Self.now)
        let expected = try Data(contentsOf: Self.golden.appendingPathComponent("credential-provider-response.json"))
        #expect(String(decoding: response, as: UTF8.self) + "\n" == String(decoding: expected, as: UTF8.self))
    }

    @Test("an image no entry matches gets an empty auth map; no expiry means no cacheDuration")
    func noMatch() throws {
        let request = KubeletCredentialProvider.Request(apiVersion: "credentialprovider.kubelet.k8s.io/v1", image: "docker.io/library/nginx")
        let material = CredentialMaterial.basic(Credential(username: "u", password: Redacted("p")))
        let response = try JSONValue(parsing: KubeletCredentialProvider.response(to: request, material: material, registries: ["ghcr.io"], now: Self.now))
        #expect(response["auth"] == .object([:]))
        #expect(response["cacheDuration"] == nil)
    }

    @Test("v1beta1 requests are answered in v1beta1")
    func echoesVersion() throws {
        let data = Data(#"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1beta1","kind":"CredentialProviderRequest","image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x"}"#.utf8)
        let request = try KubeletCredentialProvider.parseRequest(data)
        let response = try JSONValue(parsing: KubeletCredentialProvider.response(to: request, material: Self.ecr, registries: [], now: Self.now))
        #expect(response["apiVersion"]?.stringValue == "credentialprovider.kubelet.k8s.io/v1beta1")
        #expect(response["auth"]?["123456789012.dkr.ecr.eu-west-1.amazonaws.com"]?["password"]?.stringValue == "ecr-token-2")
        #expect(response["auth"]?["123456789012.dkr.ecr.us-east-1.amazonaws.com"] == nil)
    }

    @Test("malformed requests are refused with what is wrong", arguments: [
        ("not json", "standard input is not JSON"),
        (#"{"kind":"Pod"}"#, "expected kind CredentialProviderRequest"),
        (#"{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v9"}"#, "unsupported apiVersion"),
        (#"{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1"}"#, "names no image"),
    ])
    func malformed(input: String, message: String) {
        #expect { try KubeletCredentialProvider.parseRequest(Data(input.utf8)) } throws: { "\($0)".contains(message) }
    }

    @Test("Go duration strings as metav1.Duration prints them", arguments: [(0, "0s"), (45, "45s"), (90, "1m30s"), (21600, "6h0m0s"), (3725, "1h2m5s")])
    func goDuration(seconds: Int64, text: String) {
        #expect(GoDuration.format(seconds: seconds) == text)
        #expect(GoDuration.parse(text) == .seconds(seconds))
    }
}
