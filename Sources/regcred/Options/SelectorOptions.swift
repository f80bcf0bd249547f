// `--selector`: which ClusterPullSecrets a controller (or one sync) serves, as kubectl's `-l`.
import ArgumentParser
import KubernetesClient

struct SelectorOptions: ParsableArguments {
    @Option(
        name: [.customShort("l"), .long],
        help: ArgumentHelp(
            "Serve only the ClusterPullSecrets whose labels match (as kubectl -l), e.g. tenant=payments; several controllers can split a cluster this way.",
            valueName: "selector"))
    var selector: String?

    func validate() throws {
        _ = try query()
    }

    /// The parsed selector; nil serves every ClusterPullSecret.
    func query() throws -> LabelQuery? {
        guard let selector else { return nil }
        do { return try LabelQuery(parsing: selector) } catch { throw ValidationError(error.description) }
    }
}
