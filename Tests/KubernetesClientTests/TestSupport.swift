// Test support: temporary folders, a manual clock, and a log handler that records messages.
import Foundation
import Logging
import Synchronization
@testable import KubernetesClient

struct TemporaryFolder: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kclient-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
        return file
    }
}

/// Time that moves only when told; sleeping advances it and records the duration.
final class ManualClock: Sendable {
    private let state = Mutex<(now: Duration, sleeps: [Duration], random: Double)>((.zero, [], 0.5))

    var now: Duration { state.withLock { $0.now } }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }
    func advance(_ by: Duration) { state.withLock { $0.now += by } }
    func setRandom(_ value: Double) { state.withLock { $0.random = value } }

    var kubeClock: KubeClock {
        KubeClock(
            now: { self.now },
            sleep: { duration in self.state.withLock { $0.sleeps.append(duration); $0.now += duration } },
            random: { self.state.withLock { $0.random } })
    }
}

/// Records every log message with its metadata, to check that secrets never reach logs.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    static let records = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        Self.records.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
    }

    static func logger(label: String) -> Logger {
        Logger(label: label) { _ in RecordingLogHandler() }
    }
}
