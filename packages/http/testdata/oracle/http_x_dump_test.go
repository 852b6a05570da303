// Oracle, external-test half of package net/http: tables that live in package http_test.
package http_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

func b2sx(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func TestKaDumpExternal(t *testing.T) {
	type pv struct {
		In           string
		Major, Minor int
		Ok           bool
	}
	var pvs []pv
	for _, tt := range parseHTTPVersionTests {
		ma, mi, ok := http.ParseHTTPVersion(tt.vers)
		pvs = append(pvs, pv{tt.vers, ma, mi, ok})
	}
	type sn struct {
		Desc, Data, Want string
	}
	var sns []sn
	for _, tt := range sniffTests {
		sns = append(sns, sn{tt.desc, b2sx(string(tt.data)), http.DetectContentType(tt.data)})
	}
	for _, in := range []string{string(make([]byte, 600)), "   <html>", "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "<?xml ", "<A>", "<a", "<a ", "\xef\xbb\xbfhi", "text"} {
		sns = append(sns, sn{"extra", b2sx(in), http.DetectContentType([]byte(in))})
	}
	b, _ := json.MarshalIndent(map[string]any{"parseHTTPVersion": pvs, "sniff": sns}, "", " ")
	if err := os.WriteFile(filepath.Join(os.Getenv("KA_TESTDATA"), "misc-external.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
