// Seeded random mutations of valid inputs: the WWW-Authenticate parser and the docker config
// parser must never crash, and must answer every input with a result or their own typed error.
// The seed is fixed, so a failure reproduces; the failing input is printed.
import Foundation
import TestPeers
import RegcredCore
import RegistryProbe
import Testing

/// SplitMix64: tiny, fast and deterministic for a given seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Byte-level mutations: insert, delete, replace, duplicate a span, truncate.
enum ByteMutator {
    static func mutate(_ input: [UInt8], alphabet: [UInt8], rounds: Int, using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<rounds {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
            case 1: if !bytes.isEmpty { bytes.remove(at: position) }
            case 2: if !bytes.isEmpty { bytes[position] = alphabet.randomElement(using: &random)! }
            case 3:
                if !bytes.isEmpty {
                    let end = min(bytes.count, position + Int.random(in: 1...8, using: &random))
                    bytes.insert(contentsOf: bytes[position..<end], at: position)
                }
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }
}

@Suite("fuzzing the parsers")
struct FuzzTests {
    static let seed: UInt64 = 0x5EED_0006
    static let cases = 5000

    static let challengeSeeds = [
        #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull""#,
        #"Basic realm="Registry Realm""#,
        #"Negotiate YIIBhwYGKwYBBQUC==, Basic realm="a\"b", Bearer error="insufficient_scope",scope="repository:x:pull""#,
        "Bearer realm=https://r/t , service = s",
    ]

    @Test("mutated WWW-Authenticate headers parse or throw WWWAuthenticateError")
    func mutatedChallenges() {
        var random = SeededGenerator(seed: Self.seed)
        let alphabet = Array(#" ,="\\abcBR;:/-_~+.="#.utf8) + [0x09, 0x00, 0x0A, 0x7F, 0xC3, 0xBC, 0xFF]
        var failures: [String] = []
        var parsed = 0
        var refused = 0
        for index in 0..<Self.cases {
            let seedText = Self.challengeSeeds[index % Self.challengeSeeds.count]
            let bytes = ByteMutator.mutate(
                Array(seedText.utf8), alphabet: alphabet, rounds: Int.random(in: 1...6, using: &random), using: &random)
            let header = String(decoding: bytes, as: UTF8.self)
            do {
                let challenges = try AuthChallenge.parse(header: header)
                parsed += 1
                for challenge in challenges {
                    let wellFormed =
                        !challenge.scheme.isEmpty && challenge.scheme == challenge.scheme.lowercased()
                        && challenge.parameters.keys.allSatisfy { !$0.isEmpty && $0 == $0.lowercased() }
                    if !wellFormed { failures.append("case \(index): \(header.debugDescription) gave \(challenge)") }
                }
            } catch {
                refused += 1
                if error.description.isEmpty { failures.append("case \(index): empty error for \(header.debugDescription)") }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        // Both branches must be exercised, or the fuzzing tests nothing.
        #expect(parsed > Self.cases / 10)
        #expect(refused > Self.cases / 10)
    }

    @Test("generated challenges with arbitrary quoted values read back exactly")
    func generatedChallengesRoundTrip() throws {
        var random = SeededGenerator(seed: Self.seed ^ 1)
        let valueAlphabet = Array(#"abc XYZ,="\\/:;ü-_"#.unicodeScalars)
        for index in 0..<Self.cases {
            var expected: [AuthChallenge] = []
            var parts: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let scheme = ["Basic", "Bearer", "bearer", "X-Custom"].randomElement(using: &random)!
                var parameters: [String: String] = [:]
                var rendered: [String] = []
                for number in 0..<Int.random(in: 1...4, using: &random) {
                    let name = "p\(number)"
                    let value = String(String.UnicodeScalarView((0..<Int.random(in: 0...12, using: &random)).map { _ in
                        valueAlphabet.randomElement(using: &random)!
                    }))
                    parameters[name] = value
                    let quoted = "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                    let spacing = [" ", "", "  ", "\t"].randomElement(using: &random)!
                    rendered.append("\(name.uppercased())\(spacing)=\(spacing)\(quoted)")
                }
                expected.append(AuthChallenge(scheme: scheme, parameters: parameters))
                parts.append(scheme + " " + rendered.joined(separator: [",", ", ", " ,", ",,"].randomElement(using: &random)!))
            }
            let header = parts.joined(separator: ", ")
            let parsed = try AuthChallenge.parse(header: header)
            #expect(parsed == expected, "case \(index): \(header.debugDescription)")
            if parsed != expected { return }
        }
    }

    static let configSeeds = [
        #"{"auths":{"ghcr.io":{"username":"u","password":"p","auth":"dTpw","email":"e@x"},"https://index.docker.io/v1/":{"auth":"YTpi"}}}"#,
        #"{"reg.example.com:5000":{"auth":"dTpw","email":"x"}}"#,
        #"{"auths":{},"HttpHeaders":{"User-Agent":"x"},"credsStore":"desktop"}"#,
    ]

    @Test("mutated docker configs parse or throw DockerConfigError")
    func mutatedDockerConfigs() {
        var random = SeededGenerator(seed: Self.seed ^ 2)
        let alphabet = Array(#"{}[]":,0123456789.-+eE truefalsnul\auths"#.utf8) + [0x00, 0x0A, 0xC3, 0xFF]
        var failures: [String] = []
        var kinds: Set<String> = []
        var parsed = 0
        for index in 0..<Self.cases {
            let seedText = Self.configSeeds[index % Self.configSeeds.count]
            let bytes = ByteMutator.mutate(
                Array(seedText.utf8), alphabet: alphabet, rounds: Int.random(in: 1...4, using: &random), using: &random)
            do {
                let config = try DockerConfig(parsingDetectingFormat: Data(bytes))
                parsed += 1
                // What parsed must encode and parse back to the same entries.
                let again = try DockerConfig(parsing: config.encoded(), format: config.format)
                if again.entries != config.entries { failures.append("case \(index): re-encoding changed the entries") }
            } catch {
                kinds.insert(Self.caseName(error))
                if error.description.isEmpty { failures.append("case \(index): empty error") }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(parsed > Self.cases / 20)
        #expect(kinds.count >= 2, "only \(kinds) errors: the mutations never got past the JSON syntax")
    }

    static func caseName(_ error: DockerConfigError) -> String {
        switch error {
        case .invalidJSON: "invalidJSON"
        case .notAnObject: "notAnObject"
        case .missingAuths: "missingAuths"
        case .authsNotAnObject: "authsNotAnObject"
        case .entryNotAnObject: "entryNotAnObject"
        case .fieldNotAString: "fieldNotAString"
        case .emptyRegistryKey: "emptyRegistryKey"
        case .noSuchRegistry: "noSuchRegistry"
        case .noUsername: "noUsername"
        case .emptyPassword: "emptyPassword"
        case .usernameContainsColon: "usernameContainsColon"
        }
    }
}
