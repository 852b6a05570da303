// Generates mux-oracle.json: random ServeMux registrations and requests, answered by Go's
// own net/http. serve-mux.test.ts replays them against the TypeScript ServeMux.
//
//	cd packages/http-server/src/mux/testdata && go run mux-oracle.go > mux-oracle.json
//
// Standard library only. The go version used is recorded in the output.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"strings"
)

type oracle struct {
	Go    string `json:"go"`
	Muxes []mux  `json:"muxes"`
}

// regs: [pattern, error ("" if registered)]
// reqs: [method, host, target, code, r.Pattern, Location, Allow, body, mux.Handler pattern]
type mux struct {
	Regs [][2]string `json:"regs"`
	Reqs [][]any     `json:"reqs"`
}

var registeredAt = regexp.MustCompile(`\(registered at [^)]*\)`)

func main() {
	rng := rand.New(rand.NewSource(7))
	pick := func(xs []string) string { return xs[rng.Intn(len(xs))] }
	methods := []string{"", "GET ", "POST ", "HEAD ", "CONNECT "}
	hosts := []string{"", "h1", "h1:80"}
	segs := []string{"/a", "/b", "/{x}", "/%61", "/c%2Fd", "/é"}
	finals := []string{"/a", "/{f}", "/{m...}", "/{$}", "/", ""}
	reqMethods := []string{"GET", "HEAD", "POST", "PUT", "CONNECT"}
	reqHosts := []string{"h1", "h1:80", "h2", "[::1]:80"}
	reqSegs := []string{"a", "b", "c", ".", "..", "", "%61", "c%2Fd", "%C3%A9", "x%20y"}

	out := oracle{Go: runtime.Version()}
	for k := 0; k < 25; k++ {
		m := http.NewServeMux()
		var o mux
		for i := 0; i < 12; i++ {
			p := pick(methods) + pick(hosts)
			wc := 0
			for j := rng.Intn(3); j > 0; j-- {
				s := pick(segs)
				if s == "/{x}" {
					s = fmt.Sprintf("/{x%d}", wc)
					wc++
				}
				p += s
			}
			p += pick(finals)
			if !strings.Contains(p, "/") {
				p += "/"
			}
			o.Regs = append(o.Regs, [2]string{p, register(m, p)})
		}
		for i := 0; i < 40; i++ {
			t := ""
			for j := rng.Intn(4); j > 0; j-- {
				t += "/" + pick(reqSegs)
			}
			if t == "" || rng.Intn(4) == 0 {
				t += "/"
			}
			if rng.Intn(5) == 0 {
				t += "?q=1;2"
			}
			method, host := pick(reqMethods), pick(reqHosts)
			raw := method + " " + t + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
			req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
			if err != nil {
				continue
			}
			_, hp := m.Handler(req)
			rr := httptest.NewRecorder()
			if !serve(m, rr, req) {
				continue // Go panics on some CONNECT paths with empty segments; skip them
			}
			h := rr.Header()
			o.Reqs = append(o.Reqs, []any{method, host, t, rr.Code, req.Pattern,
				h.Get("Location"), h.Get("Allow"), rr.Body.String(), hp})
		}
		out.Muxes = append(out.Muxes, o)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.Encode(out)
}

func register(m *http.ServeMux, p string) (msg string) {
	defer func() {
		if e := recover(); e != nil {
			msg = registeredAt.ReplaceAllString(fmt.Sprint(e), "(registered at X)")
		}
	}()
	m.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
		var vals []string
		for _, name := range []string{"x0", "x1", "f", "m"} {
			vals = append(vals, name+"="+r.PathValue(name))
		}
		fmt.Fprintf(w, "%s|%s", r.Pattern, strings.Join(vals, ","))
	})
	return ""
}

func serve(m *http.ServeMux, w http.ResponseWriter, r *http.Request) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	m.ServeHTTP(w, r)
	return true
}
