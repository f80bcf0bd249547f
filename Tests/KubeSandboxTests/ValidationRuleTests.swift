// The CEL subset KubeSandbox evaluates for x-kubernetes-validations: what it reads, what it
// refuses to read (such rules are skipped), and CEL's semantics for has() on a missing parent.
import RegcredCore
import Testing
@testable import KubeSandbox

@Suite struct ValidationRuleTests {
    let spec: JSONValue = .object([
        "registries": .array([.string("ghcr.io")]),
        "source": .object(["static": .object([:])]),
    ])

    @Test(arguments: [
        ("has(self.registries)", ValidationRule.Outcome.passed),
        ("has(self.profile)", .failed),
        ("has(self.profile) || has(self.source.static)", .passed),
        ("has(self.registries) && !has(self.source.ecr)", .passed),
        ("!(has(self.registries) || false)", .failed),
        ("has(self.source.ecr.region)", .evaluationError("no such key: ecr")),
        ("has(self.missing.field)", .evaluationError("no such key: missing")),
    ])
    func evaluates(rule: String, outcome: ValidationRule.Outcome) throws {
        let parsed = try #require(ValidationRule(rule: rule, message: nil))
        #expect(parsed.evaluate(on: spec) == outcome)
    }

    @Test(arguments: ["self.replicas > 1", "size(self.registries) > 0", "has(self.a) ||", "has(other.a)", "has(self.a", "self == oldSelf"])
    func rulesBeyondTheSubsetAreNotRead(rule: String) {
        #expect(ValidationRule(rule: rule, message: nil) == nil)
    }

    @Test func messagesFollowRuleMessageOrDefault() throws {
        let withMessage = try #require(ValidationRule(rule: "has(self.a)", message: "set a"))
        #expect(withMessage.failureDetail == "set a")
        let without = try #require(ValidationRule(rule: " has(self.a) ", message: nil))
        #expect(without.failureDetail == "failed rule: has(self.a)")
        #expect(without.errorString == "has(self.a)")
    }
}
