// Oracle for @ka/http's tests: runs Go's own net/http parsers over the inputs of Go's test
// tables (and extra cases of ours) and writes the results as JSON under testdata/.
// Build as an overlay file of package net/http: see gen.sh.
package http

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/net/http/httpguts"
)

// b2s maps bytes 1:1 to runes so JSON keeps every byte (latin1).
func b2s(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func hdr(h Header) map[string][]string {
	if h == nil {
		return nil
	}
	m := map[string][]string{}
	for k, vv := range h {
		out := []string{}
		for _, v := range vv {
			out = append(out, b2s(v))
		}
		m[b2s(k)] = out
	}
	return m
}

type jurl struct {
	Scheme, Opaque, Host, Path, RawPath, RawQuery, Fragment, RawFragment string
	User                                                                 *[3]any `json:",omitempty"`
	ForceQuery, OmitHost                                                 bool
}

func urlj(u *url.URL) *jurl {
	if u == nil {
		return nil
	}
	j := &jurl{Scheme: u.Scheme, Opaque: u.Opaque, Host: u.Host, Path: u.Path, RawPath: u.RawPath,
		RawQuery: u.RawQuery, Fragment: u.Fragment, RawFragment: u.RawFragment, ForceQuery: u.ForceQuery, OmitHost: u.OmitHost}
	if u.User != nil {
		p, set := u.User.Password()
		j.User = &[3]any{u.User.Username(), p, set}
	}
	return j
}

func errs(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func write(t *testing.T, name string, v any) {
	dir := os.Getenv("KA_TESTDATA")
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

type reqCase struct {
	Name  string
	Raw   string
	Err   string `json:",omitempty"`
	Req   map[string]any `json:",omitempty"`
	Body  string
	BodyErr string `json:",omitempty"`
	Trailer map[string][]string
}

// Extra request heads of ours (SRV catalog cases and edges around Go's rules).
var extraRequests = []struct{ name, raw string }{
	{"SRV-46 lowercase method", "get /hello HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-46 method with separator", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-39 garbage", "GARBAGE\r\n\r\n"},
	{"SRV-39 missing version", "GET /\r\n\r\n"},
	{"SRV-39 header without colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"},
	{"SRV-39 leading space first header", "GET / HTTP/1.1\r\n Host: x\r\n\r\n"},
	{"SRV-39 control byte in value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n"},
	{"SRV-39 DEL in value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7fb\r\n\r\n"},
	{"SRV-39 CR in value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"},
	{"SRV-47 bare LF", "GET /hello HTTP/1.1\nHost: x\n\n"},
	{"SRV-47 obs-fold", "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"},
	{"SRV-47 obs-fold tabs and spaces", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a  \r\n \t  b c \r\n\t d\r\nX-B: e\r\n\r\n"},
	{"SRV-47 obs-fold whitespace-only line", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n \r\n\r\n"},
	{"SRV-47 space before colon", "GET /hello HTTP/1.1\r\nHost : x\r\n\r\n"},
	{"SRV-47 space inside key", "GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n"},
	{"SRV-48 relative target", "GET foo HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-48 absolute-form", "GET http://abs.example/host HTTP/1.1\r\nHost: other\r\n\r\n"},
	{"SRV-48 asterisk", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-48 CONNECT authority", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"},
	{"SRV-48 query and escapes", "GET /a%20b/c%2Fd?x=1&y=%41 HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-48 force query", "GET /p? HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-48 bad escape", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-48 utf-8 target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-48 fragment in target", "GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-42 HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n"},
	{"SRV-42 HTTP/3.0", "GET / HTTP/3.0\r\nHost: x\r\n\r\n"},
	{"HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n"},
	{"HTTP/1.x", "GET / HTTP/1.x\r\nHost: x\r\n\r\n"},
	{"HTTP/10.0", "GET / HTTP/10.0\r\nHost: x\r\n\r\n"},
	{"lowercase proto", "GET / http/1.1\r\nHost: x\r\n\r\n"},
	{"extra space in request line", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n"},
	{"two spaces after method", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"SRV-49 two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
	{"SRV-49 no host", "GET /hello HTTP/1.1\r\n\r\n"},
	{"SRV-49 HTTP/1.0 no host", "GET / HTTP/1.0\r\n\r\n"},
	{"SRV-50 empty host", "GET / HTTP/1.1\r\nHost:\r\n\r\n"},
	{"SRV-50 host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"},
	{"SRV-53 CL with plus", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello"},
	{"SRV-53 CL negative", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"},
	{"SRV-53 CL spaces", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length:  5  \r\n\r\nhello"},
	{"SRV-53 CL list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello"},
	{"SRV-53 CL hex", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello"},
	{"SRV-53 CL empty", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"},
	{"SRV-53 CL huge", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775808\r\n\r\n"},
	{"SRV-53 CL max", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775807\r\n\r\n"},
	{"SRV-54 duplicate identical CL", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"},
	{"SRV-54 duplicate different CL", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
	{"SRV-55 TE and CL", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n5\r\nhello\r\n0\r\n\r\n"},
	{"SRV-43 TE gzip", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"},
	{"SRV-43 TE gzip, chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"},
	{"SRV-43 two TE lines", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"},
	{"TE Chunked mixed case", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{"TE identity", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n"},
	{"TE empty", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n"},
	{"SRV-56 TE on HTTP/1.0 ignored", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc"},
	{"SRV-56 TE gzip on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: gzip\r\n\r\n"},
	{"SRV-58 chunk extension", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n"},
	{"SRV-58 uppercase hex", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n"},
	{"SRV-58 whitespace after size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 \t\r\nhello\r\n0\r\n\r\n"},
	{"SRV-59 non-hex size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"},
	{"SRV-59 missing CRLF after data", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"},
	{"SRV-59 17 hex digits", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000005\r\nhello\r\n0\r\n\r\n"},
	{"SRV-59 16 hex digits", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000005\r\nhello\r\n0\r\n\r\n"},
	{"SRV-59 empty size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n"},
	{"SRV-59 bare LF chunk line", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"},
	{"SRV-59 CR inside chunk line", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r;\r\nhello\r\n0\r\n\r\n"},
	{"SRV-59 truncated chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"},
	{"SRV-59 no final chunk", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"},
	{"SRV-59 chunk line too long", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;" + strings.Repeat("e", 4094) + "\r\nhello\r\n0\r\n\r\n"},
	{"SRV-60 declared trailer", "POST / HTTP/1.1\r\nHost: x\r\nTrailer: X-T\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: tv\r\n\r\n"},
	{"SRV-60 trailer list", "POST / HTTP/1.1\r\nHost: x\r\nTrailer: x-a, X-B\r\nTrailer: x-c\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: 1\r\nX-Undeclared: 2\r\n\r\n"},
	{"SRV-60 bad trailer key Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nTrailer: Content-Length\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{"SRV-60 bad trailer key Trailer", "POST / HTTP/1.1\r\nHost: x\r\nTrailer: a, trailer\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{"SRV-60 bad trailer key Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nTrailer: transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{"SRV-60 trailer without chunked kept", "POST / HTTP/1.1\r\nHost: x\r\nTrailer: X-T\r\nContent-Length: 2\r\n\r\nhi"},
	{"SRV-60 malformed trailer", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n"},
	{"SRV-60 trailer EOF", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"},
	{"SRV-60 trailer bare LF end", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n"},
	{"SRV-60 trailer no blank line", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n"},
	{"SRV-70 short CL body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"},
	{"GET with CL body", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"},
	{"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
	{"HTTP/1.0 close default", "GET / HTTP/1.0\r\n\r\n"},
	{"HTTP/1.1 Connection close token list", "GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, CLOSE\r\n\r\n"},
	{"Pragma no-cache", "GET / HTTP/1.1\r\nHost: x\r\nPragma: no-cache\r\n\r\n"},
	{"header canonicalization", "GET / HTTP/1.1\r\nhost: x\r\ncontent-TYPE: a\r\nx-forwarded-for: 1\r\nfoo_bar: y\r\n\r\n"},
	{"header value leading spaces and tabs", "GET / HTTP/1.1\r\nHost: x\r\nX-A:\t  v  \t\r\nX-B:v\r\n\r\n"},
	{"header obs-text value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\xe9 \xff\r\n\r\n"},
	{"header empty key", "GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n"},
	{"header invalid key byte", "GET / HTTP/1.1\r\nHost: x\r\nX(A: v\r\n\r\n"},
	{"header non-ascii key", "GET / HTTP/1.1\r\nHost: x\r\nX\xe9: v\r\n\r\n"},
	{"head EOF in headers", "GET / HTTP/1.1\r\nHost: x\r\n"},
	{"head EOF in request line", "GET / HTTP/1.1"},
	{"head EOF mid header line", "GET / HTTP/1.1\r\nHost: x"},
	{"empty input", ""},
	{"leading CRLF", "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"PRI preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"},
	{"expect continue", "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello"},
	{"long header line", "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + strings.Repeat("v", 9000) + "\r\n\r\n"},
	{"long request line", "GET /" + strings.Repeat("p", 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"long first-line whitespace", "GET / HTTP/1.1\r\n " + strings.Repeat("v", 100) + "\r\n\r\n"},
	{"control char in target", "GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"CONNECT rpc path", "CONNECT /_goRPC_ HTTP/1.1\r\n\r\n"},
	{"CONNECT bad authority", "CONNECT a:b:c HTTP/1.1\r\n\r\n"},
	{"absolute-form with userinfo and port", "GET http://u:p@h.example:8080/a?b HTTP/1.1\r\nHost: z\r\n\r\n"},
	{"absolute-form ipv6", "GET http://[::1]:80/ HTTP/1.1\r\nHost: z\r\n\r\n"},
	{"absolute-form bad port", "GET http://h:xx/ HTTP/1.1\r\nHost: z\r\n\r\n"},
	{"absolute-form ipv4 literal in brackets", "GET http://[1.2.3.4]/ HTTP/1.1\r\n\r\n"},
	{"absolute-form bad ipv6", "GET http://[::1::2]/ HTTP/1.1\r\n\r\n"},
	{"scheme only", "GET http: HTTP/1.1\r\n\r\n"},
	{"double slash path", "GET //a/b HTTP/1.1\r\nHost: x\r\n\r\n"},
	{"empty method", " / HTTP/1.1\r\nHost: x\r\n\r\n"},
}

func runReq(name, raw string) reqCase {
	c := reqCase{Name: name, Raw: b2s(raw)}
	req, err := ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		c.Err = errs(err)
		return c
	}
	c.Req = map[string]any{
		"method": b2s(req.Method), "url": urlj(req.URL), "proto": b2s(req.Proto),
		"protoMajor": req.ProtoMajor, "protoMinor": req.ProtoMinor, "header": hdr(req.Header),
		"host": b2s(req.Host), "requestURI": req.RequestURI, "contentLength": req.ContentLength,
		"transferEncoding": req.TransferEncoding, "close": req.Close, "trailer": hdr(req.Trailer),
		"noBody": req.Body == NoBody,
	}
	if req.TransferEncoding == nil {
		c.Req["transferEncoding"] = []string{}
	}
	b, err := io.ReadAll(req.Body)
	c.Body = b2s(string(b))
	c.BodyErr = errs(err)
	c.Trailer = hdr(req.Trailer)
	return c
}

func TestKaDumpRequests(t *testing.T) {
	var out []reqCase
	for i, tt := range reqTests {
		out = append(out, runReq("readrequest_test reqTests #"+itoa(i), tt.Raw))
	}
	for _, tt := range badRequestTests {
		out = append(out, runReq("readrequest_test badRequestTests "+tt.name, string(tt.req)))
	}
	for i, in := range []string{
		"GET / HTTP/1.1\r\nheader:foo\r\n\r\n",
		"GET / HTTP/1.1\r\nheader:foo\r\n",
		"",
		"HEAD / HTTP/1.1\r\n\r\n",
		"POST / HTTP/1.1\r\nContent-Length: 10\r\nContent-Length: 0\r\n\r\nGopher hey\r\n",
		"POST / HTTP/1.1\r\nContent-Length: 10\r\nContent-Length: 6\r\n\r\nGopher\r\n",
		"PUT / HTTP/1.1\r\nContent-Length: 6 \r\nContent-Length: 6\r\nContent-Length:6\r\n\r\nGopher\r\n",
		"PUT / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 6 \r\n\r\n",
		"POST / HTTP/1.1\r\nContent-Length:\r\nContent-Length: 3\r\n\r\n",
		"HEAD / HTTP/1.1\r\nContent-Length:0\r\nContent-Length: 0\r\n\r\n",
		"HEAD / HTTP/1.1\r\nHost: foo\r\nHost: bar\r\n\r\n\r\n\r\n",
	} {
		out = append(out, runReq("request_test readRequestErrorTests #"+itoa(i), in))
	}
	for _, tt := range extraRequests {
		out = append(out, runReq(tt.name, tt.raw))
	}
	write(t, "requests.json", out)
}

func itoa(i int) string { return strconv.Itoa(i) }

func validHeaderValue(s string) bool { return httpguts.ValidHeaderFieldValue(s) }
func validHost(s string) bool        { return httpguts.ValidHostHeader(s) }

type respCase struct {
	Name    string
	Raw     string
	Method  string
	Err     string `json:",omitempty"`
	Resp    map[string]any `json:",omitempty"`
	Body    string
	BodyErr string `json:",omitempty"`
	Trailer map[string][]string
}

var extraResponses = []struct{ name, method, raw string }{
	{"CLI-34 304 with chunked", "GET", "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\n"},
	{"CLI-34 204 with CL", "GET", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"},
	{"CLI-34 HEAD keeps CL", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 123\r\n\r\n"},
	{"CLI-34 HEAD chunked", "HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"},
	{"CLI-34 HEAD bad CL", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"},
	{"CLI-34 chunked drops CL", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{"CLI-33 103 early hints", "GET", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"},
	{"101 switching", "GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nraw"},
	{"CLI-36 trailer", "GET", "HTTP/1.1 200 OK\r\nTrailer: X-T\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: v\r\n\r\n"},
	{"short body", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"},
	{"until close", "GET", "HTTP/1.1 200 OK\r\n\r\nall the rest"},
	{"until close 1.0", "GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nrest"},
	{"1.0 keep-alive with CL", "GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"},
	{"Connection close removed", "GET", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"},
	{"status without reason", "GET", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"},
	{"status extra spaces", "GET", "HTTP/1.1   200   OK\r\nContent-Length: 0\r\n\r\n"},
	{"status plus sign", "GET", "HTTP/1.1 +20 OK\r\nContent-Length: 0\r\n\r\n"},
	{"TE gzip", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"},
	{"TE on 1.0 response", "GET", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{"bare LF response", "GET", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"},
	{"obs-fold response", "GET", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n"},
	{"bad header", "GET", "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"},
	{"Pragma", "GET", "HTTP/1.1 200 OK\r\nPragma: no-cache\r\nContent-Length: 0\r\n\r\n"},
	{"empty", "GET", ""},
}

func runResp(name, method, raw string) respCase {
	c := respCase{Name: name, Raw: b2s(raw), Method: method}
	var req *Request
	if method != "" {
		req = &Request{Method: method}
	}
	resp, err := ReadResponse(bufio.NewReader(strings.NewReader(raw)), req)
	if err != nil {
		c.Err = errs(err)
		return c
	}
	c.Resp = map[string]any{
		"status": b2s(resp.Status), "statusCode": resp.StatusCode, "proto": b2s(resp.Proto),
		"protoMajor": resp.ProtoMajor, "protoMinor": resp.ProtoMinor, "header": hdr(resp.Header),
		"contentLength": resp.ContentLength, "transferEncoding": resp.TransferEncoding,
		"close": resp.Close, "trailer": hdr(resp.Trailer), "noBody": resp.Body == NoBody,
	}
	if resp.TransferEncoding == nil {
		c.Resp["transferEncoding"] = []string{}
	}
	b, err := io.ReadAll(resp.Body)
	c.Body = b2s(string(b))
	c.BodyErr = errs(err)
	c.Trailer = hdr(resp.Trailer)
	return c
}

func TestKaDumpResponses(t *testing.T) {
	var out []respCase
	for i, tt := range respTests {
		m := ""
		if tt.Resp.Request != nil {
			m = tt.Resp.Request.Method
		}
		out = append(out, runResp("response_test respTests #"+itoa(i), m, tt.Raw))
	}
	status := func(s string) string { return "HTTP/1.1 " + s + "\r\nFoo: bar\r\n\r\n" }
	version := func(s string) string { return s + " 200 OK\r\n\r\n" }
	cl := func(st, body string) string { return "HTTP/1.1 " + st + "\r\n" + body }
	errCases := []string{"", "HTTP/1.1 301 Moved Permanently\r\nFoo: bar", "HTTP/1.1", "HTTP/2.0",
		status("20X Unknown"), status("abcd Unknown"), status("二百/两百 OK"), status(" Unknown"),
		status("c8 OK"), status("0x12d Moved Permanently"), status("200 OK"), status("000 OK"),
		status("001 OK"), status("404 NOTFOUND"), status("20 OK"), status("00 OK"), status("-10 OK"),
		status("1000 OK"), status("999 Done"), status("-1 OK"), status("-200 OK"),
		version("HTTP/1.2"), version("HTTP/2.0"), version("HTTP/1.100000000002"), version("HTTP/1.-1"),
		version("HTTP/A.B"), version("HTTP/1"), version("http/1.1"),
		cl("200 OK", "Content-Length: 10\r\nContent-Length: 7\r\n\r\nGopher hey\r\n"),
		cl("200 OK", "Content-Length: 7\r\nContent-Length: 7\r\n\r\nGophers\r\n"),
		cl("201 OK", "Content-Length: 0\r\nContent-Length: 7\r\n\r\nGophers\r\n"),
		cl("300 OK", "Content-Length: 0\r\nContent-Length: 0 \r\n\r\nGophers\r\n"),
		cl("200 OK", "Content-Length:\r\nContent-Length:\r\n\r\nGophers\r\n"),
		cl("206 OK", "Content-Length:\r\nContent-Length: 0 \r\nConnection: close\r\n\r\nGophers\r\n"),
		cl("204 OK", "Content-Length: 7\r\nContent-Length: 8\r\n\r\n"),
		cl("204 OK", "Content-Length: 3\r\nContent-Length: 3\r\n\r\n"),
		cl("304 OK", "Content-Length: 880\r\nContent-Length: 1\r\n\r\n"),
		cl("304 OK", "Content-Length: 961\r\nContent-Length: 961\r\n\r\n"),
		"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	}
	for _, in := range errCases {
		out = append(out, runResp("response_test TestReadResponseErrors "+in, "GET", in))
	}
	for _, tt := range extraResponses {
		out = append(out, runResp(tt.name, tt.method, tt.raw))
	}
	write(t, "responses.json", out)
}

type writeCase struct {
	Name      string
	Req       map[string]any
	WantWrite string
	WantProxy string
	WantError string
}

func TestKaDumpRequestWrite(t *testing.T) {
	var out []writeCase
	for i := range reqWriteTests {
		tt := &reqWriteTests[i]
		r := tt.Req
		m := map[string]any{
			"method": r.Method, "url": urlj(r.URL), "host": r.Host, "header": hdr(r.Header),
			"contentLength": r.ContentLength, "transferEncoding": r.TransferEncoding, "close": r.Close,
			"trailer": hdr(r.Trailer), "proto": r.Proto,
		}
		switch b := tt.Body.(type) {
		case nil:
			m["body"] = map[string]any{"kind": "none"}
		case []byte:
			m["body"] = map[string]any{"kind": "bytes", "data": b2s(string(b))}
		case func() io.ReadCloser:
			rc := b()
			if rc == nil {
				m["body"] = map[string]any{"kind": "nil"}
			} else {
				var buf bytes.Buffer
				_, err := io.Copy(&buf, rc)
				m["body"] = map[string]any{"kind": "reader", "data": b2s(buf.String()), "err": errs(err)}
			}
		}
		we := ""
		if tt.WantError != nil {
			we = tt.WantError.Error()
		}
		out = append(out, writeCase{Name: "requestwrite_test reqWriteTests #" + itoa(i), Req: m,
			WantWrite: b2s(tt.WantWrite), WantProxy: b2s(tt.WantProxy), WantError: we})
	}
	write(t, "requestwrite.json", out)
	_ = iotest.ErrReader
	_ = errors.New
}

func TestKaDumpMisc(t *testing.T) {
	type hw struct {
		H       map[string][]string
		Exclude []string
		Want    string
	}
	var hws []hw
	for _, tt := range headerWriteTests {
		var ex []string
		for k, v := range tt.exclude {
			if v {
				ex = append(ex, k)
			}
		}
		var buf strings.Builder
		tt.h.WriteSubset(&buf, tt.exclude)
		hws = append(hws, hw{hdr(tt.h), ex, b2s(buf.String())})
	}
	type ht struct {
		Header, Token string
		Want          bool
	}
	var hts []ht
	for _, tt := range hasTokenTests {
		hts = append(hts, ht{tt.header, tt.token, hasToken(tt.header, tt.token)})
	}
	type pt struct {
		In   string
		Unix int64
		Err  bool
	}
	var pts []pt
	for _, in := range []string{"Thu, 01 Jan 1970 00:00:00 GMT", "Thursday, 01-Jan-70 00:00:00 GMT", "Thu Jan  1 00:00:00 1970",
		"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Thu, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun Nov 6 08:49:37 1994",
		"Tue, 07 Jan 2025 10:11:12 GMT", "Monday, 01-Jan-68 00:00:00 GMT", "Monday, 01-Jan-69 00:00:00 GMT", "garbage", ""} {
		tm, err := ParseTime(in)
		pts = append(pts, pt{in, tm.Unix(), err != nil})
	}
	type te struct {
		Hdr   map[string][]string
		Major int
		Minor int
		Err   string
		Chunked bool
	}
	var tes []te
	for _, h := range []Header{
		{"Transfer-Encoding": {"fugazi"}}, {"Transfer-Encoding": {"chunked, chunked", "identity", "chunked"}},
		{"Transfer-Encoding": {""}}, {"Transfer-Encoding": {"chunked, identity"}}, {"Transfer-Encoding": {"chunked", "chunked"}},
		{"Transfer-Encoding": {"chunked"}}, {"Transfer-Encoding": {"CHUNKED"}}, {"Transfer-Encoding": {" chunked"}},
		{"Transfer-Encoding": {"gzip"}}, {},
	} {
		for _, proto := range [][2]int{{1, 1}, {1, 0}} {
			tr := &transferReader{Header: h.Clone(), ProtoMajor: proto[0], ProtoMinor: proto[1]}
			err := tr.parseTransferEncoding()
			tes = append(tes, te{hdr(h), proto[0], proto[1], errs(err), tr.Chunked})
		}
	}
	type cl struct {
		In  []string
		N   int64
		Err string
	}
	var cls []cl
	for _, in := range [][]string{{"0"}, {"3"}, {"+3"}, {"-3"}, {" 3 "}, {"\t3\r\n"}, {"3 3"}, {"9223372036854775807"}, {"9223372036854775808"},
		{"18446744073709551615"}, {""}, {" "}, {"a"}, {"1_0"}, {"0x10"}, {"010"}, {"1.0"}, {"1e3"}} {
		n, err := parseContentLength(in)
		cls = append(cls, cl{in, n, errs(err)})
	}
	type ck struct {
		In, Out string
	}
	var cks []ck
	for _, in := range []string{"a-b-c", "a-1-c", "User-Agent", "uSER-aGENT", "user-agent", "USER-AGENT", "foo-bar_baz",
		"foo-Bar_baz", "foo-bar_Baz", "foo_bar-baz", "ünicode-header", "Content-Type", "contenT-TYPE", "x", "X", "-", "--x",
		"a b", "c\x00d", "e\nf", "header with space", "", "ETAG", "etag", "x-forwarded-for", "Host", "WWW-AUTHENTICATE",
		"Sec-Websocket-Key", "accept_charset", "a1-b2", "1a-2b"} {
		cks = append(cks, ck{b2s(in), b2s(CanonicalHeaderKey(in))})
	}
	type hv struct {
		In             string
		Name, Value, Host bool
	}
	var hvs []hv
	for _, in := range []string{"", "a", "A-b", "a b", "a\tb", "a\x00", "a\x7f", "a\x80", "é", "x:1", "[::1]:80", "a/b", "a@b", "a\r\nb", "(", "~!#$%&'*+-.^_`|", "\"q\"", "a,b"} {
		hvs = append(hvs, hv{b2s(in), isToken(in), validHeaderValue(in), validHost(in)})
	}
	write(t, "misc.json", map[string]any{"headerWrite": hws, "hasToken": hts, "parseTime": pts,
		"transferEncoding": tes, "contentLength": cls, "canonicalKey": cks,
		"valid": hvs})
}
