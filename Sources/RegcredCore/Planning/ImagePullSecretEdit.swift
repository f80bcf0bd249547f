// Editing a service account's `imagePullSecrets` without touching anyone else's entries.
// The list is atomic in the API (a patch replaces it whole), so every change is a
// read-modify-update of the full list, and regcred records which entries it added.
import Foundation

public struct ImagePullSecretEdit: Equatable, Sendable {
    /// The new `imagePullSecrets` names, in order.
    public let names: [String]
    /// The new value of the attached-secrets annotation (nil: remove the annotation).
    public let attachedAnnotation: String?

    /// Adds `secret` at the end unless present. An entry that was already there (added by a
    /// person) is not recorded as ours, so regcred will never remove it.
    public static func attach(_ secret: String, to names: [String], attached: String?) -> ImagePullSecretEdit? {
        var ours = parse(attached)
        guard !names.contains(secret) else { return nil }
        if !ours.contains(secret) { ours.append(secret) }
        return ImagePullSecretEdit(names: names + [secret], attachedAnnotation: format(ours))
    }

    /// Removes `secret` only if regcred added it; order and every other entry are kept.
    public static func detach(_ secret: String, from names: [String], attached: String?) -> ImagePullSecretEdit? {
        var ours = parse(attached)
        guard ours.contains(secret) else { return nil }
        ours.removeAll { $0 == secret }
        return ImagePullSecretEdit(names: names.filter { $0 != secret }, attachedAnnotation: format(ours))
    }

    public static func parse(_ annotation: String?) -> [String] {
        (annotation ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func format(_ names: [String]) -> String? {
        names.isEmpty ? nil : names.joined(separator: ",")
    }
}
