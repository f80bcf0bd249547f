// WebhookCertificatePlan: what the self-managed webhook TLS needs next, decided from the validity
// periods of what the Secret holds and the time (pure: no X509, no I/O, no clock). The I/O side
// (SelfManagedWebhookCertificates) reads the Secret, asks for one step, performs it with a
// conflict-checked write, and asks again until the answer is nothing.
//
// A CA roll never shows a client an unknown CA: the next CA enters the caBundle first, signs only
// once it has been there for `propagation`, and the retired CA leaves only once the serving
// certificate it no longer signs has been replaced for `propagation` too.
import Foundation

/// How long each part lives and when it is renewed.
public struct WebhookCertificateLifetimes: Sendable, Equatable {
    /// The CA's lifetime. Ten years: the CA only signs the serving certificate, and each roll is
    /// a three-phase change of the caBundle, so rolls should be rare.
    public var authority: TimeInterval
    /// The serving certificate's lifetime. One year, renewed at two thirds (about four months
    /// before it expires), so a controller that was down for weeks still renews in time.
    public var serving: TimeInterval
    /// The part of a lifetime after which a renewal is due (2/3).
    public var renewalFraction: Double
    /// How long a caBundle change is given to reach every API server and replica before the
    /// step that relies on it (promote the next CA, drop the retired one).
    public var propagation: TimeInterval
    /// Certificates start this long before their issue time, so a clock slightly behind the
    /// issuing replica's still accepts them.
    public var backdate: TimeInterval

    public init(authority: TimeInterval, serving: TimeInterval, renewalFraction: Double = 2.0 / 3.0,
                propagation: TimeInterval, backdate: TimeInterval = 300) {
        self.authority = authority
        self.serving = serving
        self.renewalFraction = renewalFraction
        self.propagation = propagation
        self.backdate = backdate
    }

    public static let standard = WebhookCertificateLifetimes(
        authority: 10 * 365 * 86_400, serving: 365 * 86_400, propagation: 3_600)
}

/// A certificate's validity period.
public struct ValidityPeriod: Sendable, Equatable {
    public var notBefore: Date
    public var notAfter: Date

    public init(notBefore: Date, notAfter: Date) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// When a renewal is due: `fraction` of the way through the period.
    public func renewalPoint(fraction: Double) -> Date {
        notBefore.addingTimeInterval(notAfter.timeIntervalSince(notBefore) * fraction)
    }

    public func isValid(at now: Date) -> Bool { notBefore <= now && now < notAfter }
}

/// What the Secret holds, reduced to what the plan needs.
public struct WebhookCertificateInventory: Sendable, Equatable {
    public struct Serving: Sendable, Equatable {
        public var validity: ValidityPeriod
        /// Signed by the current signing CA (not by a retired or a foreign one).
        public var signedBySigner: Bool
        /// Carries every DNS name of the webhook Service.
        public var coversServiceNames: Bool

        public init(validity: ValidityPeriod, signedBySigner: Bool, coversServiceNames: Bool) {
            self.validity = validity
            self.signedBySigner = signedBySigner
            self.coversServiceNames = coversServiceNames
        }
    }

    /// The CA that signs (certificate and key present and matching); nil when missing or unusable.
    public var signer: ValidityPeriod?
    /// A CA in the caBundle that does not sign yet (the first phase of a roll).
    public var next: ValidityPeriod?
    /// CAs that no longer sign but stay trusted until the last certificate they signed is gone.
    public var retired: [ValidityPeriod]
    public var serving: Serving?

    public init(signer: ValidityPeriod?, next: ValidityPeriod? = nil, retired: [ValidityPeriod] = [], serving: Serving?) {
        self.signer = signer
        self.next = next
        self.retired = retired
        self.serving = serving
    }
}

public enum WebhookCertificateStep: Sendable, Equatable {
    /// Nothing usable (first start, a damaged Secret, an expired CA): a new CA and serving certificate.
    case issueAll
    /// The signer is past its renewal point: a next CA joins the caBundle, without signing yet.
    case addNextAuthority
    /// The next CA has been trusted for `propagation`: it signs a new serving certificate, and the
    /// old signer becomes retired (still trusted).
    case promoteNextAuthority
    /// The serving certificate is missing, due, signed by another CA, or lacks a Service name.
    case reissueServing
    /// Retired CAs no longer sign anything in use (or expired): they leave the caBundle.
    case dropRetiredAuthorities
}

public enum WebhookCertificatePlan {
    /// The one step due now, or nil when the material is as it should be.
    public static func step(_ inventory: WebhookCertificateInventory, now: Date, lifetimes: WebhookCertificateLifetimes) -> WebhookCertificateStep? {
        guard let signer = inventory.signer, signer.isValid(at: now) else { return .issueAll }
        if let next = inventory.next {
            // An expired next CA (a controller stopped mid-roll for years) is replaced; a valid
            // one waits until the caBundle holding it has propagated.
            if next.notAfter <= now { return .addNextAuthority }
            if now >= next.notBefore.addingTimeInterval(lifetimes.backdate + lifetimes.propagation) { return .promoteNextAuthority }
        } else if now >= signer.renewalPoint(fraction: lifetimes.renewalFraction) {
            return .addNextAuthority
        }
        guard let serving = inventory.serving, serving.signedBySigner, serving.coversServiceNames, serving.validity.isValid(at: now),
              now < serving.validity.renewalPoint(fraction: lifetimes.renewalFraction)
        else { return .reissueServing }
        if !inventory.retired.isEmpty {
            let servingOutLongEnough = now >= serving.validity.notBefore.addingTimeInterval(lifetimes.backdate + lifetimes.propagation)
            if servingOutLongEnough || inventory.retired.contains(where: { $0.notAfter <= now }) { return .dropRetiredAuthorities }
        }
        return nil
    }

    /// The CAs the caBundle holds, in order: the signer, then the next CA, then retired CAs still
    /// valid. Each is an index into the inventory's roles; expired retired CAs are left out (they
    /// can no longer verify anything).
    public static func trusted(_ inventory: WebhookCertificateInventory, now: Date) -> [TrustedAuthority] {
        var trusted: [TrustedAuthority] = []
        if inventory.signer != nil { trusted.append(.signer) }
        if inventory.next != nil { trusted.append(.next) }
        for (index, retired) in inventory.retired.enumerated() where retired.notAfter > now { trusted.append(.retired(index)) }
        return trusted
    }

    /// The serving certificate's validity when issued at `now`: its lifetime, never past its CA's.
    public static func servingValidity(issuedAt now: Date, authority: ValidityPeriod, lifetimes: WebhookCertificateLifetimes) -> ValidityPeriod {
        ValidityPeriod(notBefore: now.addingTimeInterval(-lifetimes.backdate),
                       notAfter: min(now.addingTimeInterval(lifetimes.serving), authority.notAfter))
    }

    public static func authorityValidity(issuedAt now: Date, lifetimes: WebhookCertificateLifetimes) -> ValidityPeriod {
        ValidityPeriod(notBefore: now.addingTimeInterval(-lifetimes.backdate), notAfter: now.addingTimeInterval(lifetimes.authority))
    }

    /// The DNS names of the webhook Service, as the API server addresses it
    /// (`<service>.<namespace>.svc`) and as clients inside the cluster may.
    public static func serviceDNSNames(service: String, namespace: String) -> [String] {
        [service, "\(service).\(namespace)", "\(service).\(namespace).svc", "\(service).\(namespace).svc.cluster.local"]
    }
}

public enum TrustedAuthority: Sendable, Equatable {
    case signer
    case next
    case retired(Int)
}
