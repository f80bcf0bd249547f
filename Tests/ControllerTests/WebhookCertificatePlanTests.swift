// WebhookCertificatePlan: which step the self-managed webhook TLS takes, from validity periods
// and the time alone; and the caBundle patch that touches nothing but caBundle.
import Controller
import Foundation
import KubernetesClient
import RegcredCore
import Testing

@Suite("Webhook certificate plan")
struct WebhookCertificatePlanTests {
    static let day: TimeInterval = 86_400
    static let lifetimes = WebhookCertificateLifetimes(authority: 3_650 * day, serving: 365 * day, propagation: 3_600, backdate: 300)
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func period(from start: TimeInterval, days: Double) -> ValidityPeriod {
        ValidityPeriod(notBefore: t0.addingTimeInterval(start - 300), notAfter: t0.addingTimeInterval(start + days * day))
    }

    static let ca = period(from: 0, days: 3_650)
    static let serving = WebhookCertificateInventory.Serving(validity: period(from: 0, days: 365), signedBySigner: true, coversServiceNames: true)
    static let healthy = WebhookCertificateInventory(signer: ca, serving: serving)

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let inventory: WebhookCertificateInventory
        let daysLater: Double
        let expected: WebhookCertificateStep?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        var wrongIssuer = serving
        wrongIssuer.signedBySigner = false
        var missingName = serving
        missingName.coversServiceNames = false
        let next = period(from: 2_500 * day, days: 3_650)
        let promotedServing = WebhookCertificateInventory.Serving(
            validity: period(from: 2_500 * day + 7_200, days: 365), signedBySigner: true, coversServiceNames: true)
        return [
            Case(name: "nothing in the Secret: issue everything", inventory: .init(signer: nil, serving: nil), daysLater: 0, expected: .issueAll),
            Case(name: "fresh material: nothing to do", inventory: healthy, daysLater: 0, expected: nil),
            Case(name: "serving certificate before two thirds of its life: nothing", inventory: healthy, daysLater: 243, expected: nil),
            Case(name: "serving certificate at two thirds of its life: reissue", inventory: healthy, daysLater: 244, expected: .reissueServing),
            Case(name: "serving certificate expired: reissue", inventory: healthy, daysLater: 400, expected: .reissueServing),
            Case(name: "serving certificate missing: reissue", inventory: .init(signer: ca, serving: nil), daysLater: 0, expected: .reissueServing),
            Case(name: "serving certificate signed by another CA: reissue",
                 inventory: .init(signer: ca, serving: wrongIssuer), daysLater: 0, expected: .reissueServing),
            Case(name: "serving certificate lacking a Service name: reissue",
                 inventory: .init(signer: ca, serving: missingName), daysLater: 0, expected: .reissueServing),
            Case(name: "CA expired: issue everything", inventory: healthy, daysLater: 3_651, expected: .issueAll),
            Case(name: "CA at two thirds of its life: a next CA joins the bundle",
                 inventory: .init(signer: ca, serving: .init(validity: period(from: 2_400 * day, days: 365), signedBySigner: true, coversServiceNames: true)),
                 daysLater: 2_500, expected: .addNextAuthority),
            Case(name: "next CA trusted for less than the propagation time: wait",
                 inventory: .init(signer: ca, next: next, serving: .init(validity: period(from: 2_400 * day, days: 365), signedBySigner: true, coversServiceNames: true)),
                 daysLater: 2_500 + 0.02, expected: nil),
            Case(name: "next CA trusted for the propagation time: it takes over",
                 inventory: .init(signer: ca, next: next, serving: .init(validity: period(from: 2_400 * day, days: 365), signedBySigner: true, coversServiceNames: true)),
                 daysLater: 2_500 + 0.05, expected: .promoteNextAuthority),
            Case(name: "retired CA while the new serving certificate propagates: kept",
                 inventory: .init(signer: next, retired: [ca], serving: promotedServing), daysLater: 2_500 + 0.1, expected: nil),
            Case(name: "retired CA once the new serving certificate has propagated: dropped",
                 inventory: .init(signer: next, retired: [ca], serving: promotedServing), daysLater: 2_500 + 0.2, expected: .dropRetiredAuthorities),
        ]
    }()

    @Test("the step due", arguments: cases)
    func stepDue(_ example: Case) {
        let now = Self.t0.addingTimeInterval(example.daysLater * Self.day)
        #expect(WebhookCertificatePlan.step(example.inventory, now: now, lifetimes: Self.lifetimes) == example.expected)
    }

    @Test("the caBundle holds the signer, then the next CA, then retired CAs not yet expired")
    func trustedOrder() {
        let expired = Self.period(from: -4_000 * Self.day, days: 3_650)
        let inventory = WebhookCertificateInventory(
            signer: Self.ca, next: Self.period(from: 10, days: 3_650), retired: [Self.period(from: -10, days: 3_650), expired], serving: Self.serving)
        #expect(WebhookCertificatePlan.trusted(inventory, now: Self.t0) == [.signer, .next, .retired(0)])
    }

    @Test("a serving certificate never outlives its CA")
    func servingCappedByAuthority() {
        let authority = ValidityPeriod(notBefore: Self.t0, notAfter: Self.t0.addingTimeInterval(30 * Self.day))
        let validity = WebhookCertificatePlan.servingValidity(issuedAt: Self.t0, authority: authority, lifetimes: Self.lifetimes)
        #expect(validity.notAfter == authority.notAfter)
        #expect(validity.notBefore == Self.t0.addingTimeInterval(-300))
    }

    @Test("the Service's DNS names, as the API server and in-cluster clients address it")
    func dnsNames() {
        #expect(WebhookCertificatePlan.serviceDNSNames(service: "regcred-webhook", namespace: "regcred-system") == [
            "regcred-webhook", "regcred-webhook.regcred-system", "regcred-webhook.regcred-system.svc",
            "regcred-webhook.regcred-system.svc.cluster.local",
        ])
    }

    @Test("the caBundle patch tests the version and each webhook's name, and adds only caBundle where it differs")
    func caBundlePatch() throws {
        let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        let encoded = JSONValue.string(Data(pem.utf8).base64EncodedString())
        let configuration = try JSONValue(parsing: Data(#"""
            {"metadata": {"name": "regcred", "resourceVersion": "42"},
             "webhooks": [
               {"name": "pods.regcred.dev", "clientConfig": {"service": {"name": "regcred-webhook", "namespace": "x"}}, "failurePolicy": "Ignore"},
               {"name": "done.regcred.dev", "clientConfig": {"caBundle": "\#(Data(pem.utf8).base64EncodedString())"}}
             ]}
            """#.utf8))
        #expect(WebhookCABundlePatch.operations(for: configuration, bundlePEM: pem) == [
            .test(path: "/metadata/resourceVersion", value: "42"),
            .test(path: "/webhooks/0/name", value: "pods.regcred.dev"),
            .add(path: "/webhooks/0/clientConfig/caBundle", value: encoded),
        ])
        var done = configuration
        done["webhooks"] = .array([configuration["webhooks"]!.arrayValue![1]])
        #expect(WebhookCABundlePatch.operations(for: done, bundlePEM: pem) == nil)
    }
}
