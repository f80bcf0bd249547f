// The kubelet versions regcred models. The credential lookup of `pkg/credentialprovider` is
// the same from v1.28 to today; what differs is the Go release a kubelet is built with, whose
// `net/url` decides which docker config keys parse at all (CVE-2025-47912, Go 1.24.8 / 1.25.2).

public enum KubeletVersion: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// v1.28 (v1.28.7 built with Go 1.21): a key's host may hold `[` anywhere, so `[0-9]`
    /// character classes glob (`reg[0-9].example.com`), bracketed hosts are not checked to be
    /// IPv6, and an unbracketed host's port starts at its last ":".
    case v1_28 = "1.28"
    /// Kubelets built with Go 1.24.8, 1.25.2 or later (the 1.34 line and newer patch releases):
    /// `[` may only open an IPv6 literal at the start of the host, so keys with character
    /// classes are ignored, and an unbracketed host's port starts at its first ":".
    case v1_34 = "1.34"

    /// What regcred assumes unless told otherwise.
    public static let newest: KubeletVersion = .v1_34

    public static func < (lhs: KubeletVersion, rhs: KubeletVersion) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var description: String { rawValue }

    /// Whether its `net/url` has the CVE-2025-47912 host checks.
    var checksBracketedHosts: Bool { self >= .v1_34 }
}
