// `regcred doctor`: explain why a pod can or cannot pull its images, and print the fix.
import ArgumentParser
import Foundation
import Operations
import RegistryProbe
import RegcredCore

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Explain why a pod can or cannot pull its images, and print the commands that fix it.",
        discussion: """
            Walks what the kubelet does: the pod's imagePullSecrets (a service account's list is copied into a pod only at creation, and only when the pod sets none), whether each secret exists, has the right type and key and parses (one malformed pull secret fails every pull of the pod), which entries match each image (init, regular and ephemeral containers) by the kubelet's rules, near misses (docker.io vs index.docker.io, ports, globs, paths), and token expiry. With --verify, the matching credentials are tried against the registry.

            Before a pod exists: --image REF --service-account SA. Offline: -f with a pod or workload manifest and/or pull secret files (with --image when there is no manifest).

            Exits 0 when every image can be pulled as far as regcred can tell, 1 when a problem is found.
            """)

    @Argument(help: "The pod to diagnose.")
    var pod: String?

    @Option(name: .long, help: ArgumentHelp("An image to check instead of a pod's (repeatable).", valueName: "ref"))
    var image: [String] = []

    @Option(name: .long, help: ArgumentHelp("With --image: the service account the pod will run as.", valueName: "name"))
    var serviceAccount: String?

    @Option(
        name: [.short, .customLong("file")],
        help: ArgumentHelp("Offline: a pod or workload manifest, or a pull secret (Secret manifest or docker config); repeatable.", valueName: "file"))
    var files: [String] = []

    @Flag(name: .long, help: "Try the matching credentials against the registry.")
    var verify = false

    @OptionGroup(title: "With --verify") var registries: RegistryProbeOptions

    @OptionGroup var kube: KubeOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("The kubelet whose matching rules to apply: \(KubeletVersion.allCases.map(\.rawValue).joined(separator: " or ")).", valueName: "version"))
    var kubeletVersion: KubeletVersion = .newest

    func validate() throws {
        if !verify && (!registries.insecureRegistries.isEmpty || registries.caFile != nil) {
            throw ValidationError("--insecure-registry and --ca-file go with --verify")
        }
        if !files.isEmpty {
            if pod != nil { throw ValidationError("give either a POD in the cluster or -f FILE, not both") }
            return
        }
        switch (pod, image.isEmpty) {
        case (nil, true): throw ValidationError("name a POD, or give --image REF --service-account SA, or -f FILE")
        case (.some, false): throw ValidationError("give either a POD or --image, not both")
        case (nil, false) where serviceAccount == nil:
            throw ValidationError("--image needs --service-account SA: a new pod gets that service account's pull secrets")
        default: break
        }
    }

    func run() async throws {
        if verify {
            try await RegistryProber.withProber(configuration: registries.configuration()) { prober in
                try await diagnose(probe: prober.pullCredentialProbe)
            }
        } else {
            try await diagnose(probe: nil)
        }
    }

    private func diagnose(probe: PullCredentialProbe?) async throws {
        let diagnosis: PullDiagnosis
        if !files.isEmpty {
            diagnosis = try await DiagnosePulls.offline(
                files: files.map(InputSource.init(path:)), images: image, serviceAccount: serviceAccount, now: Date(), probe: probe,
                kubelet: kubeletVersion)
        } else {
            let target: DoctorTarget = pod.map { .pod($0) } ?? .images(image, serviceAccount: serviceAccount ?? "default")
            diagnosis = try await DiagnosePulls.inCluster(
                connection: kube.connection, target: target, now: Date(), probe: probe, kubelet: kubeletVersion)
        }
        Terminal.write(DiagnosePulls.render(diagnosis, as: output))
        if !diagnosis.isHealthy { throw CheckFailed("some images cannot be pulled (see above)") }
    }
}
