// A tiny but complete container image in OCI image layout on disk (oci-layout, index.json,
// and manifest, config and one layer as content-addressed blobs), for skopeo to push.
import Foundation

public enum OCIImageLayout {
    /// Writes an image whose single layer holds `hello.txt` to `directory`, tagged `tag`
    /// (`oci:DIRECTORY:TAG`). Returns the manifest digest (`sha256:…`).
    @discardableResult
    public static func write(to directory: URL, tag: String, greeting: String, home: URL) async throws -> String {
        let blobs = directory.appending(path: "blobs/sha256", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)

        // The layer: an uncompressed tar with one file, made by tar itself.
        let layerRoot = directory.deletingLastPathComponent().appending(path: "layer-root", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: layerRoot, withIntermediateDirectories: true)
        try Data(greeting.utf8).write(to: layerRoot.appending(path: "hello.txt"))
        let layerFile = directory.deletingLastPathComponent().appending(path: "layer.tar")
        try await ChildProcess.runTool(
            "tar",
            [
                "--create", "--file", layerFile.path, "--directory", layerRoot.path, "--owner=0", "--group=0",
                "--numeric-owner", "--mtime=@0", "hello.txt",
            ], home: home)
        let layer = try await storeBlob(Data(contentsOf: layerFile), in: blobs, home: home)

        let config = """
            {"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["\(layer.digest)"]}}
            """
        let configBlob = try await storeBlob(Data(config.utf8), in: blobs, home: home)

        let manifest = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(configBlob.digest)","size":\(configBlob.size)},\
            "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\(layer.digest)","size":\(layer.size)}]}
            """
        let manifestBlob = try await storeBlob(Data(manifest.utf8), in: blobs, home: home)

        let index = """
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "digest":"\(manifestBlob.digest)","size":\(manifestBlob.size),\
            "annotations":{"org.opencontainers.image.ref.name":"\(tag)"}}]}
            """
        try Data(index.utf8).write(to: directory.appending(path: "index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: directory.appending(path: "oci-layout"))
        return manifestBlob.digest
    }

    /// Stores `content` under its sha256 digest (computed by sha256sum) and returns digest and size.
    private static func storeBlob(_ content: Data, in blobs: URL, home: URL) async throws -> (digest: String, size: Int) {
        let hex = try await ChildProcess.runTool("sha256sum", ["-"], standardInput: content, home: home)
            .standardOutput.prefix { $0.isHexDigit }
        guard hex.count == 64 else { throw TestSupportError.unexpectedOutput("sha256sum printed \(hex)") }
        try content.write(to: blobs.appending(path: String(hex)))
        return ("sha256:\(hex)", content.count)
    }
}
