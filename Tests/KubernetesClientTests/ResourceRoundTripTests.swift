// Typed resources: decoding, encoding, and above all keeping fields we do not model.
import Foundation
import RegcredCore
import Testing
@testable import KubernetesClient

@Suite struct ResourceRoundTripTests {
    static let secretJSON = """
    {"apiVersion":"v1","kind":"Secret",
     "metadata":{"name":"pull","namespace":"app","uid":"u1","resourceVersion":"42","generation":1,
                 "creationTimestamp":"2024-05-01T10:00:00Z","labels":{"a":"b"},
                 "managedFields":[{"manager":"kubectl","operation":"Apply"}],"futureMetaField":{"x":1}},
     "type":"kubernetes.io/dockerconfigjson",
     "data":{".dockerconfigjson":"eyJhdXRocyI6e319"},
     "immutable":false,
     "futureTopLevel":{"nested":[1,2,{"deep":true}]}}
    """

    @Test func unknownFieldsSurviveDecodeModifyEncode() throws {
        var secret = try Secret(json: JSONValue(parsing: Data(Self.secretJSON.utf8)))
        secret.metadata.labels["regcred.dev/owner"] = "ghcr"
        secret.data[".dockerconfigjson"] = Data(#"{"auths":{"ghcr.io":{}}}"#.utf8)
        let out = secret.json
        #expect(out["futureTopLevel"] == JSONValue.object(["nested": .array([.integer(1), .integer(2), .object(["deep": .bool(true)])])]))
        #expect(out["metadata"]?["managedFields"]?.arrayValue?.count == 1)
        #expect(out["metadata"]?["futureMetaField"]?["x"] == .integer(1))
        #expect(out["metadata"]?["creationTimestamp"] == .string("2024-05-01T10:00:00Z"))
        #expect(out["metadata"]?["labels"]?["regcred.dev/owner"] == .string("ghcr"))
        #expect(out["data"]?[".dockerconfigjson"] == .string(Data(#"{"auths":{"ghcr.io":{}}}"#.utf8).base64EncodedString()))
    }

    @Test func anUntouchedObjectEncodesToWhatWasDecoded() throws {
        let tree = try JSONValue(parsing: Data(Self.secretJSON.utf8))
        #expect(try Secret(json: tree).json == tree)
    }

    @Test func codableGoesThroughTheSameTree() throws {
        let secret = try JSONDecoder().decode(Secret.self, from: Data(Self.secretJSON.utf8))
        #expect(secret.type == "kubernetes.io/dockerconfigjson")
        #expect(secret.metadata.generation == 1)
        let again = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(secret))
        #expect(again["futureTopLevel"] != nil)
    }

    @Test func clearingAKnownFieldRemovesIt() throws {
        var secret = try Secret(json: JSONValue(parsing: Data(Self.secretJSON.utf8)))
        secret.metadata.labels = [:]
        secret.immutable = nil
        #expect(secret.json["metadata"]?["labels"] == nil)
        #expect(secret.json["immutable"] == nil)
    }

    @Test func badSecretDataNamesTheField() throws {
        let tree = try JSONValue(parsing: Data(#"{"metadata":{"name":"x"},"data":{"k":"%%%"}}"#.utf8))
        #expect(throws: ResourceDecodingError(path: "data.k", detail: "is not valid base64")) { try Secret(json: tree) }
        let labels = try JSONValue(parsing: Data(#"{"metadata":{"labels":"oops"}}"#.utf8))
        #expect(throws: ResourceDecodingError(path: "metadata.labels", detail: "expected an object, found a string")) { try Secret(json: labels) }
    }

    @Test func printingASecretNeverShowsItsData() throws {
        let secret = try Secret(json: JSONValue(parsing: Data(Self.secretJSON.utf8)))
        for text in ["\(secret)", String(reflecting: secret), { var s = ""; dump(secret, to: &s); return s }()] {
            #expect(!text.contains("eyJhdXRocyI6e319"))
            #expect(!text.contains("auths"))
        }
        #expect("\(secret)".contains("keys: [\".dockerconfigjson\"]"))
    }

    @Test func serviceAccountPodLeaseAndEventDecode() throws {
        let sa = try ServiceAccount(json: JSONValue(parsing: Data(#"{"metadata":{"name":"default"},"imagePullSecrets":[{"name":"a"},{"name":"b"}],"secrets":[{"name":"tok"}]}"#.utf8)))
        #expect(sa.imagePullSecrets.map(\.name) == ["a", "b"])
        let pod = try Pod(json: JSONValue(parsing: Data("""
        {"metadata":{"name":"p"},"spec":{"serviceAccountName":"app","imagePullSecrets":[{"name":"pull"}],
         "containers":[{"name":"c","image":"ghcr.io/o/a:1","ports":[{"containerPort":80}]}],"initContainers":[{"name":"i","image":"busybox"}],
         "ephemeralContainers":[{"name":"dbg","image":"busybox:1.36","targetContainerName":"c"}]},
         "status":{"phase":"Pending","containerStatuses":[{"name":"c","ready":false,"restartCount":0,
           "state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image"}}}]}}
        """.utf8)))
        #expect(pod.spec.containers.first?.image == "ghcr.io/o/a:1")
        #expect(pod.spec.initContainers.first?.image == "busybox")
        #expect(pod.spec.ephemeralContainers.first?.image == "busybox:1.36")
        #expect(pod.json["spec"]?["ephemeralContainers"]?.arrayValue?.first?["targetContainerName"] == "c")
        #expect(pod.status?.containerStatuses.first?.waitingReason == "ImagePullBackOff")
        #expect(pod.json["spec"]?["containers"]?.arrayValue?.first?["ports"] != nil)

        var lease = Lease(metadata: ObjectMeta(name: "regcred", namespace: "kube-system"))
        lease.spec.holderIdentity = "pod-1"
        lease.spec.renewTime = MicroTime(Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(lease.json["spec"]?["renewTime"] == .string("2023-11-14T22:13:20.250000Z"))
        let back = try Lease(json: lease.json)
        #expect(back.spec.renewTime == lease.spec.renewTime)

        let event = Event(metadata: ObjectMeta(generateName: "ghcr."), eventTime: MicroTime(Date(timeIntervalSince1970: 0)),
                          reportingController: "regcred.dev/controller", reportingInstance: "pod-1", action: "Sync",
                          reason: "Synced", type: "Normal", note: "synced 3 namespaces",
                          regarding: ObjectReference(apiVersion: "regcred.dev/v1alpha1", kind: "ClusterPullSecret", name: "ghcr"))
        #expect(event.json["eventTime"] == .string("1970-01-01T00:00:00.000000Z"))
        #expect(event.json["regarding"]?["kind"] == .string("ClusterPullSecret"))
    }

    @Test func unstructuredObjectsKeepEverything() throws {
        let tree = try JSONValue(parsing: Data(#"{"apiVersion":"regcred.dev/v1alpha1","kind":"ClusterPullSecret","metadata":{"name":"ghcr","generation":3},"spec":{"registries":["ghcr.io"]},"status":{"observedGeneration":2}}"#.utf8))
        var object = try UnstructuredObject(json: tree)
        #expect(object.metadata.generation == 3)
        #expect(object.json == tree)
        object["status"]?["observedGeneration"] = .integer(3)
        #expect(object.json["status"]?["observedGeneration"] == .integer(3))
    }

    @Test func listsDecodeWithTheirContinueToken() throws {
        let list = try ObjectList<Secret>(json: JSONValue(parsing: Data(#"{"kind":"SecretList","metadata":{"resourceVersion":"9","continue":"tok"},"items":[{"metadata":{"name":"a"}}]}"#.utf8)))
        #expect(list.continueToken == "tok")
        #expect(list.items.map(\.name) == ["a"])
        let last = try ObjectList<Secret>(json: JSONValue(parsing: Data(#"{"metadata":{"continue":""},"items":null}"#.utf8)))
        #expect(last.continueToken == nil)
        #expect(last.items.isEmpty)
    }
}
