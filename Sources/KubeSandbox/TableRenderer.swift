// TableRenderer: the server-side printing kubectl asks for (`as=Table`): NAME and AGE for every
// kind, plus TYPE/DATA for secrets, SECRETS for service accounts, STATUS for namespaces.
import Foundation
import RegcredCore

enum TableRenderer {
    static func columns(for type: ResourceType) -> [(name: String, type: String)] {
        switch type.plural {
        case "secrets": return [("Name", "string"), ("Type", "string"), ("Data", "string"), ("Age", "string")]
        case "namespaces": return [("Name", "string"), ("Status", "string"), ("Age", "string")]
        case "serviceaccounts": return [("Name", "string"), ("Secrets", "string"), ("Age", "string")]
        case "pods": return [("Name", "string"), ("Status", "string"), ("Age", "string")]
        default: return [("Name", "string"), ("Age", "string")]
        }
    }

    static func cells(_ object: JSONValue, type: ResourceType) -> [JSONValue] {
        let name = JSONValue.string(object["metadata"]?["name"]?.stringValue ?? "")
        let age = JSONValue.string(humanAge(object["metadata"]?["creationTimestamp"]?.stringValue))
        switch type.plural {
        case "secrets":
            return [name, .string(object["type"]?.stringValue ?? "Opaque"),
                    .integer(Int64(object["data"]?.objectValue?.count ?? 0)), age]
        case "namespaces":
            return [name, .string(object["status"]?["phase"]?.stringValue ?? ""), age]
        case "serviceaccounts":
            return [name, .integer(Int64(object["secrets"]?.arrayValue?.count ?? 0)), age]
        case "pods":
            return [name, .string(object["status"]?["phase"]?.stringValue ?? ""), age]
        default:
            return [name, age]
        }
    }

    static func row(_ object: JSONValue, type: ResourceType) -> JSONValue {
        .object([
            "cells": .array(cells(object, type: type)),
            "object": .object(["kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/v1"),
                               "metadata": object["metadata"] ?? .object([:])]),
        ])
    }

    static func table(rows: [JSONValue], type: ResourceType, meta: [String: JSONValue]) -> JSONValue {
        let definitions = columns(for: type).map { column -> JSONValue in
            .object(["name": .string(column.name), "type": .string(column.type),
                     "format": .string(column.name == "Name" ? "name" : ""), "description": .string(column.name),
                     "priority": .integer(0)])
        }
        return .object(["kind": .string("Table"), "apiVersion": .string("meta.k8s.io/v1"), "metadata": .object(meta),
                        "columnDefinitions": .array(definitions), "rows": .array(rows)])
    }

    static func table(page: ObjectStore.ListPage, type: ResourceType) -> JSONValue {
        var meta: [String: JSONValue] = ["resourceVersion": .string(String(page.resourceVersion))]
        if let token = page.continueToken { meta["continue"] = .string(token) }
        if let remaining = page.remaining { meta["remainingItemCount"] = .integer(Int64(remaining)) }
        return table(rows: page.items.map { row($0, type: type) }, type: type, meta: meta)
    }

    /// A watch event whose object is a one-row Table (what `kubectl get -w` receives).
    static func watchEvent(_ event: JSONValue, type: ResourceType) -> JSONValue {
        guard let kind = event["type"]?.stringValue, kind != "ERROR", kind != "BOOKMARK", let object = event["object"] else { return event }
        return ObjectStore.event(kind, table(rows: [row(object, type: type)], type: type, meta: [
            "resourceVersion": object["metadata"]?["resourceVersion"] ?? .string(""),
        ]))
    }

    /// apimachinery's duration.HumanDuration, as the AGE column shows it.
    static func humanAge(_ timestamp: String?) -> String {
        guard let timestamp, let date = try? Date(timestamp, strategy: .iso8601) else { return "<unknown>" }
        let seconds = Int(Date().timeIntervalSince(date))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 { return "\(hours / 24 / 365)y\((hours / 24) % 365)d" }
        return "\(hours / 24 / 365)y"
    }
}
