// fuzz-oracle: Go's own parsers on the fuzzer's inputs. Reads lines `<kind> <bufsize> <hex>`
// from stdin
// (kind: request, response, chunked) and writes one JSON line per input with what Go's
// http.ReadRequest, http.ReadResponse or httputil.NewChunkedReader made of the bytes: the
// parsed fields and the body, or the error text. Strings that are bytes on the wire (header
// names and values, method, proto, status) are hex-encoded so nothing is lost in JSON.
package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httputil"
	"os"
	"sort"
	"strconv"
	"strings"
)

type header [][2]any // [hex name, [hex values...]], sorted by name

func hexHeader(h http.Header) header {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := header{}
	for _, k := range keys {
		vs := []string{}
		for _, v := range h[k] {
			vs = append(vs, hex.EncodeToString([]byte(v)))
		}
		out = append(out, [2]any{hex.EncodeToString([]byte(k)), vs})
	}
	return out
}

func hexes(ss []string) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, hex.EncodeToString([]byte(s)))
	}
	return out
}

type body struct {
	Data    string `json:"data"`
	Err     string `json:"err"`
	Trailer header `json:"trailer"`
}

func readBody(r io.Reader, trailer func() http.Header) body {
	b, err := io.ReadAll(r)
	out := body{Data: hex.EncodeToString(b)}
	if err != nil {
		out.Err = err.Error()
	}
	out.Trailer = hexHeader(trailer())
	return out
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	for in.Scan() {
		kind, rest, _ := strings.Cut(in.Text(), " ")
		size, hx, _ := strings.Cut(rest, " ")
		n, err := strconv.Atoi(size)
		if err != nil {
			enc.Encode(map[string]any{"err": "bad size"})
			w.Flush()
			continue
		}
		raw, err := hex.DecodeString(hx)
		if err != nil {
			enc.Encode(map[string]any{"err": "bad hex"})
			w.Flush()
			continue
		}
		br := bufio.NewReaderSize(bytes.NewReader(raw), n)
		switch kind {
		case "request":
			req, err := http.ReadRequest(br)
			if err != nil {
				enc.Encode(map[string]any{"err": err.Error()})
				break
			}
			b := readBody(req.Body, func() http.Header { return req.Trailer })
			enc.Encode(map[string]any{
				"method":        hex.EncodeToString([]byte(req.Method)),
				"uri":           hex.EncodeToString([]byte(req.RequestURI)),
				"url":           hex.EncodeToString([]byte(req.URL.String())),
				"proto":         hex.EncodeToString([]byte(req.Proto)),
				"host":          hex.EncodeToString([]byte(req.Host)),
				"header":        hexHeader(req.Header),
				"contentLength": req.ContentLength,
				"te":            hexes(req.TransferEncoding),
				"close":         req.Close,
				"body":          b,
			})
		case "response":
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				enc.Encode(map[string]any{"err": err.Error()})
				break
			}
			b := readBody(resp.Body, func() http.Header { return resp.Trailer })
			enc.Encode(map[string]any{
				"status":        hex.EncodeToString([]byte(resp.Status)),
				"code":          resp.StatusCode,
				"proto":         hex.EncodeToString([]byte(resp.Proto)),
				"header":        hexHeader(resp.Header),
				"contentLength": resp.ContentLength,
				"te":            hexes(resp.TransferEncoding),
				"close":         resp.Close,
				"body":          b,
			})
		case "chunked":
			b, err := io.ReadAll(httputil.NewChunkedReader(br))
			out := map[string]any{"data": hex.EncodeToString(b), "err": ""}
			if err != nil {
				out["err"] = err.Error()
			}
			enc.Encode(out)
		default:
			enc.Encode(map[string]any{"err": "unknown kind " + kind})
		}
		w.Flush()
	}
}
