// Status bodies and transport failures become typed errors with messages a user can act on.
import Foundation
import RegcredCore
import Testing
@testable import KubernetesClient

@Suite struct KubeAPIErrorTests {
    static func status(_ reason: String?, _ code: Int, message: String = "m", causes: [StatusCause] = []) -> Status {
        Status(message: message, reason: reason, details: causes.isEmpty ? nil : StatusDetails(causes: causes), code: code)
    }

    @Test(arguments: [
        ("NotFound", 404, KubeAPIError.Reason.notFound), ("AlreadyExists", 409, .alreadyExists), ("Conflict", 409, .conflict),
        ("Forbidden", 403, .forbidden), ("Invalid", 422, .invalid), ("Gone", 410, .gone), ("Expired", 410, .gone),
        ("TooManyRequests", 429, .tooManyRequests), ("Unauthorized", 401, .unauthorized), ("BadRequest", 400, .badRequest),
        ("InternalError", 500, .serverError), ("ServiceUnavailable", 503, .serviceUnavailable),
    ])
    func statusReasonsMapToTypedReasons(reason: String, code: Int, expected: KubeAPIError.Reason) {
        #expect(KubeAPIError.from(code: code, status: Self.status(reason, code), operation: "get secrets a/b", server: "https://k").reason == expected)
    }

    @Test(arguments: [(404, KubeAPIError.Reason.notFound), (409, .conflict), (401, .unauthorized), (403, .forbidden), (502, .serverError), (418, .badRequest)])
    func withoutAStatusTheCodeDecides(code: Int, expected: KubeAPIError.Reason) {
        #expect(KubeAPIError.from(code: code, status: nil, operation: "op", server: "https://k").reason == expected)
    }

    @Test func invalidListsItsCauses() {
        let error = KubeAPIError.from(
            code: 422,
            status: Self.status("Invalid", 422, message: "Secret \"x\" is invalid",
                                causes: [StatusCause(reason: "FieldValueRequired", message: "Required value", field: "data[.dockerconfigjson]")]),
            operation: "create secrets app/x", server: "https://k")
        #expect(error.causes.count == 1)
        #expect(error.description == "create secrets app/x: Secret \"x\" is invalid (data[.dockerconfigjson]: Required value)")
    }

    @Test func conflictTellsWhatToDo() {
        let error = KubeAPIError.from(code: 409, status: Self.status("Conflict", 409, message: "Operation cannot be fulfilled on secrets \"x\": the object has been modified"), operation: "update secrets app/x", server: "https://k")
        #expect(error.isConflict)
        #expect(error.description.hasSuffix("— the object changed since it was read; read it again and retry"))
    }

    @Test func unreachableServersSayWhatToCheck() {
        let error = KubeAPIError.from(transport: .connectFailed(detail: "connection refused"), operation: "list secrets app", server: "https://127.0.0.1:6443")
        #expect(error.description == "list secrets app: cannot reach https://127.0.0.1:6443: connection refused — is the cluster running and is --context right?")
    }

    @Test func statusBodiesAreRecognised() throws {
        let body = try JSONValue(parsing: Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"secrets \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"secrets"},"code":404}"#.utf8))
        let status = try #require(Status.decodeIfStatus(body))
        #expect(status.details?.name == "x")
        #expect(Status.decodeIfStatus(.object(["kind": .string("Secret")])) == nil)
    }
}
