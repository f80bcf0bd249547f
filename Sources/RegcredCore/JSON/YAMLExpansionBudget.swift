// How many values a YAML text holds once its aliases are replaced, counted from libyaml's
// events before any tree exists: Yams' composer hashes mapping keys, so an alias bomb used as
// a key would otherwise run for minutes inside Yams, before JSONValue could count anything.
// CYaml is Yams' libyaml target: Yams' product does not export it, so Package.swift cannot name it
// and reaches it through Yams. Its event API is the only one that counts before composing a tree.
import CYaml

enum YAMLExpansionBudget {
    /// False when the text, expanded, holds more than `limit` values. Syntax errors are left
    /// to Yams (true), which reports them with a location.
    static func fits(_ text: String, limit: Int) -> Bool {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return true }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return true }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // Sizes saturate just above the limit, so that no count can overflow.
            let ceiling = limit + 1
            var anchors: [String: Int] = [:]
            // One frame per open sequence or mapping: its anchor and the values in it so far.
            var open: [(anchor: String?, size: Int)] = [(nil, 0)]
            func add(_ size: Int) -> Bool {
                open[open.count - 1].size = min(ceiling, open[open.count - 1].size + size)
                return open[open.count - 1].size <= limit
            }
            func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return true }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return true
                case YAML_SCALAR_EVENT:
                    if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = 1 }
                    guard add(1) else { return false }
                case YAML_ALIAS_EVENT:
                    guard add(name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1) else { return false }
                case YAML_SEQUENCE_START_EVENT:
                    open.append((name(event.data.sequence_start.anchor), 1))
                case YAML_MAPPING_START_EVENT:
                    open.append((name(event.data.mapping_start.anchor), 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let closed = open.removeLast()
                    if let anchor = closed.anchor { anchors[anchor] = closed.size }
                    guard add(closed.size) else { return false }
                case YAML_DOCUMENT_END_EVENT:
                    // Each document of a stream is counted on its own, with its own anchors.
                    open = [(nil, 0)]
                    anchors = [:]
                default:
                    continue
                }
            }
        }
    }
}
