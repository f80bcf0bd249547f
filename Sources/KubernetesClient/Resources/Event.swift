// Event (events.k8s.io/v1): what the controller reports about the objects it touches
// ("Synced pull secret to 12 namespaces"). `note` is shown by `kubectl describe`.
import RegcredCore

public struct Event: KnownResource, Equatable {
    public static let resource = Resource.events
    public var metadata: ObjectMeta
    /// Required by the server, with microsecond precision.
    public var eventTime: MicroTime?
    public var reportingController: String?
    public var reportingInstance: String?
    /// What was done ("Sync"); required.
    public var action: String?
    /// Why ("SecretUpdated"); required.
    public var reason: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var note: String?
    public var regarding: ObjectReference?
    public var related: ObjectReference?
    public var raw: JSONValue

    public init(metadata: ObjectMeta, eventTime: MicroTime, reportingController: String, reportingInstance: String,
                action: String, reason: String, type: String, note: String? = nil, regarding: ObjectReference? = nil) {
        self.metadata = metadata
        self.eventTime = eventTime
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.type = type
        self.note = note
        self.regarding = regarding
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ObjectMeta()
        eventTime = try reader.optional("eventTime")
        reportingController = try reader.optional("reportingController")
        reportingInstance = try reader.optional("reportingInstance")
        action = try reader.optional("action")
        reason = try reader.optional("reason")
        type = try reader.optional("type")
        note = try reader.optional("note")
        regarding = try reader.optional("regarding")
        related = try reader.optional("related")
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        writer.set("eventTime", eventTime)
        writer.set("reportingController", reportingController)
        writer.set("reportingInstance", reportingInstance)
        writer.set("action", action)
        writer.set("reason", reason)
        writer.set("type", type)
        writer.set("note", note)
        writer.set("regarding", regarding)
        writer.set("related", related)
        return writer.json
    }
}
