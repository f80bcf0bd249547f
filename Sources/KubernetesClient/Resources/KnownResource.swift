// KnownResource: an object type whose REST resource is fixed at compile time (Secret →
// core/v1 secrets), so that `client.resource(Secret.self)` needs no descriptor.

public protocol KnownResource: KubernetesObject {
    static var resource: Resource { get }
}
