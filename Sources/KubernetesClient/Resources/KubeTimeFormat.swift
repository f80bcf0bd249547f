// KubeTimeFormat: the two timestamp spellings of the Kubernetes API, `Time` (seconds) and
// `MicroTime` (microseconds), both RFC 3339 in UTC.
import Foundation
import RegcredCore

enum KubeTimeFormat {
    static func parse(_ text: String) -> Date? {
        RFC3339.parse(text)
    }

    static func seconds(_ date: Date) -> String {
        RFC3339.format(date)
    }

    /// ISO8601FormatStyle writes milliseconds; MicroTime wants six digits, so we pad.
    static func microseconds(_ date: Date) -> String {
        let whole = floor(date.timeIntervalSince1970)
        let micros = Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded())
        let base = seconds(Date(timeIntervalSince1970: whole))
        let digits = String(min(micros, 999_999))
        let fraction = String(repeating: "0", count: 6 - digits.count) + digits
        return base.dropLast() + ".\(fraction)Z"
    }
}
