// Go's duration syntax ("30m", "1h30m", "1.5h", "500ms"), which Kubernetes users write in specs.

public enum GoDuration {
    /// Parses a non-negative duration; nil for anything Go's time.ParseDuration would reject
    /// (or a negative one, which no refresh setting can mean).
    public static func parse(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        var rest = Substring(text)
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard !rest.isEmpty, !rest.hasPrefix("-") else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, number != ".", let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !$0.isNumber && $0 != "." }
            rest = rest.dropFirst(unit.count)
            guard let scale = unitSeconds[String(unit)] else { return nil }
            total += value * scale
        }
        guard total.isFinite, total < 9.2e9 else { return nil }
        return .nanoseconds(Int64((total * 1e9).rounded()))
    }

    private static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]
}

extension GoDuration {
    /// Go's `time.Duration.String()` for whole seconds ("6h0m0s", "1m30s", "45s", "0s"), the form
    /// metav1.Duration fields carry.
    public static func format(seconds: Int64) -> String {
        guard seconds > 0 else { return "0s" }
        let hours = seconds / 3600, minutes = (seconds % 3600) / 60, rest = seconds % 60
        if hours > 0 { return "\(hours)h\(minutes)m\(rest)s" }
        if minutes > 0 { return "\(minutes)m\(rest)s" }
        return "\(rest)s"
    }
}
