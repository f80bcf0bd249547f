// Rotation with overlap (`regcred rotate`): the versioned names, the steps in order, how progress
// is recorded on the new secret so a rerun resumes, and how a reference list is switched (pure).

public enum RotationStep: String, CaseIterable, Comparable, Sendable {
    /// `<name>-v<N+1>` exists with the new credentials; the old secret is untouched.
    case created
    /// The new credentials were accepted by the registries (or verification was skipped).
    case verified
    /// Service accounts, named workloads and named fields point at the new secret.
    case switched
    /// Nothing references the old secret any more (including running pods).
    case drained
    /// The old secret is gone.
    case deleted

    public static func < (lhs: RotationStep, rhs: RotationStep) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum RotationNaming {
    /// `pull` → (`pull`, 1); `pull-v3` → (`pull`, 3). An unversioned name counts as version 1.
    public static func parse(_ name: String) -> (base: String, version: Int) {
        if let range = name.range(of: "-v", options: .backwards),
            let version = Int(name[range.upperBound...]), version > 0, !name[..<range.lowerBound].isEmpty,
            name[range.upperBound...].allSatisfy(\.isNumber)
        {
            return (String(name[..<range.lowerBound]), version)
        }
        return (name, 1)
    }

    /// The name of the secret that replaces `name`: `pull` → `pull-v2`, `pull-v3` → `pull-v4`.
    public static func next(after name: String) -> String {
        let (base, version) = parse(name)
        return "\(base)-v\(version + 1)"
    }
}

/// The annotations on the new secret that record a rotation's progress.
public enum RotationRecord {
    public static let fromAnnotation = "regcred.dev/rotated-from"
    public static let stepAnnotation = "regcred.dev/rotation-step"

    /// The step recorded on a secret for a rotation from `old`, or nil when the secret is not
    /// the product of such a rotation (then it must not be touched).
    public static func step(in annotations: [String: String], rotatingFrom old: String) -> RotationStep? {
        guard annotations[fromAnnotation] == old else { return nil }
        return annotations[stepAnnotation].flatMap(RotationStep.init(rawValue:))
    }
}

public enum ReferenceSwitch {
    /// `names` with `old` replaced by `new` in place (order kept); when `new` is already there,
    /// `old` is dropped instead of duplicating `new`. Nil when `old` is not referenced.
    public static func replacing(_ old: String, with new: String, in names: [String]) -> [String]? {
        guard names.contains(old) else { return nil }
        if names.contains(new) { return names.filter { $0 != old } }
        return names.map { $0 == old ? new : $0 }
    }
}
