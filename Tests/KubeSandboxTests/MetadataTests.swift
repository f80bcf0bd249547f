// Object metadata semantics through real HTTP: uid, timestamps, generateName, resourceVersion,
// optimistic concurrency, NotFound/AlreadyExists/Invalid bodies, finalizers.
import KubeSandbox
import RegcredCore
import Testing

@Suite struct MetadataTests {
    let secrets = "/api/v1/namespaces/default/secrets"

    @Test func createAssignsUIDCreationTimestampAndResourceVersion() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, secret("a"))
            #expect(created.status == 201)
            #expect(created.body["metadata"]?["uid"]?.stringValue?.count == 36)
            #expect(created.body["metadata"]?["creationTimestamp"]?.stringValue?.hasSuffix("Z") == true)
            #expect(created.resourceVersion > 0)
            #expect(created.body["kind"]?.stringValue == "Secret")
        }
    }

    @Test func generateNameAppendsFiveRandomCharacters() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, json(#"{"metadata":{"generateName":"pull-"},"data":{}}"#))
            #expect(created.status == 201)
            let name = created.body.name
            #expect(name.hasPrefix("pull-") && name.count == "pull-".count + 5)
        }
    }

    @Test func generateNameIsValidatedAsAPrefixLikeTheAPIServer() async throws {
        try await withSandbox { _, api in
            // The prefix must be a DNS subdomain once a trailing '-' is allowed: "ghcr." is not.
            let events = "/apis/events.k8s.io/v1/namespaces/default/events"
            let refused = try await api.post(events, json(#"{"metadata":{"generateName":"ghcr."},"eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"regcred.dev/controller","reportingInstance":"r","action":"Reconcile","reason":"Synced","type":"Normal","regarding":{"kind":"ClusterPullSecret","name":"ghcr"}}"#))
            #expect(refused.status == 422)
            #expect(refused.message.hasPrefix(#"Event.events.k8s.io "ghcr."#))
            #expect(refused.message.hasSuffix(#" is invalid: metadata.generateName: Invalid value: "ghcr.": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#))
            // Namespaces are DNS labels, so their prefixes are too.
            // Namespaces are DNS labels; a prefix that is a subdomain fails for its dots alone.
            let namespace = try await api.post("/api/v1/namespaces", json(#"{"metadata":{"generateName":"team.a-"}}"#))
            #expect(namespace.status == 422)
            #expect(namespace.message.contains(#"metadata.generateName: Invalid value: "team.a-": must not contain dots"#))
            let underscore = try await api.post("/api/v1/namespaces", json(#"{"metadata":{"generateName":"team_a-"}}"#))
            #expect(underscore.message.contains(#"metadata.generateName: Invalid value: "team_a-": a lowercase RFC 1123 label must consist of"#))
            let fine = try await api.post("/api/v1/namespaces", json(#"{"metadata":{"generateName":"team-"}}"#))
            #expect(fine.status == 201)
        }
    }

    @Test func generatedNamesKeepFiftyEightBytesOfThePrefix() async throws {
        try await withSandbox { _, api in
            let prefix = String(repeating: "a", count: 70)
            let created = try await api.post(secrets, json(#"{"metadata":{"generateName":"\#(prefix)"},"data":{}}"#))
            #expect(created.status == 201)
            #expect(created.body.name.hasPrefix(String(repeating: "a", count: 58)) && created.body.name.count == 63)
        }
    }

    @Test func anOverlongNameGetsOnlyTheLengthError() async throws {
        try await withSandbox { _, api in
            let name = String(repeating: "a", count: 64)
            let response = try await api.post("/api/v1/namespaces", json(#"{"metadata":{"name":"\#(name)"}}"#))
            #expect(response.status == 422)
            #expect(response.message.hasSuffix(#"metadata.name: Invalid value: "\#(name)": must be no more than 63 characters"#))
        }
    }

    @Test func aResourceQuotaOnSecretCountRefusesCreatesWithTheAPIServersMessage() async throws {
        try await withSandbox { _, api in
            let quota = try await api.post("/api/v1/namespaces/default/resourcequotas", json(#"{"metadata":{"name":"no-secrets"},"spec":{"hard":{"count/secrets":"1"}}}"#))
            #expect(quota.status == 201)
            #expect(try await api.post(secrets, secret("first")).status == 201)
            let refused = try await api.post(secrets, secret("second"))
            #expect(refused.status == 403)
            #expect(refused.reason == "Forbidden")
            #expect(refused.message == #"secrets "second" is forbidden: exceeded quota: no-secrets, requested: count/secrets=1, used: count/secrets=1, limited: count/secrets=1"#)
            // Every exceeded limit of the quota, sorted, as the plugin prints them; one not exceeded is left out.
            _ = try await api.post("/api/v1/namespaces", json(#"{"metadata":{"name":"two"}}"#))
            _ = try await api.post("/api/v1/namespaces/two/resourcequotas", json(#"{"metadata":{"name":"q"},"spec":{"hard":{"count/secrets":"0","secrets":"0","count/configmaps":"0"}}}"#))
            let both = try await api.post("/api/v1/namespaces/two/secrets", secret("s"))
            #expect(both.message == #"secrets "s" is forbidden: exceeded quota: q, requested: count/secrets=1,secrets=1, used: count/secrets=0,secrets=0, limited: count/secrets=0,secrets=0"#)
            // Other kinds and other namespaces are not limited by it.
            #expect(try await api.post("/api/v1/namespaces/default/serviceaccounts", json(#"{"metadata":{"name":"sa"}}"#)).status == 201)
        }
    }

    @Test func resourceVersionIncreasesAcrossKinds() async throws {
        try await withSandbox { _, api in
            let first = try await api.post(secrets, secret("a")).resourceVersion
            let second = try await api.post("/api/v1/namespaces/default/serviceaccounts", json(#"{"metadata":{"name":"sa"}}"#)).resourceVersion
            let third = try await api.post(secrets, secret("b")).resourceVersion
            #expect(first < second && second < third)
            let list = try await api.get(secrets)
            #expect(list.resourceVersion >= third)
        }
    }

    @Test func getMissingObjectIsNotFoundStatus() async throws {
        try await withSandbox { _, api in
            let response = try await api.get("\(secrets)/nope")
            #expect(response.status == 404)
            #expect(response.body["kind"]?.stringValue == "Status")
            #expect(response.body["status"]?.stringValue == "Failure")
            #expect(response.reason == "NotFound")
            #expect(response.message == #"secrets "nope" not found"#)
            #expect(response.body["details"] == json(#"{"name":"nope","kind":"secrets"}"#))
            #expect(response.body["code"]?.integerValue == 404)
        }
    }

    @Test func notFoundNamesTheGroupForCustomResources() async throws {
        try await withSandbox { _, api in
            let response = try await api.get("/apis/regcred.dev/v1alpha1/clusterpullsecrets/nope")
            #expect(response.message == #"clusterpullsecrets.regcred.dev "nope" not found"#)
            #expect(response.body["details"]?["group"]?.stringValue == "regcred.dev")
        }
    }

    @Test func creatingAnExistingNameIsAlreadyExists() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(secrets, secret("a"))
            let again = try await api.post(secrets, secret("a"))
            #expect(again.status == 409)
            #expect(again.reason == "AlreadyExists")
            #expect(again.message == #"secrets "a" already exists"#)
        }
    }

    @Test func staleUpdateIsConflictWithTheRealMessage() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, secret("x")).body
            var first = created
            first["data"] = json(#"{"k":"MQ=="}"#)
            #expect(try await api.put("\(secrets)/x", first).status == 200)
            var stale = created
            stale["data"] = json(#"{"k":"Mg=="}"#)
            let conflict = try await api.put("\(secrets)/x", stale)
            #expect(conflict.status == 409)
            #expect(conflict.reason == "Conflict")
            #expect(conflict.message == #"Operation cannot be fulfilled on secrets "x": the object has been modified; please apply your changes to the latest version and try again"#)
        }
    }

    @Test func updateWithoutResourceVersionIsUnconditional() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(secrets, secret("x"))
            let updated = try await api.put("\(secrets)/x", secret("x", data: ["k": "new"]))
            #expect(updated.status == 200)
            #expect(updated.body["data"]?["k"]?.stringValue == base64("new"))
        }
    }

    @Test func customResourceUpdateRequiresResourceVersion() async throws {
        try await withSandbox { _, api in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            _ = try await api.post(path, clusterPullSecret("c"))
            let response = try await api.put("\(path)/c", clusterPullSecret("c", registries: ["quay.io"]))
            #expect(response.status == 422)
            #expect(response.message == #"ClusterPullSecret.regcred.dev "c" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"#)
        }
    }

    @Test func updateThatChangesNothingKeepsTheResourceVersion() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, secret("x")).body
            let again = try await api.put("\(secrets)/x", created)
            #expect(again.resourceVersion == created.resourceVersion)
        }
    }

    @Test func invalidNameIsRejectedWithCauses() async throws {
        try await withSandbox { _, api in
            let response = try await api.post(secrets, secret("Bad_Name"))
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
            #expect(response.message.hasPrefix(#"Secret "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of"#))
            let cause = response.body["details"]?["causes"]?.arrayValue?.first
            #expect(cause?["reason"]?.stringValue == "FieldValueInvalid")
            #expect(cause?["field"]?.stringValue == "metadata.name")
            #expect(response.body["details"]?["kind"]?.stringValue == "Secret")
        }
    }

    @Test func namespaceNamesMustBeDNSLabels() async throws {
        try await withSandbox { _, api in
            // IsDNS1123Label: a name that is a valid subdomain fails only for its dots.
            let dotted = try await api.post("/api/v1/namespaces", namespace("a.b"))
            #expect(dotted.status == 422)
            #expect(dotted.message.hasSuffix(#"metadata.name: Invalid value: "a.b": must not contain dots"#))
            let response = try await api.post("/api/v1/namespaces", namespace("A_b"))
            #expect(response.status == 422)
            #expect(response.message.contains("a lowercase RFC 1123 label must consist of"))
        }
    }

    @Test func missingNameAndGenerateNameIsRequired() async throws {
        try await withSandbox { _, api in
            let response = try await api.post(secrets, json(#"{"metadata":{}}"#))
            #expect(response.status == 422)
            #expect(response.message == #"Secret "" is invalid: metadata.name: Required value: name or generateName is required"#)
        }
    }

    @Test func deleteWithFinalizersOnlyMarksTheObject() async throws {
        try await withSandbox { _, api in
            var body = secret("held")
            body["metadata"]?["finalizers"] = json(#"["regcred.dev/cleanup"]"#)
            _ = try await api.post(secrets, body)
            let deleted = try await api.delete("\(secrets)/held")
            #expect(deleted.status == 200)
            #expect(deleted.body["metadata"]?["deletionTimestamp"]?.stringValue != nil)
            let still = try await api.get("\(secrets)/held")
            #expect(still.status == 200)
            var cleared = still.body
            cleared["metadata"]?["finalizers"] = json("[]")
            #expect(try await api.put("\(secrets)/held", cleared).status == 200)
            #expect(try await api.get("\(secrets)/held").status == 404)
        }
    }

    @Test func finalizersCannotBeAddedDuringDeletion() async throws {
        try await withSandbox { _, api in
            var body = secret("held")
            body["metadata"]?["finalizers"] = json(#"["a"]"#)
            _ = try await api.post(secrets, body)
            let marked = try await api.delete("\(secrets)/held").body
            var more = marked
            more["metadata"]?["finalizers"] = json(#"["a","b"]"#)
            let response = try await api.put("\(secrets)/held", more)
            #expect(response.status == 422)
            #expect(response.message.contains("no new finalizers can be added if the object is being deleted"))
        }
    }

    @Test func deleteReturnsSuccessStatusAndPreconditionsConflict() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(secrets, secret("a"))
            let mismatch = try await api.delete("\(secrets)/a", json(#"{"preconditions":{"uid":"other"}}"#))
            #expect(mismatch.status == 409)
            #expect(mismatch.message.hasPrefix(#"Operation cannot be fulfilled on secrets "a": Precondition failed: UID in precondition: other"#))
            let deleted = try await api.delete("\(secrets)/a")
            #expect(deleted.status == 200)
            #expect(deleted.body["status"]?.stringValue == "Success")
            #expect(deleted.body["details"]?["name"]?.stringValue == "a")
        }
    }

    @Test func dryRunCreateValidatesWithoutStoring() async throws {
        try await withSandbox { _, api in
            let response = try await api.post("\(secrets)?dryRun=All", secret("dry"))
            #expect(response.status == 201)
            #expect(try await api.get("\(secrets)/dry").status == 404)
            let invalid = try await api.post("\(secrets)?dryRun=All", secret("Dry"))
            #expect(invalid.status == 422)
        }
    }

    @Test func customResourcesAreValidatedAndPrunedByTheirCRDSchema() async throws {
        try await withSandbox { _, api in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            var badName = clusterPullSecret("bad")
            badName["spec"]?["secretName"] = "Not_Valid"
            let refused = try await api.post(path, badName)
            #expect(refused.status == 422)
            #expect(refused.message == #"ClusterPullSecret.regcred.dev "bad" is invalid: spec.secretName: Invalid value: "Not_Valid": spec.secretName in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"#)
            var noSource = clusterPullSecret("nosource")
            noSource["spec"]?["source"] = nil
            // A blocking error (Required, Too long, Too many, a wrong type) keeps the CEL rules from running.
            let blocked = #"<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"#
            #expect(try await api.post(path, noSource).message == #"ClusterPullSecret.regcred.dev "nosource" is invalid: [spec.source: Required value, "# + blocked + "]")
            var badPolicy = clusterPullSecret("policy")
            badPolicy["spec"]?["verify"] = json(#"{"policy":"sometimes"}"#)
            #expect(try await api.post(path, badPolicy).message.hasSuffix(#"spec.verify.policy: Unsupported value: "sometimes": supported values: "block", "warn""#))
            var wrongType = clusterPullSecret("type")
            wrongType["spec"]?["registries"] = "ghcr.io"
            let typeRefusal = try await api.post(path, wrongType)
            #expect(typeRefusal.message == #"ClusterPullSecret.regcred.dev "type" is invalid: [spec.registries: Invalid value: "string": spec.registries in body must be of type array: "string", "# + blocked + "]")
            #expect(typeRefusal.body["details"]?["causes"]?.arrayValue?.first?["reason"]?.stringValue == "FieldValueTypeInvalid")
            var long = clusterPullSecret("long")
            long["spec"]?["secretName"] = .string(String(repeating: "a", count: 254))
            #expect(try await api.post(path, long).message == #"ClusterPullSecret.regcred.dev "long" is invalid: [spec.secretName: Too long: may not be longer than 253, "# + blocked + "]")
            // Nulls of fields that are not nullable are pruned, as unknown fields are.
            var nulled = clusterPullSecret("nulled")
            nulled["spec"]?["profile"] = .null
            let withNull = try await api.post(path, nulled)
            #expect(withNull.status == 201)
            #expect(withNull.body["spec"]?["profile"] == nil)
            // Fields the schema does not know are pruned, not stored.
            var extra = clusterPullSecret("extra")
            extra["spec"]?["colour"] = "blue"
            let stored = try await api.post(path, extra)
            #expect(stored.status == 201)
            #expect(stored.body["spec"]?["colour"] == nil)
            #expect(stored.body["spec"]?["secretName"]?.stringValue == "regcred-extra")
        }
    }

    @Test func customResourcesAreCheckedByTheCRDsValidationRules() async throws {
        try await withSandbox { _, api in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            // deploy/crds: has(self.registries) || has(self.profile) || has(self.source.ecr) || … on spec.
            var noHosts = clusterPullSecret("nohosts")
            noHosts["spec"]?["registries"] = nil
            let refused = try await api.post(path, noHosts)
            #expect(refused.status == 422)
            #expect(refused.message == #"ClusterPullSecret.regcred.dev "nohosts" is invalid: spec: Invalid value: "object": set spec.registries (a list of hosts) or spec.profile"#)
            #expect(refused.body["details"]?["causes"]?.arrayValue?.first?["field"]?.stringValue == "spec")
            // A rule failing on update is refused the same way, and nothing changes.
            let created = try await api.post(path, clusterPullSecret("kept")).body
            var emptied = created
            emptied["spec"]?["registries"] = nil
            #expect(try await api.put("\(path)/kept", emptied).status == 422)
            #expect(try await api.get("\(path)/kept").body["spec"]?["registries"] == json(#"["ghcr.io"]"#))
            // A profile, or an ECR source (whose registry follows from its account), satisfies the rule.
            var profiled = noHosts
            profiled["metadata"]?["name"] = "profiled"
            profiled["spec"]?["profile"] = "ghcr"
            #expect(try await api.post(path, profiled).status == 201)
            var ecr = noHosts
            ecr["metadata"]?["name"] = "ecr"
            ecr["spec"]?["source"] = json(#"{"ecr":{"region":"us-east-1"}}"#)
            #expect(try await api.post(path, ecr).status == 201)
        }
    }

    @Test func customResourceGenerationCountsSpecChangesOnly() async throws {
        try await withSandbox { _, api in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            let created = try await api.post(path, clusterPullSecret("c")).body
            #expect(created["metadata"]?["generation"]?.integerValue == 1)
            var relabelled = created
            relabelled["metadata"]?["labels"] = json(#"{"a":"b"}"#)
            let afterLabel = try await api.put("\(path)/c", relabelled).body
            #expect(afterLabel["metadata"]?["generation"]?.integerValue == 1)
            var withStatus = afterLabel
            withStatus["status"] = json(#"{"observedGeneration":1}"#)
            let afterStatus = try await api.put("\(path)/c/status", withStatus).body
            #expect(afterStatus["metadata"]?["generation"]?.integerValue == 1)
            #expect(afterStatus["status"]?["observedGeneration"]?.integerValue == 1)
            var respec = afterStatus
            respec["spec"]?["registries"] = json(#"["quay.io"]"#)
            let afterSpec = try await api.put("\(path)/c", respec).body
            #expect(afterSpec["metadata"]?["generation"]?.integerValue == 2)
            #expect(afterSpec["status"]?["observedGeneration"]?.integerValue == 1)
        }
    }

    @Test func statusSubresourceIgnoresSpecAndMainResourceIgnoresStatus() async throws {
        try await withSandbox { _, api in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            let created = try await api.post(path, clusterPullSecret("c")).body
            var viaStatus = created
            viaStatus["spec"]?["registries"] = json(#"["ignored.io"]"#)
            viaStatus["status"] = json(#"{"observedGeneration":7}"#)
            let afterStatus = try await api.put("\(path)/c/status", viaStatus).body
            #expect(afterStatus["spec"]?["registries"] == json(#"["ghcr.io"]"#))
            var viaMain = afterStatus
            viaMain["status"] = json(#"{"observedGeneration":9}"#)
            let afterMain = try await api.put("\(path)/c", viaMain).body
            #expect(afterMain["status"]?["observedGeneration"]?.integerValue == 7)
        }
    }

    @Test func eventsAreServedUnderBothGroupsFromOneStore() async throws {
        try await withSandbox { _, api in
            let created = try await api.post("/apis/events.k8s.io/v1/namespaces/default/events", json(#"""
                {"metadata":{"name":"e1"},"regarding":{"kind":"Secret","name":"a"},"note":"refreshed","reason":"Synced","type":"Normal","reportingController":"regcred","reportingInstance":"r-1","action":"Sync","eventTime":"2026-01-01T00:00:00.000000Z"}
                """#))
            #expect(created.status == 201)
            let core = try await api.get("/api/v1/namespaces/default/events/e1").body
            #expect(core["message"]?.stringValue == "refreshed")
            #expect(core["involvedObject"]?["name"]?.stringValue == "a")
            #expect(core["reportingComponent"]?.stringValue == "regcred")
        }
    }
}
