import Testing

@testable import RegcredCore

@Suite("Rotation: names, records and reference switching")
struct RotationTests {
    @Test("versioned names", arguments: [
        ("pull", "pull-v2"), ("pull-v2", "pull-v3"), ("pull-v9", "pull-v10"), ("dev-vault", "dev-vault-v2"),
        ("a-v", "a-v-v2"), ("-v3", "-v3-v2"), ("x-v0", "x-v0-v2"),
    ])
    func names(current: String, next: String) {
        #expect(RotationNaming.next(after: current) == next)
    }

    @Test("the recorded step counts only for a rotation from the same old secret")
    func record() {
        let annotations = [RotationRecord.fromAnnotation: "pull", RotationRecord.stepAnnotation: "switched"]
        #expect(RotationRecord.step(in: annotations, rotatingFrom: "pull") == .switched)
        #expect(RotationRecord.step(in: annotations, rotatingFrom: "other") == nil)
        #expect(RotationRecord.step(in: [:], rotatingFrom: "pull") == nil)
        #expect(RotationStep.created < .verified && .verified < .switched && .switched < .drained && .drained < .deleted)
    }

    @Test("switching keeps order, never duplicates, and says when there was nothing to switch")
    func switching() {
        #expect(ReferenceSwitch.replacing("old", with: "new", in: ["a", "old", "b"]) == ["a", "new", "b"])
        #expect(ReferenceSwitch.replacing("old", with: "new", in: ["new", "old"]) == ["new"])
        #expect(ReferenceSwitch.replacing("old", with: "new", in: ["a"]) == nil)
    }
}
