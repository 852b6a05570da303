// Oracle, package net/url: parsing, escaping, queries, references.
package url

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type jurl struct {
	Scheme, Opaque, Host, Path, RawPath, RawQuery, Fragment, RawFragment string
	User                                                                 *[3]any `json:",omitempty"`
	ForceQuery, OmitHost                                                 bool
}

func urlj(u *URL) *jurl {
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

func es(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

var extraURLs = []string{
	"", "*", "/", "//", "///", "/a b", "/a%20b", "/a%2fb", "/a%2Fb?x", "/%zz", "/%", "/%a", "/a?b?c", "/a?", "/a??", "?", "#", "/#f",
	"http://x/a#b%20c", "http://x/a#b c", "http://x/#%zz", "http://[::1]/", "http://[::1]:8080/", "http://[fe80::1%25en0]/",
	"http://[fe80::1%en0]/", "http://[1.2.3.4]/", "http://[::1::2]/", "http://[::1", "http://a[b]/", "http://h:80:90/",
	"ftp://h:80:90/", "http://h:/", "http://h:x/", "http://%41/", "http://%c3%a9/", "http://h%2f/", "http://a b/", "http://a<b/",
	"http://u@h/", "http://u:p@h/", "http://u:p@ss@h/", "http://u%20x:p%3a@h/", "http://u^x@h/", "mailto:a@b", "a:b", "a:/b",
	"1a:b", ":x", "./a:b", "a/b:c", "foo", "foo/bar", "//h/p", "///p", "HTTP://H/P", "http:///p", "http:", "http:/", "http://",
	"/caf\u00e9", "/caf%C3%A9", "/%FF", "http://\u00e9.example/", "/a\x01", "/a\x7f", "/a\tb", "http://h/p?q=1;2", "/%2e%2e/",
	"/a/./b/../c", "http://h?x", "http://h#x",
}

func TestKaDumpURL(t *testing.T) {
	type pc struct {
		In                          string
		URL                         *jurl `json:",omitempty"`
		Err                         string
		String, RequestURI          string
		EscapedPath, Hostname, Port string
		ReqURL                      *jurl `json:",omitempty"`
		ReqErr                      string
	}
	var ins []string
	for _, tt := range urltests {
		ins = append(ins, tt.in)
	}
	for _, tt := range parseRequestURLTests {
		ins = append(ins, tt.url)
	}
	ins = append(ins, extraURLs...)
	var pcs []pc
	for _, in := range ins {
		c := pc{In: in}
		u, err := Parse(in)
		c.Err = es(err)
		if err == nil {
			c.URL = urlj(u)
			c.String = u.String()
			c.RequestURI = u.RequestURI()
			c.EscapedPath = u.EscapedPath()
			c.Hostname = u.Hostname()
			c.Port = u.Port()
		}
		ru, err := ParseRequestURI(in)
		c.ReqErr = es(err)
		if err == nil {
			c.ReqURL = urlj(ru)
		}
		pcs = append(pcs, c)
	}
	type sc struct {
		URL                               *jurl
		String, RequestURI, EscapedPath string
	}
	var scs []sc
	for _, tt := range stringURLTests {
		u := tt.url
		scs = append(scs, sc{urlj(&u), u.String(), u.RequestURI(), u.EscapedPath()})
	}
	for _, tt := range requritests {
		scs = append(scs, sc{urlj(tt.url), tt.url.String(), tt.url.RequestURI(), tt.url.EscapedPath()})
	}
	type ec struct {
		In                                   string
		QueryEscape, PathEscape              string
		QueryUnescape, QueryUnescapeErr      string
		PathUnescape, PathUnescapeErr        string
	}
	var eins []string
	for _, tt := range unescapeTests {
		eins = append(eins, tt.in)
	}
	for _, tt := range queryEscapeTests {
		eins = append(eins, tt.in)
	}
	for _, tt := range pathEscapeTests {
		eins = append(eins, tt.in)
	}
	eins = append(eins, "a+b c", "%2B", "caf\u00e9", "%e9", "%c3%a9", "\u20ac/\U0001F600", "~-._!*'()", "a%", "%g0", "%0g", "100%", "%%")
	var ecs []ec
	for _, in := range eins {
		qu, qe := QueryUnescape(in)
		pu, pe := PathUnescape(in)
		ecs = append(ecs, ec{in, QueryEscape(in), PathEscape(in), qu, es(qe), pu, es(pe)})
	}
	type qc struct {
		Query  string
		Values map[string][]string
		Err    string
		Encode string
	}
	var qcs []qc
	var qins []string
	for _, tt := range parseTests {
		qins = append(qins, tt.query)
	}
	qins = append(qins, "a=1&a=2&b", "=x", "a==b", "a=%zz&b=2", "%zz=1", "a;b=1&c=2", "&&a=1&&", "x=a+b%20c", strings.Repeat("a&", 10000), strings.Repeat("a&", 9999)+"a")
	for _, q := range qins {
		v, err := ParseQuery(q)
		if len(q) > 100 {
			v = nil
		}
		qcs = append(qcs, qc{q, v, es(err), Values(v).Encode()})
	}
	type enc struct {
		Values map[string][]string
		Out    string
	}
	var encs []enc
	for _, tt := range encodeQueryTests {
		encs = append(encs, enc{tt.m, tt.m.Encode()})
	}
	type rr struct{ Base, Ref, Out string }
	var rrs []rr
	for _, tt := range resolveReferenceTests {
		b, _ := Parse(tt.base)
		r, _ := Parse(tt.rel)
		rrs = append(rrs, rr{tt.base, tt.rel, b.ResolveReference(r).String()})
	}
	for _, tt := range resolvePathTests {
		rrs = append(rrs, rr{"path:" + tt.base, tt.ref, resolvePath(tt.base, tt.ref)})
	}
	b, _ := json.MarshalIndent(map[string]any{"parse": pcs, "string": scs, "escape": ecs, "query": qcs, "encode": encs, "resolve": rrs}, "", " ")
	if err := os.WriteFile(filepath.Join(os.Getenv("KA_TESTDATA"), "url.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
