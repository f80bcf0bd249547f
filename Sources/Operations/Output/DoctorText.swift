// The human-readable `doctor` report: the pull secret list, one verdict per image with its
// reasons, then the commands that fix the problems. Never shows a password or token.
import Foundation
import RegcredCore

enum DoctorText {
    static func render(_ diagnosis: PullDiagnosis) -> String {
        var lines: [String] = []
        var subject: [String] = []
        if let pod = diagnosis.pod { subject.append("pod " + [diagnosis.namespace, pod].compactMap { $0 }.joined(separator: "/")) }
        else if let namespace = diagnosis.namespace { subject.append("namespace \(namespace)") }
        if let account = diagnosis.serviceAccount { subject.append("service account \(account)") }
        if !subject.isEmpty { lines.append(subject.joined(separator: ", ")) }

        let source: String
        switch diagnosis.pullSecretSource {
        case "service-account": source = "from the service account"
        case "files": source = "from the given files"
        default: source = "from the pod"
        }
        if diagnosis.secrets.isEmpty {
            lines.append("pull secrets (\(source)): none")
        } else {
            lines.append("pull secrets (\(source)):")
            var table = TextTable(headers: ["SECRET", "STATE", "DETAIL"])
            for secret in diagnosis.secrets { table.append([secret.name, secret.state.rawValue, secret.detail]) }
            lines += table.rendered().split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }
        }
        lines.append("")

        for image in diagnosis.images {
            let verdict: String
            switch image.status {
            case .ok: verdict = "OK       "
            case .anonymous: verdict = "ANONYMOUS"
            case .problem: verdict = "PROBLEM  "
            }
            let normalized = image.normalizedImage.map { $0 == image.image ? "" : " (\($0))" } ?? ""
            lines.append("\(verdict) \(image.label): \(image.image)\(normalized)")
            for use in image.credentials {
                var facts = ["user " + (use.username ?? "<none>")]
                if use.auth != AuthCheck.ok.label { facts.append("auth " + use.auth) }
                if let expiresAt = use.expiresAt { facts.append("expires " + RFC3339.format(expiresAt)) }
                if !use.usable { facts.append("unusable") }
                if let verification = use.verification { facts.append("registry: " + verification) }
                lines.append("          \(use.order). \(use.secret) \"\(use.registryKey)\": \(facts.joined(separator: ", "))")
            }
            for finding in image.findings {
                lines.append("          \(finding.severity == .problem ? "✗" : "·") \(finding.message)")
            }
        }

        let podProblems = diagnosis.findings.filter { $0.severity == .problem }
        let podNotes = diagnosis.findings.filter { $0.severity == .note }
        if !podProblems.isEmpty {
            lines.append("")
            lines.append("problems:")
            lines += podProblems.map { "  ✗ " + $0.message }
        }
        if !podNotes.isEmpty {
            lines.append("")
            lines.append("notes:")
            lines += podNotes.map { "  · " + $0.message }
        }
        let fixes = diagnosis.fixes
        if !fixes.isEmpty {
            lines.append("")
            lines.append("fix:")
            lines += fixes.map { "  " + $0 }
        }
        lines.append("")
        let failing = diagnosis.images.filter { $0.status == .problem }.count
        let total = diagnosis.images.count
        if diagnosis.isHealthy {
            lines.append("every image (\(total)) can be pulled as far as regcred can tell")
        } else if failing > 0 {
            lines.append("\(failing) of \(total) \(total == 1 ? "image" : "images") cannot be pulled")
        } else {
            lines.append("the pod's pull secrets have problems")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
