// Oracle, package net/http/internal: the chunked reader and writer.
package internal

import (
	"bufio"
	"bytes"
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

func TestKaDumpChunked(t *testing.T) {
	type rc struct {
		In, Data, Err, Rest string
	}
	inputs := []string{
		"7\r\nhello, \r\n17\r\nworld! 0123456789abcdef\r\n0\r\n",
		"3\r\nfoo\r\n3\r\nbar\r\n0\r\n",
		"7;ext=\"some quoted string\"\r\nhello, \r\n17;someext\r\nworld! 0123456789abcdef\r\n0;someextension=sometoken\r\n",
		"4\r\nabcd\r\n5\r\nabc\r\n\r\n0\r\n",
		"1\na\r\n0\r\n", "1\r\r\na\r\n0\r\n", "1\r\na\n0\r\n", "1\r\na\r\r\n0\r\n", "1\r\na\r\n0\n", "1\r\na\r\n0\r\r\n",
		"0\r\nTrailer: x\r\n\r\n", "0\r\n\r\nnext request", "A\r\n0123456789\r\n0\r\n", "a \t\r\n0123456789\r\n0\r\n",
		"5 ;x\r\nhello\r\n0\r\n", "zz\r\nhello\r\n0\r\n", "\r\nhello\r\n0\r\n", "5\r\nhelloXX0\r\n",
		"00000000000000005\r\nhello\r\n0\r\n", "0000000000000005\r\nhello\r\n0\r\n", "-5\r\nhello\r\n0\r\n", "+5\r\nhello\r\n0\r\n",
		"0x5\r\nhello\r\n0\r\n", "5\r\nhel", "5\r\nhello", "5\r\nhello\r", "5\r\nhello\r\n", "5\r\nhello\r\n0",
		"5;" + strings.Repeat("e", 4090) + "\r\nhello\r\n0\r\n", "5;" + strings.Repeat("e", 4091) + "\r\nhello\r\n0\r\n",
		"5;" + strings.Repeat("e", 4092) + "\r\nhello\r\n0\r\n", "5;" + strings.Repeat("e", 5000) + "\r\nhello\r\n0\r\n",
		strings.Repeat("1;"+strings.Repeat("a", 100)+"\r\nX\r\n", 200) + "0\r\n",
		strings.Repeat("1\r\nX\r\n", 3000) + "0\r\n",
		strings.Repeat("1;"+strings.Repeat("a", 17)+"\r\nX\r\n", 1000) + "0\r\n",
		"", "0", "0\r", "0\r\n", "0;x=1\r\n",
	}
	valid := "4\r\nabcd\r\n5\r\nabc\r\n\r\n0\r\n"
	for i := 0; i < len(valid); i++ {
		inputs = append(inputs, valid[:i])
	}
	var rcs []rc
	for _, in := range inputs {
		br := bufio.NewReader(strings.NewReader(in))
		data, err := io.ReadAll(NewChunkedReader(br))
		rest, _ := io.ReadAll(br)
		e := ""
		if err != nil {
			e = err.Error()
		}
		rcs = append(rcs, rc{b2s(in), b2s(string(data)), e, b2s(string(rest))})
	}
	type hx struct {
		In  string
		N   uint64
		Err string
	}
	var hxs []hx
	for _, in := range []string{"x", "0000000000000000", "0000000000000001", "ffffffffffffffff", "000000000000bogus",
		"00000000000000000", "10000000000000000", "00000000000000001", "", "0", "a", "F", "1234", "dEaDbEeF", "1fffffffffffff", " 1", "1 "} {
		n, err := parseHexUint([]byte(in))
		e := ""
		if err != nil {
			e = err.Error()
		}
		hxs = append(hxs, hx{in, n, e})
	}
	type wc struct {
		Writes []string
		Out    string
	}
	var wcs []wc
	for _, ws := range [][]string{{"hello, ", "world! 0123456789abcdef"}, {"foo", "", "bar"}, {strings.Repeat("x", 4096)}, {}} {
		var b bytes.Buffer
		w := NewChunkedWriter(&b)
		for _, s := range ws {
			w.Write([]byte(s))
		}
		w.Close()
		wcs = append(wcs, wc{ws, b.String()})
	}
	b, _ := json.MarshalIndent(map[string]any{"read": rcs, "hex": hxs, "write": wcs}, "", " ")
	if err := os.WriteFile(filepath.Join(os.Getenv("KA_TESTDATA"), "chunked.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
