// What can be checked about a source spec without calling the provider.

extension CredentialSourceSpec {
    /// ECR, ACR and GitHub App tokens say which hosts they serve; static and GCP sources need
    /// `spec.registries` or a profile.
    public var namesItsOwnRegistries: Bool { ecr != nil || acr != nil || githubApp != nil }

    /// Every problem, each naming its `spec.source` field.
    public var problems: [String] { problems(naming: { "spec.source." + $0 }) }

    /// Every problem, each naming its field as `field` spells it: `spec.source.ecr.regions` for a
    /// ClusterPullSecret, `--region` on the command line and in the kubelet plugin.
    public func problems(naming field: (String) -> String) -> [String] {
        var problems: [String] = []
        func secretName(_ name: String?, field: String) {
            if let name, let problem = KubernetesNames.subdomainProblem(name) { problems.append("\(field): \"\(name)\" \(problem)") }
        }
        func url(_ text: String?, field: String) {
            guard let text else { return }
            if !(text.hasPrefix("https://") || text.hasPrefix("http://")) || text.count < 9 {
                problems.append("\(field): \"\(text)\" is not an http(s) URL")
            }
        }
        secretName(`static`?.secretRef.name, field: field("static.secretRef.name"))
        if let ecr {
            if ecr.public != true && (ecr.regions ?? []).isEmpty {
                problems.append("\(field("ecr.regions")): name at least one region (e.g. us-east-1), or set public: true for ECR Public")
            }
            for region in ecr.regions ?? [] where !Self.isRegionName(region) {
                problems.append("\(field("ecr.regions")): \"\(region)\" is not an AWS region name (e.g. eu-west-1)")
            }
            for id in ecr.registryIds ?? [] where id.count != 12 || !id.allSatisfy(\.isASCIIDigit) {
                problems.append("\(field("ecr.registryIds")): \"\(id)\" is not a 12-digit AWS account id")
            }
            if ecr.externalId != nil && ecr.roleArn == nil {
                problems.append("\(field("ecr.externalId")): only used with roleArn")
            }
            if let arn = ecr.roleArn, !arn.hasPrefix("arn:") {
                problems.append("\(field("ecr.roleArn")): \"\(arn)\" is not an ARN (arn:aws:iam::123456789012:role/name)")
            }
            secretName(ecr.credentialsSecretRef?.name, field: field("ecr.credentialsSecretRef.name"))
            url(ecr.endpoint, field: field("ecr.endpoint"))
            url(ecr.stsEndpoint, field: field("ecr.stsEndpoint"))
        }
        if let gcp {
            if (gcp.serviceAccountKeySecretRef == nil) == (gcp.workloadIdentity == nil) {
                problems.append("\(field("gcp")): set exactly one of serviceAccountKeySecretRef and workloadIdentity")
            }
            secretName(gcp.serviceAccountKeySecretRef?.name, field: field("gcp.serviceAccountKeySecretRef.name"))
            url(gcp.tokenEndpoint, field: field("gcp.tokenEndpoint"))
        }
        if let acr {
            if (try? RegistryKey(parsing: acr.registry)) == nil || acr.registry.isEmpty {
                problems.append("\(field("acr.registry")): \"\(acr.registry)\" is not a registry host (e.g. example.azurecr.io)")
            }
            let modes = [acr.clientSecretRef != nil, acr.workloadIdentity != nil, acr.managedIdentity != nil].filter { $0 }.count
            if modes != 1 {
                problems.append("\(field("acr")): set exactly one of clientSecretRef, workloadIdentity and managedIdentity")
            }
            if acr.clientSecretRef != nil && (acr.tenantId == nil || acr.clientId == nil) {
                problems.append("\(field("acr")): clientSecretRef needs tenantId and clientId")
            }
            secretName(acr.clientSecretRef?.name, field: field("acr.clientSecretRef.name"))
            url(acr.authorityHost, field: field("acr.authorityHost"))
            url(acr.endpoint, field: field("acr.endpoint"))
            url(acr.managedIdentity?.endpoint, field: field("acr.managedIdentity.endpoint"))
        }
        if let app = githubApp {
            if app.appId.isEmpty || !app.appId.allSatisfy(\.isASCIIDigit) {
                problems.append("\(field("githubApp.appId")): \"\(app.appId)\" is not a numeric app id")
            }
            if app.installationId.isEmpty || !app.installationId.allSatisfy(\.isASCIIDigit) {
                problems.append("\(field("githubApp.installationId")): \"\(app.installationId)\" is not a numeric installation id")
            }
            secretName(app.privateKeySecretRef.name, field: field("githubApp.privateKeySecretRef.name"))
            url(app.apiURL, field: field("githubApp.apiURL"))
        }
        return problems
    }

    /// `us-east-1`, `cn-north-1`, `us-gov-west-1`: letters and digits in dash-separated parts.
    static func isRegionName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count >= 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit } }
            && parts.last!.allSatisfy(\.isASCIIDigit)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetter: Bool { isASCII && isLetter && isLowercase }
}
