// Which URL an AWS call goes to: the partition's DNS suffix from the region, then the SDKs' override order
// (spec field, service-specific environment variable, global environment variable). Pure.
import RegcredCore

/// An AWS service regcred calls, with what the SDK conventions need to find its endpoint.
public enum AWSService: String, Sendable, CaseIterable {
    case ecr
    case ecrPublic = "ecr-public"
    case sts

    /// The SigV4 service name (credential scope).
    public var signingName: String { rawValue }

    /// `AWS_ENDPOINT_URL_<SERVICE_ID>`: the service id upper-cased, spaces and dashes as underscores.
    public var endpointVariable: String {
        switch self {
        case .ecr: "AWS_ENDPOINT_URL_ECR"
        case .ecrPublic: "AWS_ENDPOINT_URL_ECR_PUBLIC"
        case .sts: "AWS_ENDPOINT_URL_STS"
        }
    }

    /// The host prefix of the service's regional endpoint.
    var hostPrefix: String {
        switch self {
        case .ecr: "api.ecr"
        case .ecrPublic: "api.ecr-public"
        case .sts: "sts"
        }
    }
}

public enum AWSEndpoints {
    /// ECR Public lives in us-east-1 only (its tokens serve `public.ecr.aws` everywhere).
    public static let ecrPublicRegion = "us-east-1"
    public static let ecrPublicRegistry = "public.ecr.aws"

    /// The partition's DNS suffix: `cn-*` regions are in the China partition, the ISO partitions have their
    /// own; everything else (including GovCloud) is under amazonaws.com.
    public static func dnsSuffix(region: String) -> String {
        if region.hasPrefix("cn-") { return "amazonaws.com.cn" }
        if region.hasPrefix("us-isob-") { return "sc2s.sgov.gov" }
        if region.hasPrefix("us-iso-") { return "c2s.ic.gov" }
        return "amazonaws.com"
    }

    /// `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`: the ARN partition.
    public static func partition(region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        return "aws"
    }

    /// The endpoint for `service` in `region`. Order: `override` (the spec field), `AWS_ENDPOINT_URL_<SERVICE>`,
    /// `AWS_ENDPOINT_URL`, then `https://<prefix>.<region>.<dnsSuffix>`. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
    /// turns the environment overrides off, as in the SDKs.
    public static func url(for service: AWSService, region: String, override: String? = nil, environment: [String: String]) -> String {
        if let override, !override.isEmpty { return BaseURL(override).text }
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" {
            for name in [service.endpointVariable, "AWS_ENDPOINT_URL"] {
                if let value = environment[name], !value.isEmpty { return BaseURL(value).text }
            }
        }
        return "https://\(service.hostPrefix).\(region).\(dnsSuffix(region: region))"
    }
}
