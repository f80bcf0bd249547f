// `profiles`: the catalog as a table or JSON.
import RegcredCore

public enum ListProfiles {
    public static func render(_ catalog: ProfileCatalog, as format: ShowOutputFormat) -> String {
        switch format {
        case .json:
            let items: [JSONValue] = catalog.profiles.map { profile in
                var fields: [String: JSONValue] = [
                    "name": .string(profile.name),
                    "registries": .array(profile.registries.map(JSONValue.string)),
                    "origin": .string(profile.origin.rawValue),
                    "description": .string(profile.summary),
                ]
                if let user = profile.defaultUsername { fields["username"] = .string(user) }
                return .object(fields)
            }
            return JSONValue.array(items).encodedString(pretty: true) + "\n"
        case .table:
            var table = TextTable(headers: ["NAME", "USERNAME", "ORIGIN", "REGISTRIES"])
            for profile in catalog.profiles {
                table.append([profile.name, profile.defaultUsername ?? "-", profile.origin.rawValue, profile.registries.joined(separator: ",")])
            }
            return table.rendered()
        }
    }
}
