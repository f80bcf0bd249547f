// regcred-sandbox: runs KubeSandbox on 127.0.0.1, writes a kubeconfig for kubectl and regcred,
// prints where both are, and serves until SIGINT or SIGTERM. SIGUSR1 plays an API server restart
// after an etcd compaction (every client relists), for the memory benchmark of relists.
import ArgumentParser
import Dispatch
import Foundation
import KubeSandbox

@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regcred-sandbox",
        abstract: "An in-memory Kubernetes API server for trying regcred and kubectl locally.",
        discussion: "Send SIGUSR1 to end every watch and expire every earlier resourceVersion, as an API server restart after an etcd compaction does: every informer relists.")

    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int = 0

    @Flag(help: "Serve HTTPS with a throw-away CA (written into the kubeconfig).")
    var tls = false

    @Option(help: "Where to write the kubeconfig.")
    var kubeconfig: String = "./regcred-sandbox.kubeconfig"

    @Flag(help: "Never create the `default` ServiceAccount in new namespaces (no kube-controller-manager).")
    var noDefaultServiceaccount = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        var options = KubeSandbox.Options()
        options.port = port
        options.tls = tls
        if noDefaultServiceaccount { options.defaultServiceAccountDelay = nil }
        // kubectl sends no token over plain HTTP; without TLS, anonymous requests act as admin.
        if !tls { options.unauthenticatedUser = SandboxUser.admin.name }
        let sandbox = try await KubeSandbox.start(options)
        try sandbox.writeKubeconfig(to: kubeconfig)
        // Unbuffered, so scripts reading our output see the URL before we block.
        let path = URL(fileURLWithPath: kubeconfig).standardizedFileURL.path
        FileHandle.standardOutput.write(Data("regcred-sandbox listening on \(sandbox.url)\nkubeconfig: \(path)\n".utf8))
        signal(SIGUSR1, SIG_IGN)
        let relists = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        relists.setEventHandler { Task { await sandbox.faults.forceRelists() } }
        relists.resume()
        await Self.waitForTermination()
        relists.cancel()
        try await sandbox.stop()
    }

    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                Once.keep(source)
            }
        }
    }
}

/// Resumes a continuation exactly once, whichever signal comes first.
final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    func fire() {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume()
    }

    static func keep(_ source: any DispatchSourceSignal) {
        sources.append(source)
    }
}
