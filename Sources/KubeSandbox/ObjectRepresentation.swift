// ObjectRepresentation: converts between the stored form of an object and what a given API
// group-version serves (kind/apiVersion, and the core/v1 ↔ events.k8s.io/v1 Event field names).
import RegcredCore

enum ObjectRepresentation {
    /// core/v1 name → events.k8s.io/v1 name.
    static let eventRenames: [(String, String)] = [
        ("involvedObject", "regarding"), ("message", "note"), ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"), ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"), ("count", "deprecatedCount"),
    ]

    static func present(_ stored: JSONValue, as type: ResourceType) -> JSONValue {
        var object = stored
        if type.plural == "events" && type.group == "events.k8s.io" {
            for (core, modern) in eventRenames {
                let value = object[core]
                object[core] = nil
                if let value { object[modern] = value }
            }
        }
        object["kind"] = .string(type.kind)
        object["apiVersion"] = .string(type.apiVersion)
        return object
    }

    static func toStorage(_ incoming: JSONValue, from type: ResourceType) -> JSONValue {
        var object = incoming
        if type.plural == "events" && type.group == "events.k8s.io" {
            for (core, modern) in eventRenames {
                let value = object[modern]
                object[modern] = nil
                if let value { object[core] = value }
            }
            object["kind"] = .string("Event")
            object["apiVersion"] = .string("v1")
        } else {
            object["kind"] = .string(type.kind)
            object["apiVersion"] = .string(type.apiVersion)
        }
        return object
    }
}
