// Where a document comes from: a file, or standard input when the path is "-".
import Foundation

public enum InputSource: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case standardInput

    public init(path: String) {
        self = path == "-" ? .standardInput : .file(path)
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .standardInput: "standard input"
        }
    }

    public func readText() throws(InputError) -> String {
        guard let text = String(data: try readData(), encoding: .utf8) else { throw .notText(description) }
        return text
    }

    /// The bytes as they are (key files, which a source checks itself).
    public func readData() throws(InputError) -> Data {
        switch self {
        case .standardInput:
            return FileHandle.standardInput.readDataToEndOfFile()
        case .file(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .notFound(path)
            }
            guard !isDirectory.boolValue else { throw .isDirectory(path) }
            guard let contents = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
            return contents
        }
    }
}

public enum InputError: UserFacingError, Equatable {
    case notFound(String)
    case isDirectory(String)
    case unreadable(String)
    case notText(String)
    case environmentVariableUnset(String)

    public var kind: FailureKind {
        switch self {
        case .notText: .invalidInput
        default: .missingInput
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): "file \(path) does not exist"
        case .isDirectory(let path): "\(path) is a directory; give a file"
        case .unreadable(let path): "cannot read \(path): check its permissions"
        case .notText(let source): "\(source) is not UTF-8 text"
        case .environmentVariableUnset(let name): "environment variable \(name) is not set"
        }
    }
}
