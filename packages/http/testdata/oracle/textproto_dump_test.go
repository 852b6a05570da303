// Oracle, package net/textproto: ReadMIMEHeader, ReadLine and canonical keys.
package textproto

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func b2s(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func hdrj(h MIMEHeader) map[string][]string {
	if h == nil {
		return nil
	}
	m := map[string][]string{}
	for k, vv := range h {
		o := []string{}
		for _, v := range vv {
			o = append(o, b2s(v))
		}
		m[b2s(k)] = o
	}
	return m
}

func TestKaDumpTextproto(t *testing.T) {
	inputs := []string{
		"my-key: Value 1  \r\nLong-key: Even \n Longer Value\r\nmy-Key: Value 2\r\n\n",
		"Foo: bar\n\n",
		": bar\ntest-1: 1\n\n",
		"Cookie: " + strings.Repeat("x", 16*1024) + "\r\n\n",
		"Foo: bar\r\nContent-Language: en\r\nSID : 0\r\nAudio Mode : None\r\nPrivilege : 127\r\n\r\n",
		"No colon first line\r\nFoo: foo\r\n\r\n",
		" No colon first line with leading space\r\nFoo: foo\r\n\r\n",
		"\tNo colon first line with leading tab\r\nFoo: foo\r\n\r\n",
		" First: line with leading space\r\nFoo: foo\r\n\r\n",
		"\tFirst: line with leading tab\r\nFoo: foo\r\n\r\n",
		"Foo: foo\r\nNo colon second line\r\n\r\n",
		"Foo-\n\tBar: foo\r\n\r\n",
		"Foo-\r\n\tBar: foo\r\n\r\n",
		"Foo\r\n\t: foo\r\n\r\n",
		"Foo-\n\tBar",
		"Foo \tBar: foo\r\n\r\n",
		": empty key\r\n\r\n",
		"a:\n 0 \r\nb:1 \t\r\nc: 2\r\n 3\t\n  \t 4  \r\n\n",
		"A: b\r\n\r\n" + strings.Repeat("\n", 4096),
		"", "\r\n", "\n", "A: v", "A: v\r\n", "A: v\r\n\r", "A: v\r\n ", "A: v\r\n \r\n", "A: v\r\n \r\n\r\n",
		"A: v\r\n  continued\r\n  still continued\r\nB: v\r\n\r\n",
		"A: v\r\n\r\nB: v\r\nC: v\r\n",
		"A:v\r\nA: w\r\na: x\r\n\r\n",
		"A: " + strings.Repeat("y", 5000) + "\r\n\r\nrest",
		"A: x\r\n" + strings.Repeat(" ", 5000) + "y\r\n\r\n",
		" " + strings.Repeat("z", 79) + "\r\n\r\n",
		" " + strings.Repeat("z", 80) + "\r\n\r\n",
		"\t" + strings.Repeat("z", 100) + "\r\n\r\n",
		" short\n",
		" eof",
		"X: a\x00b\r\n\r\n", "X: \x7f\r\n\r\n", "X: \xff\xfe\r\n\r\n", "X: caf\xc3\xa9\r\n\r\n",
		"X\x80: v\r\n\r\n", "X\xc3\xa9: v\r\n\r\n", "X-Y_z.w~1: v\r\n\r\n", "x-a-b-c: v\r\n\r\n", "X--A: v\r\n\r\n",
		"Host: a\r\nhost: b\r\nHOST: c\r\n\r\n",
		"A: 1\r\nB: 2\r\n\r\nC: 3\r\n\r\n",
		"A:\r\n\r\n", "A:  \t \r\n\r\n", "A: \r\n\tb\r\n\r\n",
		"A: v\r\n\tw\r\n x\r\n\r\n",
		"A: v\r\n" + "\t\t\t\r\n" + "\r\n",
	}
	for i := 0; i <= 0xff; i++ {
		inputs = append(inputs, "Foo"+string(rune(i))+"Bar: foo\r\n\r\n", "Foo: foo"+string(rune(i))+"bar\r\n\r\n")
	}
	type mc struct {
		In     string
		Header map[string][]string
		Err    string
		Rest   string
	}
	var mcs []mc
	for _, in := range inputs {
		br := bufio.NewReader(strings.NewReader(in))
		h, err := NewReader(br).ReadMIMEHeader()
		e := ""
		if err != nil {
			e = err.Error()
			h = nil
		}
		rest, _ := io.ReadAll(br)
		mcs = append(mcs, mc{b2s(in), hdrj(h), e, b2s(string(rest))})
	}
	type lim struct {
		In                    string
		MaxMemory, MaxHeaders int64
		Header                map[string][]string
		Err                   string
	}
	var lims []lim
	for _, l := range []struct {
		in   string
		m, n int64
	}{
		{"A: 1\r\nB: 2\r\nC: 3\r\n\r\n", 1 << 20, 2}, {"A: 1\r\nB: 2\r\nC: 3\r\n\r\n", 1 << 20, 3},
		{"A: 1\r\nA: 2\r\nA: 3\r\n\r\n", 1 << 20, 2}, {"A: 12345\r\n\r\n", 400 + 200 + 1 + 5, 10},
		{"A: 12345\r\n\r\n", 400 + 200 + 1 + 4, 10}, {"Abc: 1\r\nAbc: 2\r\n\r\n", 400 + 200 + 3 + 2, 10},
		{"A: " + strings.Repeat("v", 1000) + "\r\n\r\n", 500, 10}, {"A: v\r\n " + strings.Repeat("w", 1000) + "\r\n\r\n", 700, 10},
	} {
		h, err := readMIMEHeader(NewReader(bufio.NewReader(strings.NewReader(l.in))), l.m, l.n)
		e := ""
		if err != nil {
			e = err.Error()
			h = nil
		}
		lims = append(lims, lim{l.in, l.m, l.n, hdrj(h), e})
	}
	type ck struct{ In, Out string }
	var cks []ck
	for _, tt := range canonicalHeaderKeyTests {
		cks = append(cks, ck{b2s(tt.in), b2s(CanonicalMIMEHeaderKey(tt.in))})
	}
	type lc struct {
		In    string
		Lines []string
		Err   string
	}
	var lcs []lc
	for _, in := range []string{"line1\nline2\n", "a\r\nb\r\n", "a\rb\n", "no newline", "", "\r\n\n", strings.Repeat("x", 5000) + "\r\ny", "a\r", strings.Repeat("x", 4095) + "\r\n" + "b\n"} {
		r := NewReader(bufio.NewReader(strings.NewReader(in)))
		var lines []string
		var e string
		for {
			l, err := r.ReadLine()
			if err != nil {
				e = err.Error()
				break
			}
			lines = append(lines, b2s(l))
		}
		lcs = append(lcs, lc{b2s(in), lines, e})
	}
	b, _ := json.MarshalIndent(map[string]any{"mime": mcs, "limits": lims, "canonical": cks, "lines": lcs}, "", " ")
	if err := os.WriteFile(filepath.Join(os.Getenv("KA_TESTDATA"), "textproto.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
