// kubectl (TestPeers) as a user of a sandbox, through the kubeconfig the sandbox writes.
import KubeSandbox
import TestPeers

extension Kubectl {
    init(_ sandbox: KubeSandbox, user: String = "admin", namespace: String = "default") throws {
        try self.init(
            kubeconfigYAML: sandbox.kubeconfigYAML(user: user, namespace: namespace), serverMinorVersion: KubeSandbox.kubernetesMinorVersion)
    }
}
