// The JSON reader for pull-secret documents: Go's grammar, document order, the last of a
// repeated key, repeated keys reported by path, and Go's U+FFFD for bytes that are not UTF-8.
import Foundation
import Testing

@testable import RegcredCore

@Suite("OrderedJSON: JSON text as Go's encoding/json reads it")
struct OrderedJSONTests {
    static func parse(_ text: String) throws -> OrderedJSON { try OrderedJSON(parsing: Data(text.utf8)) }

    @Test("members keep document order and repeated keys; the tree keeps the last value")
    func lastWins() throws {
        let document = try Self.parse(#"{"b":1,"a":{"x":"first"},"a":{"x":"second"},"b":null}"#)
        guard case .object(let members) = document else {
            Issue.record("expected an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "a", "b"])
        #expect(document.lastWins == .object(["a": .object(["x": "second"]), "b": .null]))
    }

    @Test("repeated keys are reported by path, once each, in document order")
    func duplicatePaths() throws {
        let document = try Self.parse(
            #"{"auths":{"ghcr.io":{"auth":"a","auth":"b","auth":"c"},"quay.io":{}},"list":[{"k":1,"k":2}],"auths":{}}"#)
        #expect(document.duplicateKeyPaths == [["auths", "ghcr.io", "auth"], ["list", "0", "k"], ["auths"]])
        #expect(try Self.parse(#"{"a":{"b":1},"c":{"b":2}}"#).duplicateKeyPaths.isEmpty)
    }

    @Test("scalars: numbers as written, strings unescaped, literals")
    func scalars() throws {
        #expect(try Self.parse(#" [0, -1.5e3, 12, true, false, null, "a\"\\\/\b\f\n\r\t\u00fc"] "#)
            == .array([.number("0"), .number("-1.5e3"), .number("12"), .bool(true), .bool(false), .null, .string("a\"\\/\u{08}\u{0C}\n\r\tü")]))
        #expect(try Self.parse("12").lastWins == .integer(12))
        #expect(try Self.parse("1.5").lastWins == .double(1.5))
    }

    @Test("escapes Go turns into U+FFFD: unpaired surrogates; a pair is one character")
    func surrogates() throws {
        #expect(try Self.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try Self.parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try Self.parse(#""\ude00x""#) == .string("\u{FFFD}x"))
        #expect(try Self.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
    }

    @Test("bytes that are not UTF-8 become one U+FFFD each, as Go's unquote does")
    func invalidUTF8() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0xE2, 0x82, 0x62, 0xC3, 0xBC, 0x22]
        #expect(try OrderedJSON(parsing: Data(bytes)) == .string("a\u{FFFD}\u{FFFD}\u{FFFD}bü"))
    }

    @Test("text Go refuses is refused", arguments: [
        "", " ", "{", #"{"a":1,}"#, "[1,]", "01", "1.", ".5", "-", "1e", "+1", "'a'", #"{'a':1}"#, #"{"a" 1}"#,
        "\u{FEFF}{}", "{} {}", "nul", "True", #""a\x""#, "\"a\u{01}\"", #""\u12""#, "{a:1}", "NaN",
    ])
    func refusals(text: String) {
        #expect(throws: JSONSyntaxError.self) { try Self.parse(text) }
    }

    @Test("messages give a byte offset and never the input")
    func messages() {
        do {
            _ = try OrderedJSON(parsing: Data(#"{"password":"s3cret" x}"#.utf8))
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.detail.contains("byte 21"))
            #expect(!error.detail.contains("s3cret"))
        }
    }

    @Test("nesting is limited, so that a hostile document cannot exhaust the stack")
    func depth() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try Self.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        _ = try Self.parse(fine)
    }

    @Test("a tree without order becomes a document with sorted keys")
    func fromTree() {
        let tree = JSONValue.object(["b": .integer(1), "a": .array([.bool(true), .null, .double(0.5)])])
        #expect(OrderedJSON(tree) == .object([.init(key: "a", value: .array([.bool(true), .null, .number("0.5")])), .init(key: "b", value: .number("1"))]))
        #expect(OrderedJSON(tree).lastWins == tree)
    }
}
