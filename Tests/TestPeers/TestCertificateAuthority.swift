// A throw-away CA and a server certificate for 127.0.0.1 signed by it, made with openssl.
import Foundation

public struct TestCertificateAuthority {
    /// The CA certificate, to be trusted by clients.
    public let caCertificate: URL
    public let serverCertificate: URL
    public let serverKey: URL
    /// A directory holding only `ca.crt`: the layout `skopeo --cert-dir` expects.
    public let clientTrustDirectory: URL

    /// Makes the CA and a server certificate with subjectAltName IP:127.0.0.1 (and DNS entries
    /// for `serverNames`, e.g. a webhook Service's `name.namespace.svc`) in `directory`. Without
    /// `loopbackIP` the certificate names only `serverNames`: NIOSSL accepts an IP entry that
    /// matches the connected address whatever name was asked for, so a test of name checking
    /// needs a certificate without one.
    public static func make(in directory: URL, home: URL, serverNames: [String] = [],
                            loopbackIP: Bool = true) async throws -> TestCertificateAuthority {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func file(_ name: String) -> String { directory.appending(path: name).path }
        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await ChildProcess.runTool(
            "openssl",
            ["req", "-x509"] + ecKey + [
                "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "2",
                "-subj", "/CN=regcred test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], home: home)
        try await ChildProcess.runTool(
            "openssl",
            ["req", "-new"] + ecKey + [
                "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1",
            ], home: home)
        let extensions = """
            subjectAltName=\(((loopbackIP ? ["IP:127.0.0.1"] : []) + serverNames.map { "DNS:\($0)" }).joined(separator: ","))
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth

            """
        try Data(extensions.utf8).write(to: directory.appending(path: "server.ext"))
        try await ChildProcess.runTool(
            "openssl",
            [
                "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
                "-CAcreateserial", "-out", file("server.crt"), "-days", "2", "-extfile", file("server.ext"),
            ], home: home)

        let trust = directory.appending(path: "trust", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: directory.appending(path: "ca.crt"), to: trust.appending(path: "ca.crt"))
        return TestCertificateAuthority(
            caCertificate: directory.appending(path: "ca.crt"),
            serverCertificate: directory.appending(path: "server.crt"),
            serverKey: directory.appending(path: "server.key"),
            clientTrustDirectory: trust)
    }
}
