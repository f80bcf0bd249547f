// EventRecorder: events.k8s.io/v1 Events on ClusterPullSecrets, throttled per object and reason
// so that a fan-out over 10,000 namespaces yields a handful of events, not 10,000.
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore

public actor EventRecorder {
    public enum EventType: String, Sendable { case normal = "Normal", warning = "Warning" }

    private let client: KubeClient?
    private let instance: String
    private let logger: Logger
    private var throttle: EventThrottle
    private let now: @Sendable () -> Date
    /// The last name suffix used, so two events in the same instant never share a name.
    private var lastSuffix: UInt64 = 0

    /// `client` nil records nothing (dry runs, `sync --once --no-events`).
    public init(client: KubeClient?, instance: String, interval: Duration = .seconds(30), logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.instance = instance
        self.logger = logger
        self.throttle = EventThrottle(interval: interval)
        self.now = now
    }

    /// Notes must never carry secret material; callers pass counts, names and reasons only.
    public func record(on object: ClusterPullSecret, type: EventType, reason: String, note: String) async {
        guard let client else { return }
        let at = now()
        let name = object.metadata.name ?? ""
        guard let suppressed = throttle.admit(key: "\(name)/\(reason)", at: at) else { return }
        let text = suppressed > 0 ? "\(note) (\(suppressed) similar events suppressed)" : note
        // Events about cluster-scoped objects live in the default namespace, as client-go records them.
        // The name is client-go's: the object's name, a dot, the time in hex nanoseconds. (A
        // generateName of "name." is refused by the API server: a prefix must itself be a valid
        // DNS subdomain, and one ending in "." is not.)
        let event = Event(
            metadata: ObjectMeta(name: eventName(for: name, at: at), namespace: "default"), eventTime: MicroTime(at),
            reportingController: "regcred.dev/controller", reportingInstance: instance,
            action: type == .warning ? "Failed" : "Reconcile", reason: reason, type: type.rawValue,
            note: String(text.prefix(1024)),
            regarding: ObjectReference(apiVersion: "regcred.dev/v1alpha1", kind: "ClusterPullSecret", name: name, uid: object.metadata.uid))
        do {
            _ = try await client.resource(Event.self, namespace: "default").create(event)
        } catch {
            logger.warning("could not record event", metadata: ["clusterpullsecret": "\(name)", "reason": "\(reason)", "error": "\(error)"])
        }
    }
}

extension EventRecorder {
    /// `<object>.<hex nanoseconds>`, strictly increasing per recorder.
    private func eventName(for object: String, at date: Date) -> String {
        let nanoseconds = UInt64(max(0, date.timeIntervalSince1970 * 1_000_000_000))
        lastSuffix = max(nanoseconds, lastSuffix + 1)
        return "\(object).\(String(lastSuffix, radix: 16))"
    }
}

/// At most one event per key per interval; counts what it held back.
public struct EventThrottle: Sendable {
    public let interval: Duration
    private var last: [String: Date] = [:]
    private var suppressed: [String: Int] = [:]

    public init(interval: Duration) { self.interval = interval }

    /// The number of events suppressed since the last admitted one, or nil to suppress this one.
    public mutating func admit(key: String, at now: Date) -> Int? {
        if let previous = last[key], now.timeIntervalSince(previous) < interval.timeInterval {
            suppressed[key, default: 0] += 1
            return nil
        }
        last[key] = now
        return suppressed.removeValue(forKey: key) ?? 0
    }
}
