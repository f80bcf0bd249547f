// Command kubeletreference is regcred's differential oracle: it generates seeded random pull
// secrets and images, and says what the kubelet would do with each (refuse the pod's secrets,
// or send which credentials in which order), reading the secrets with Go's own encoding/json,
// encoding/base64, net/url and path/filepath. The lookup rules are regcred's own reading of
// the kubelet's pkg/credentialprovider (v1.28); only the standard library is used, so it builds
// offline with Debian's golang-go.
//
// Usage: kubeletreference -seed N -cases N  (prints a JSON array of cases on standard output)
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ---- What the kubelet reads: a docker config entry, the .dockerconfigjson wrapper.

// credentials is what an entry yields once read: the fields, or auth decoded and split.
type credentials struct {
	Username string
	Password string
}

// fields are the members the kubelet reads from an entry; Go matches them in any letter case.
type fields struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Email    string `json:"email,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

func (c *credentials) UnmarshalJSON(data []byte) error {
	var f fields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	c.Username, c.Password = f.Username, f.Password
	if f.Auth == "" {
		return nil
	}
	var decoded []byte
	var err error
	// Padded when the trimmed value ends in '=', unpadded otherwise; Go skips \r and \n.
	if strings.HasSuffix(strings.TrimSpace(f.Auth), "=") {
		decoded, err = base64.StdEncoding.DecodeString(f.Auth)
	} else {
		decoded, err = base64.RawStdEncoding.DecodeString(f.Auth)
	}
	if err != nil {
		return err
	}
	user, pass, found := strings.Cut(string(decoded), ":")
	if !found {
		return fmt.Errorf("auth is not username:password")
	}
	c.Username, c.Password = user, pass
	return nil
}

type configJSON struct {
	Auths       map[string]credentials `json:"auths"`
	HTTPHeaders map[string]string      `json:"HttpHeaders,omitempty"`
}

// ---- The keyring: every pull secret of the pod in one, index keys most specific first.

type keyring struct {
	index []string
	creds map[string][]credentials
}

func (k *keyring) add(config map[string]credentials) {
	// Go walks a map in random order; regcred models one secret's keys in sorted order.
	locations := make([]string, 0, len(config))
	for location := range config {
		locations = append(locations, location)
	}
	sort.Strings(locations)
	for _, location := range locations {
		value := location
		if !strings.HasPrefix(value, "https://") && !strings.HasPrefix(value, "http://") {
			value = "https://" + value
		}
		parsed, err := url.Parse(value)
		if err != nil {
			continue
		}
		path := parsed.Path
		if strings.HasPrefix(path, "/v2/") || strings.HasPrefix(path, "/v1/") {
			path = path[3:]
		}
		key := parsed.Host
		if path != "" && path != "/" {
			key += path
		}
		if _, seen := k.creds[key]; !seen {
			k.index = append(k.index, key)
		}
		k.creds[key] = append(k.creds[key], config[location])
	}
	sort.Sort(sort.Reverse(sort.StringSlice(k.index)))
}

func schemeless(text string) (*url.URL, error) { return url.Parse("https://" + text) }

func hostLabels(u *url.URL) ([]string, string) {
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, ""
	}
	return strings.Split(host, "."), port
}

func keyMatches(key, image string) bool {
	keyURL, err := schemeless(key)
	if err != nil {
		return false
	}
	imageURL, err := schemeless(image)
	if err != nil {
		return false
	}
	keyLabels, keyPort := hostLabels(keyURL)
	imageLabels, imagePort := hostLabels(imageURL)
	if keyPort != imagePort || len(keyLabels) != len(imageLabels) || !strings.HasPrefix(imageURL.Path, keyURL.Path) {
		return false
	}
	for i := range keyLabels {
		if matched, err := filepath.Match(keyLabels[i], imageLabels[i]); err != nil || !matched {
			return false
		}
	}
	return true
}

func pullsFromDockerHub(image string) bool {
	parts := strings.SplitN(image, "/", 2)
	if parts[0] == "" {
		return false
	}
	if len(parts) == 1 || parts[0] == "docker.io" || parts[0] == "index.docker.io" {
		return true
	}
	return !strings.ContainsAny(parts[0], ".:")
}

func (k *keyring) lookup(image string) []credentials {
	var found []credentials
	for _, key := range k.index {
		if keyMatches(key, image) {
			found = append(found, k.creds[key]...)
		}
	}
	if len(found) == 0 && pullsFromDockerHub(image) {
		found = k.creds["index.docker.io"]
	}
	return found
}

// normalizedName is the repository the kubelet looks up: Docker Hub's defaults filled in, tag
// and digest dropped. The generator makes only valid references, so nothing is validated.
func normalizedName(reference string) string {
	if at := strings.Index(reference, "@"); at >= 0 {
		reference = reference[:at]
	}
	if colon := strings.LastIndex(reference, ":"); colon > strings.LastIndex(reference, "/") {
		reference = reference[:colon]
	}
	domain, rest := "docker.io", reference
	if slash := strings.Index(reference, "/"); slash >= 0 {
		first := reference[:slash]
		if strings.ContainsAny(first, ".:") || first == "localhost" || strings.ToLower(first) != first {
			domain, rest = first, reference[slash+1:]
		}
	}
	if domain == "index.docker.io" {
		domain = "docker.io"
	}
	if domain == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	return domain + "/" + rest
}

// ---- One case: the pod's pull secrets and an image, and what the kubelet does.

type match struct {
	Username    string `json:"username"`
	Fingerprint string `json:"passwordFingerprint"`
}

type outcome struct {
	Refused bool    `json:"refused"`
	Matches []match `json:"matches"`
}

type pullSecret struct {
	Type string `json:"type"`
	// The manifest as regcred match -f reads it: a Secret whose data holds the config bytes.
	Manifest string `json:"manifest"`
	config   []byte
}

type testCase struct {
	Image    string       `json:"image"`
	Secrets  []pullSecret `json:"secrets"`
	Expected outcome      `json:"expected"`
}

func fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return fmt.Sprintf("len %d, sha256:%s", len(secret), hex.EncodeToString(sum[:4]))
}

func evaluate(image string, secrets []pullSecret) outcome {
	ring := &keyring{creds: map[string][]credentials{}}
	var configs []map[string]credentials
	for _, secret := range secrets {
		if secret.Type == "kubernetes.io/dockerconfigjson" {
			var config configJSON
			if err := json.Unmarshal(secret.config, &config); err != nil {
				return outcome{Refused: true, Matches: []match{}}
			}
			configs = append(configs, config.Auths)
		} else {
			var config map[string]credentials
			if err := json.Unmarshal(secret.config, &config); err != nil {
				return outcome{Refused: true, Matches: []match{}}
			}
			configs = append(configs, config)
		}
	}
	for _, config := range configs {
		ring.add(config)
	}
	result := outcome{Matches: []match{}}
	for _, found := range ring.lookup(normalizedName(image)) {
		result.Matches = append(result.Matches, match{found.Username, fingerprint(found.Password)})
	}
	return result
}

// ---- The generator: configs with what trips readers up, kept mostly acceptable.

type generator struct{ random *rand.Rand }

func (g *generator) pick(choices []string) string { return choices[g.random.Intn(len(choices))] }
func (g *generator) chance(n int) bool            { return g.random.Intn(n) == 0 }

var registryKeys = []string{
	"ghcr.io", "https://ghcr.io", "https://ghcr.io/v2/", "ghcr.io/org", "https://ghcr.io/v2/org", "GHCR.io",
	"gcr.io", "*.gcr.io", "us.gcr.io", "*.*.example.com", "a.b.example.com", "*.example.com",
	"index.docker.io", "https://index.docker.io/v1/", "docker.io", "docker.io/acme", "index.docker.io/library",
	"registry.example.com", "registry.example.com:5000", "http://registry.example.com:5000/team",
	"registry.example.com:5000/team", "registry.example.com:443", "quay.io", "quay.io/coreos",
	"localhost:5000", "localhost", "", "https://", "reg%41.example.com", "ghcr.io/o%2Frg", "ghcr.io?x", "ghcr.io#frag",
}

var images = []string{
	"ghcr.io/org/app:1", "ghcr.io/other/app", "ghcr.io/organisation/app", "nginx", "nginx:1.27", "docker.io/library/nginx:1",
	"index.docker.io/acme/app", "docker.io/acme/app", "acme/app", "us.gcr.io/project/image", "gcr.io/project/image",
	"a.b.example.com/x", "b.example.com/x", "registry.example.com:5000/team/app", "registry.example.com:5000/teamfoo/app",
	"registry.example.com/team/app", "registry.example.com:443/app", "quay.io/coreos/etcd:v3", "quay.io/other/app",
	"localhost:5000/app", "localhost/app", "regA.example.com/app",
	"busybox@sha256:" + strings.Repeat("ab", 32),
}

var usernames = []string{"bot", "robot$ci", "iamapikey", "ci", "", "user:with:colons", "ü-user"}
var passwords = []string{"t0ken", "pa:ss", "", "s3cret=", "ünïcode", "line\nbreak", "😀"}

// quote writes a JSON string; sometimes with a letter as a \u escape, as hand-written files have.
func (g *generator) quote(text string) string {
	var out strings.Builder
	out.WriteByte('"')
	for _, r := range text {
		switch {
		case r == '"' || r == '\\':
			out.WriteByte('\\')
			out.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&out, "\\u%04x", r)
		case r > 0xFFFF && g.chance(2):
			r -= 0x10000
			fmt.Fprintf(&out, "\\u%04x\\u%04x", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		case r < 0x7F && g.chance(25):
			fmt.Fprintf(&out, "\\u%04X", r)
		default:
			out.WriteRune(r)
		}
	}
	out.WriteByte('"')
	return out.String()
}

// spelling is a field name as some files write it: usually as documented, sometimes not.
func (g *generator) spelling(field string) string {
	switch g.random.Intn(12) {
	case 0:
		return strings.ToUpper(field)
	case 1:
		return strings.ToUpper(field[:1]) + field[1:]
	case 2:
		return strings.Replace(field, "s", "\u017f", 1) // long s: folds to s in Go
	case 3:
		return field + "_"
	default:
		return field
	}
}

func (g *generator) auth(username, password string) string {
	plain := username + ":" + password
	switch g.random.Intn(40) {
	case 0:
		return "!!not-base64!!"
	case 1:
		return base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(plain, ":", "")))
	case 2:
		return base64.RawStdEncoding.EncodeToString([]byte(plain))
	case 3:
		encoded := base64.StdEncoding.EncodeToString([]byte(plain))
		return encoded[:len(encoded)/2] + "\n" + encoded[len(encoded)/2:]
	case 4:
		return base64.StdEncoding.EncodeToString([]byte(plain)) + "\r\n"
	case 5:
		return " " + base64.StdEncoding.EncodeToString([]byte(plain))
	default:
		return base64.StdEncoding.EncodeToString([]byte(plain))
	}
}

func (g *generator) value(text string) string {
	switch {
	case g.chance(40):
		return "null"
	case g.chance(150):
		return "7"
	default:
		return g.quote(text)
	}
}

func (g *generator) entry() string {
	switch {
	case g.chance(30):
		return "null"
	case g.chance(200):
		return `"token"`
	}
	username, password := g.pick(usernames), g.pick(passwords)
	var members []string
	if g.random.Intn(3) > 0 {
		members = append(members, g.quote(g.spelling("username"))+":"+g.value(username))
	}
	if g.random.Intn(3) > 0 {
		members = append(members, g.quote(g.spelling("password"))+":"+g.value(password))
	}
	if g.chance(4) {
		members = append(members, g.quote(g.spelling("email"))+":"+g.value("ops@example.com"))
	}
	if g.random.Intn(3) > 0 {
		authUser, authPassword := username, password
		if g.chance(5) {
			authUser, authPassword = g.pick(usernames), g.pick(passwords)
		}
		members = append(members, g.quote(g.spelling("auth"))+":"+g.value(g.auth(authUser, authPassword)))
	}
	if g.chance(6) && len(members) > 0 {
		members = append(members, members[g.random.Intn(len(members))]) // the same member again
	}
	if g.chance(8) {
		members = append(members, g.quote(g.spelling("username"))+":"+g.quote(g.pick(usernames)))
	}
	if g.chance(8) {
		members = append(members, `"identitytoken":"it"`, `"extra":{"nested":[1,2]}`)
	}
	g.random.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
	return "{" + strings.Join(members, ",") + "}"
}

func (g *generator) entries() string {
	var members []string
	for n := g.random.Intn(5); n > 0; n-- {
		members = append(members, g.quote(g.pick(registryKeys))+":"+g.entry())
	}
	return "{" + strings.Join(members, ",") + "}"
}

func (g *generator) dockerConfigJSON() string {
	var members []string
	if !g.chance(30) {
		members = append(members, g.quote(g.spelling("auths"))+":"+g.entries())
	}
	if g.chance(8) {
		members = append(members, g.quote(g.spelling("auths"))+":"+g.entries())
	}
	if g.chance(25) {
		members = append(members, `"auths":null`)
	}
	if g.chance(10) {
		header := `"regcred-test"`
		if g.chance(6) {
			header = "1"
		}
		members = append(members, `"HttpHeaders":{"User-Agent":`+header+`}`)
	}
	if g.chance(10) {
		members = append(members, `"credsStore":"desktop"`)
	}
	g.random.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
	return "{" + strings.Join(members, ",") + "}"
}

func (g *generator) pullSecret(index int) pullSecret {
	secretType, key, config := "kubernetes.io/dockerconfigjson", ".dockerconfigjson", ""
	if g.chance(5) {
		secretType, key, config = "kubernetes.io/dockercfg", ".dockercfg", g.entries()
	} else {
		config = g.dockerConfigJSON()
	}
	manifest := fmt.Sprintf(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"secret-%d"},"type":%q,"data":{%q:%q}}`,
		index, secretType, key, base64.StdEncoding.EncodeToString([]byte(config)))
	return pullSecret{Type: secretType, Manifest: manifest, config: []byte(config)}
}

func main() {
	seed := flag.Int64("seed", 1, "seed of the generator")
	count := flag.Int("cases", 1000, "number of cases")
	flag.Parse()
	g := &generator{random: rand.New(rand.NewSource(*seed))}
	cases := make([]testCase, 0, *count)
	for i := 0; i < *count; i++ {
		var secrets []pullSecret
		for n := 1 + g.random.Intn(3); n > 0; n-- {
			secrets = append(secrets, g.pullSecret(len(secrets)))
		}
		image := g.pick(images)
		cases = append(cases, testCase{Image: image, Secrets: secrets, Expected: evaluate(image, secrets)})
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
