// KubeTimeFormat: the two timestamp spellings of the Kubernetes API, `Time` (seconds) and
// `MicroTime` (microseconds), both RFC 3339 in UTC.
import Foundation

enum KubeTimeFormat {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false)) {
            return date
        }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func seconds(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    /// ISO8601FormatStyle writes milliseconds; MicroTime wants six digits, so we pad.
    static func microseconds(_ date: Date) -> String {
        let whole = floor(date.timeIntervalSince1970)
        let micros = Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded())
        let base = seconds(Date(timeIntervalSince1970: whole))
        let fraction = String(format: "%06d", min(micros, 999_999))
        return base.dropLast() + ".\(fraction)Z"
    }
}
