// TLSMaterial: a throw-away certificate authority, a server certificate for 127.0.0.1 and
// localhost, and one client certificate per user (CN = user name), made with the `openssl`
// command in a temporary directory. Test support only: keys never leave that directory and
// the process's memory.
import Foundation

public struct TLSMaterial: Sendable {
    public var caPEM: String
    public var serverCertificatePEM: String
    public var serverKeyPEM: String
    /// User name → (certificate PEM, key PEM).
    public var clientCertificates: [String: (certificate: String, key: String)]

    struct GenerationError: Error, CustomStringConvertible {
        var description: String
    }

    static func generate(users: [String]) throws -> TLSMaterial {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regcred-sandbox-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["openssl"] + arguments
            process.currentDirectoryURL = directory
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw GenerationError(description: "openssl \(arguments.first ?? "") failed: \(text)")
            }
        }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: path("client.ext"), atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=regcred-sandbox-ca"])
        func issue(_ name: String, subject: String, extensions: String) throws {
            try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
            try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                         "-out", "\(name).crt", "-days", "2", "-extfile", extensions])
        }
        try issue("server", subject: "/CN=127.0.0.1", extensions: "server.ext")
        var clients: [String: (certificate: String, key: String)] = [:]
        for (index, user) in users.enumerated() {
            try issue("client\(index)", subject: "/CN=\(user)", extensions: "client.ext")
            clients[user] = (try String(contentsOfFile: path("client\(index).crt"), encoding: .utf8),
                             try String(contentsOfFile: path("client\(index).key"), encoding: .utf8))
        }
        return TLSMaterial(caPEM: try String(contentsOfFile: path("ca.crt"), encoding: .utf8),
                           serverCertificatePEM: try String(contentsOfFile: path("server.crt"), encoding: .utf8),
                           serverKeyPEM: try String(contentsOfFile: path("server.key"), encoding: .utf8),
                           clientCertificates: clients)
    }
}
