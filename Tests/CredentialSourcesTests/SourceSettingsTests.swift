// Errors speak the language of where a source was configured: ClusterPullSecret fields and Secrets
// for the controller, flags, files and environment variables for the CLI and the kubelet plugin.
import Foundation
import RegcredCore
import Testing

@testable import CredentialSources

@Suite("Source settings in messages")
struct SourceSettingsTests {
    static let plugin = SourceSettings.commandLine(CommandLineSettings(
        flags: ["ecr.regions": "--region", "ecr.public": "--ecr-public", "ecr.roleArn": "--role-arn"],
        files: ["gcp-key": .init(flag: "--gcp-key-file", path: "/etc/regcred/gcp.json")],
        environment: "the kubelet's environment or the provider's env: list"))

    static func context(_ settings: SourceSettings, environment: [String: String] = ["AWS_EC2_METADATA_DISABLED": "true"]) -> SourceContext {
        var context = tokenSourceContext(environment: environment)
        context.settings = settings
        return context
    }

    @Test("no AWS credentials: the controller is told of credentialsSecretRef, the plugin where its environment is set")
    func noAWSCredentials() async throws {
        let spec = ECRSourceSpec(regions: ["us-east-1"])
        let controller = try #require(await fetchError(ECRTokenSource(spec: spec, context: Self.context(.clusterPullSecret))))
        #expect(controller.message.contains("spec.source.ecr.credentialsSecretRef") && controller.message.contains("the controller's environment"))
        let plugin = try #require(await fetchError(ECRTokenSource(spec: spec, context: Self.context(Self.plugin))))
        #expect(plugin.kind == .misconfigured)
        #expect(plugin.message.contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the kubelet's environment or the provider's env: list"))
        #expect(!plugin.message.contains("spec.") && !plugin.message.contains("credentialsSecretRef"), "\(plugin.message)")
    }

    @Test("an AWS profile without keys points at the role setting of each mode", arguments: [
        (SourceSettings.clusterPullSecret, "use spec.source.ecr.roleArn"), (plugin, "use --role-arn"),
    ])
    func profileWithoutKeys(settings: SourceSettings, advice: String) async throws {
        let environment = ["AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "sso", "AWS_CONFIG_FILE": "/config", "HOME": "/home"]
        var context = Self.context(settings, environment: environment)
        context.readFile = { path in
            guard path == "/config" else { throw CocoaError(.fileNoSuchFile) }
            return Data("[profile sso]\nsso_start_url = https://example.awsapps.com/start\n".utf8)
        }
        let error = try #require(await fetchError(ECRTokenSource(spec: ECRSourceSpec(regions: ["us-east-1"]), context: context)))
        #expect(error.message.contains(advice), "\(error.message)")
    }

    @Test("ECR without regions names the fields or the flags", arguments: [
        (SourceSettings.clusterPullSecret, "spec.source.ecr.regions"), (plugin, "(--region) or ask for ECR Public (--ecr-public)"),
    ])
    func ecrWithoutRegions(settings: SourceSettings, expected: String) async throws {
        let error = try #require(await fetchError(ECRTokenSource(spec: ECRSourceSpec(), context: Self.context(settings))))
        #expect(error.message.contains(expected), "\(error.message)")
    }

    @Test("a key file that cannot be read is named by its flag and path, not as a Secret of the controller's namespace")
    func missingKeyFile() async throws {
        let spec = GCPSourceSpec(serviceAccountKeySecretRef: SecretKeyReference(name: "gcp-key", key: "key.json"))
        let error = try #require(await fetchError(GCPTokenSource(spec: spec, context: Self.context(Self.plugin))))
        #expect(error.kind == .secretMissing)
        #expect(error.message == "cannot read --gcp-key-file /etc/regcred/gcp.json; it should be a file holding a service-account key (JSON)")
    }

    @Test("an empty key file is named by its flag and path")
    func emptyKeyFile() async throws {
        let spec = GCPSourceSpec(serviceAccountKeySecretRef: SecretKeyReference(name: "gcp-key", key: "key.json"))
        var context = Self.context(Self.plugin)
        context.secrets = { $0 == "gcp-key" ? ["key.json": Data("\n".utf8)] : nil }
        let error = try #require(await fetchError(GCPTokenSource(spec: spec, context: context)))
        #expect(error.message.hasPrefix("--gcp-key-file /etc/regcred/gcp.json is empty"), "\(error.message)")
    }
}

@Suite("Spec problems name fields in the caller's terms")
struct SpecProblemNamingTests {
    @Test("a ClusterPullSecret gets spec.source fields, the command line gets flags")
    func namesFollowTheMode() {
        let spec = CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["useast1"], registryIds: ["12"]))
        let commandLine = SourceSettings.commandLine(CommandLineSettings(
            flags: ["ecr.regions": "--region", "ecr.registryIds": "--registry-id"], files: [:], environment: "the kubelet's environment"))
        #expect(spec.problems(naming: SourceSettings.clusterPullSecret.fieldName) == [
            "spec.source.ecr.regions: \"useast1\" is not an AWS region name (e.g. eu-west-1)",
            "spec.source.ecr.registryIds: \"12\" is not a 12-digit AWS account id",
        ])
        #expect(spec.problems(naming: commandLine.fieldName) == [
            "--region: \"useast1\" is not an AWS region name (e.g. eu-west-1)",
            "--registry-id: \"12\" is not a 12-digit AWS account id",
        ])
        #expect(commandLine.fieldName("gcp") == "--source gcp")
    }
}
