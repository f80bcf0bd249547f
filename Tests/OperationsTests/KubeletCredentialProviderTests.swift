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

    static func request(_ image: String, apiVersion: String = "credentialprovider.kubelet.k8s.io/v1") throws -> KubeletCredentialProvider.Request {
        KubeletCredentialProvider.Request(apiVersion: apiVersion, image: try ImageReference(parsing: image))
    }

    @Test("a minted token no entry of which matches the image: an empty auth map the kubelet does not cache (0s)")
    func noMatch() throws {
        let material = CredentialMaterial.basic(Credential(username: "u", password: Redacted("p")))
        let response = try JSONValue(parsing: KubeletCredentialProvider.response(
            to: Self.request("docker.io/library/nginx"), material: material, registries: ["ghcr.io"], now: Self.now))
        #expect(response["auth"] == .object([:]))
        #expect(response["cacheDuration"]?.stringValue == "0s")
    }

    @Test("a token without a known expiry: no cacheDuration, so the kubelet uses the provider's defaultCacheDuration")
    func noExpiry() throws {
        let material = CredentialMaterial.basic(Credential(username: "u", password: Redacted("p")))
        let response = try JSONValue(parsing: KubeletCredentialProvider.response(
            to: Self.request("ghcr.io/org/app"), material: material, registries: ["ghcr.io"], now: Self.now))
        #expect(response["auth"]?["ghcr.io"]?["username"]?.stringValue == "u")
        #expect(response["cacheDuration"] == nil)
    }

    @Test("cacheDuration is half the remaining lifetime, rounded to the second", arguments: [
        (12 * 3600.0, "6h0m0s"), (3599.998, "30m0s"), (3599.0, "30m0s"), (3598.0, "29m59s"), (1.0, "1s"), (0.4, "0s"),
    ])
    func halfLifetime(lifetime: Double, expected: String) throws {
        let material = CredentialMaterial.credentials([
            Credential(username: "u", password: Redacted("p"), expiresAt: Self.now.addingTimeInterval(lifetime), registries: ["ghcr.io"])
        ])
        let response = try JSONValue(parsing: KubeletCredentialProvider.response(
            to: Self.request("ghcr.io/org/app"), material: material, registries: [], now: Self.now))
        #expect(response["cacheDuration"]?.stringValue == expected)
    }

    @Test("a token that has already expired is an error naming when it expired, not a 0s answer", arguments: [0.0, -60.0])
    func expiredToken(lifetime: Double) throws {
        let expiresAt = Self.now.addingTimeInterval(lifetime)
        let material = CredentialMaterial.credentials([
            Credential(username: "u", password: Redacted("secret-token"), expiresAt: expiresAt, registries: ["ghcr.io"])
        ])
        #expect(throws: CredentialProviderError.expiredToken(expiresAt: expiresAt, now: Self.now)) {
            try KubeletCredentialProvider.response(to: Self.request("ghcr.io/org/app"), material: material, registries: [], now: Self.now)
        }
        let message = CredentialProviderError.expiredToken(expiresAt: expiresAt, now: Self.now).description
        #expect(message.contains("expired at") && !message.contains("secret-token"))
    }

    @Test("an image outside the served registries is answered 0s with an empty auth, and the provider is not called", arguments: [
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app", "123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/app", "gcr.io/p/app",
        "docker.io/library/nginx",
    ])
    func notServed(image: String) async throws {
        let calls = MintCalls()
        let served = KubeletCredentialProvider.ServedRegistries(["*.dkr.ecr.us-east-1.amazonaws.com"])
        let data = try await KubeletCredentialProvider.answer(
            Self.request(image), served: served, registries: [], timeout: .seconds(5), now: { Self.now },
            mint: { await calls.count(); return Self.ecr })
        let response = try JSONValue(parsing: data)
        #expect(response["auth"] == .object([:]) && response["cacheDuration"]?.stringValue == "0s")
        #expect(await calls.total == 0)
    }

    @Test("an image inside the served registries gets one provider call and the matching entry")
    func served() async throws {
        let calls = MintCalls()
        let served = KubeletCredentialProvider.ServedRegistries(["*.dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.eu-west-1.amazonaws.com"])
        let data = try await KubeletCredentialProvider.answer(
            Self.request("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app"), served: served, registries: [], timeout: .seconds(5),
            now: { Self.now }, mint: { await calls.count(); return Self.ecr })
        let response = try JSONValue(parsing: data)
        #expect(response["auth"]?["123456789012.dkr.ecr.eu-west-1.amazonaws.com"]?["password"]?.stringValue == "ecr-token-2")
        #expect(response["cacheDuration"]?.stringValue == "6h0m0s")
        #expect(await calls.total == 1)
    }

    @Test("a provider that does not answer within the timeout is an error, and its call is cancelled")
    func timeout() async throws {
        let served = KubeletCredentialProvider.ServedRegistries(["ghcr.io"])
        await #expect(throws: CredentialProviderError.timedOut(.milliseconds(50))) {
            try await KubeletCredentialProvider.answer(
                Self.request("ghcr.io/org/app"), served: served, registries: [], timeout: .milliseconds(50), now: { Self.now },
                mint: {
                    try await Task.sleep(for: .seconds(600))
                    return Self.ecr
                })
        }
    }

    @Test("v1beta1 and v1alpha1 requests are answered in their own apiVersion", arguments: ["v1beta1", "v1alpha1"])
    func echoesVersion(version: String) throws {
        let data = Data(#"{"apiVersion":"credentialprovider.kubelet.k8s.io/\#(version)","kind":"CredentialProviderRequest","image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x"}"#.utf8)
        let request = try KubeletCredentialProvider.parseRequest(data)
        let response = try JSONValue(parsing: KubeletCredentialProvider.response(to: request, material: Self.ecr, registries: [], now: Self.now))
        #expect(response["apiVersion"]?.stringValue == "credentialprovider.kubelet.k8s.io/\(version)")
        #expect(response["auth"]?["123456789012.dkr.ecr.eu-west-1.amazonaws.com"]?["password"]?.stringValue == "ecr-token-2")
        #expect(response["auth"]?["123456789012.dkr.ecr.us-east-1.amazonaws.com"] == nil)
    }

    @Test("malformed requests are refused with what is wrong", arguments: [
        ("not json", "standard input is not JSON"),
        (#"{"kind":"Pod"}"#, "expected kind CredentialProviderRequest"),
        (#"{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v9"}"#, "unsupported apiVersion"),
        (#"{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1"}"#, "names no image"),
        (#"{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"UPPER/Case"}"#, "image UPPER/Case"),
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

/// Counts provider calls made through `answer`'s mint closure.
actor MintCalls {
    private(set) var total = 0
    func count() { total += 1 }
}
