// Test support: temporary folders and a manual clock (logs are captured by TestPeers.CapturedLogs).
import Foundation
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
