// The one rule for base URLs: every trailing slash dropped, paths joined with exactly one slash.
import Testing
import RegcredCore

@Suite struct BaseURLTests {
    @Test(arguments: [
        ("https://login.example", "https://login.example"),
        ("https://login.example/", "https://login.example"),
        ("https://login.example//", "https://login.example"),
        ("http://127.0.0.1:8080/prefix/", "http://127.0.0.1:8080/prefix"),
        ("reg.example:5000/", "reg.example:5000"),
        ("", ""),
        ("/", ""),
    ])
    func everyTrailingSlashIsDropped(written: String, base: String) {
        #expect(BaseURL(written).text == base)
    }

    @Test(arguments: [
        ("https://api.example", "/app/tokens", "https://api.example/app/tokens"),
        ("https://api.example/", "/app/tokens", "https://api.example/app/tokens"),
        ("https://api.example//", "app/tokens", "https://api.example/app/tokens"),
        ("https://api.example/v3/", "//app", "https://api.example/v3/app"),
    ])
    func pathsAreJoinedWithOneSlash(base: String, path: String, url: String) {
        #expect(BaseURL(base).appending(path) == url)
    }
}
