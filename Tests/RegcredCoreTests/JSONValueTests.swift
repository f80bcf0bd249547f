import Foundation
import Testing

@testable import RegcredCore

@Suite("JSONValue")
struct JSONValueTests {
    @Test("JSON round-trips numbers, booleans, nulls, nesting and unicode")
    func jsonRoundTrip() throws {
        let text = #"{"a":[1,2.5,true,null,"ü/x"],"b":{"c":-7}}"#
        let value = try JSONValue(parsing: Data(text.utf8))
        #expect(value["a"]?.arrayValue?[0] == .integer(1))
        #expect(value["a"]?.arrayValue?[1] == .double(2.5))
        #expect(value["a"]?.arrayValue?[2] == .bool(true))
        #expect(value["a"]?.arrayValue?[3] == .null)
        #expect(value.encodedString() == text)
    }

    @Test("YAML strings that look like other types are quoted so they read back as strings", arguments: [
        "123", "true", "no", "null", "1.5", "~", "", "0x1F", "a: b", "- x",
    ])
    func yamlQuotesAmbiguousStrings(text: String) throws {
        let value = JSONValue.object(["k": .string(text)])
        #expect(try JSONValue(yaml: value.yamlString()) == value)
    }

    @Test("YAML scalars resolve to JSON types")
    func yamlTypes() throws {
        let value = try JSONValue(yaml: "i: 3\nf: 1.5\nb: true\nn: null\ns: hello\nq: '3'\nl: [a, 1]\n")
        #expect(value == .object(["i": .integer(3), "f": .double(1.5), "b": .bool(true), "n": .null, "s": "hello", "q": "3", "l": .array(["a", .integer(1)])]))
    }

    @Test("YAML output sorts keys and is block style")
    func yamlOutput() {
        let value = JSONValue.object(["kind": "Secret", "apiVersion": "v1", "data": .object(["b": "2", "a": "1"])])
        #expect(value.yamlString() == "apiVersion: v1\ndata:\n  a: '1'\n  b: '2'\nkind: Secret\n")
    }

    @Test("setting a member on an object adds or replaces it")
    func subscriptSet() {
        var value = JSONValue.object(["a": "1"])
        value["b"] = "2"
        value["a"] = nil
        #expect(value == .object(["b": "2"]))
    }
}

@Suite("JSON merge patches")
struct JSONMergePatchTests {
    @Test("changed members are sent, removed ones as null, nested objects recursively, arrays whole")
    func diff() {
        let old = JSONValue.object([
            "namespaces": .object(["failed": .integer(1), "failures": .array([.object(["namespace": "a"])])]),
            "keep": "same", "gone": "x", "list": .array(["a", "b"]),
        ])
        let new = JSONValue.object([
            "namespaces": .object(["failed": .integer(0)]),
            "keep": "same", "list": .array(["a"]), "added": .bool(true),
        ])
        #expect(new.mergePatch(from: old) == .object([
            "namespaces": .object(["failed": .integer(0), "failures": .null]),
            "gone": .null, "list": .array(["a"]), "added": .bool(true),
        ]))
        #expect(new.mergePatch(from: nil) == new)
    }
}

@Suite("YAML alias bombs")
struct YAMLAliasBombTests {
    /// `levels` levels of `width` aliases each, the last level used as a value or as a key.
    static func bomb(levels: Int, width: Int, asKey: Bool = false) -> String {
        var text = "a0: &a0 [" + Array(repeating: "\"lol\"", count: width).joined(separator: ", ") + "]\n"
        for level in 1...levels {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: width).joined(separator: ", ") + "]\n"
        }
        return asKey ? text + "? *a\(levels)\n: x\n" : text
    }

    @Test("a document that expands past the limit is refused before a tree is built, as a value or as a key", arguments: [false, true])
    func refused(asKey: Bool) {
        #expect(throws: YAMLSyntaxError.self) { try JSONValue(yaml: Self.bomb(levels: 9, width: 9, asKey: asKey)) }
        #expect(!YAMLExpansionBudget.fits(Self.bomb(levels: 9, width: 9, asKey: asKey), limit: JSONValue.maximumYAMLNodes))
    }

    @Test("aliases are counted as what they stand for; small uses of them still read")
    func counted() throws {
        let small = Self.bomb(levels: 2, width: 3)
        #expect(YAMLExpansionBudget.fits(small, limit: 1_000))
        // a0: 1 + 3 scalars; a1: 1 + 3 × 4; a2: 1 + 3 × 13; keys 3; root 1 → 4 + 13 + 40 + 3 + 1
        #expect(YAMLExpansionBudget.fits(small, limit: 61))
        #expect(!YAMLExpansionBudget.fits(small, limit: 60))
        let value = try JSONValue(yaml: small)
        #expect(value["a2"]?.arrayValue?.count == 3)
        #expect(value["a2"]?.arrayValue?[0].arrayValue?.count == 3)
    }

    @Test("text that is not YAML is left to the parser, which says where")
    func syntax() {
        #expect(YAMLExpansionBudget.fits("a: [1, 2", limit: 10))
        #expect(throws: YAMLSyntaxError.self) { try JSONValue(yaml: "a: [1, 2") }
    }
}
