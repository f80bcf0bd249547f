// The one way reports (show, match) are printed as JSON: pretty, sorted, ISO 8601 dates.
import Foundation

enum ReportJSON {
    static func render<Report: Encodable>(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
    }
}
