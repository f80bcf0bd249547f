// SandboxRequestContext: Hummingbird's per-request context plus the connection's channel, which
// the API handler needs to read the TLS client certificate for authentication.
import Hummingbird
import NIOCore

struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
