// Command go-reference is the oracle of ka's conformance suite: the reference app of
// /work/shared/conformance/REFERENCE_APP.md implemented with Go's standard library only.
//
// It is deliberately plain net/http: an http.Server whose fields come from flags, a
// ServeMux with Go 1.22+ patterns, and handlers that do exactly what the contract says.
// Whatever bytes it puts on the wire are, by definition, the expected bytes.
//
// Additions to the contract (documented in ../README.md):
//
//	--conn-state-log   print every ConnState transition to stderr as
//	                   "connstate <remote> <state>"
//	invalid {n}/{ms}/{code} path values answer http.Error(w, "invalid parameter", 400)
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Upper bounds of the numeric path values, so that a stray request cannot make the
// reference allocate or sleep without limit.
const (
	maxBytes      = 64 << 20
	maxStream     = 10000
	maxSleepMs    = 60000
	maxRedirects  = 100
	writeChunk    = 1024
	invalidParam  = "invalid parameter"
	shutdownGrace = 5 * time.Second
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	readTimeout := flag.Duration("read-timeout", 0, "http.Server.ReadTimeout")
	readHeaderTimeout := flag.Duration("read-header-timeout", 0, "http.Server.ReadHeaderTimeout")
	writeTimeout := flag.Duration("write-timeout", 0, "http.Server.WriteTimeout")
	idleTimeout := flag.Duration("idle-timeout", 0, "http.Server.IdleTimeout")
	maxHeaderBytes := flag.Int("max-header-bytes", 0, "http.Server.MaxHeaderBytes")
	disableKeepAlives := flag.Bool("disable-keep-alives", false, "call SetKeepAlivesEnabled(false) before serving")
	connStateLog := flag.Bool("conn-state-log", false, "log ConnState transitions to stderr")
	flag.Parse()

	srv := &http.Server{
		Handler:           newMux(),
		ReadTimeout:       *readTimeout,
		ReadHeaderTimeout: *readHeaderTimeout,
		WriteTimeout:      *writeTimeout,
		IdleTimeout:       *idleTimeout,
		MaxHeaderBytes:    *maxHeaderBytes,
	}
	if *connStateLog {
		srv.ConnState = func(c net.Conn, s http.ConnState) {
			fmt.Fprintf(os.Stderr, "connstate %s %s\n", c.RemoteAddr(), s)
		}
	}
	if *disableKeepAlives {
		srv.SetKeepAlivesEnabled(false)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case <-sigs:
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			log.Printf("shutdown: %v", err)
		}
		os.Exit(0)
	case err := <-served:
		log.Fatalf("serve: %v", err)
	}
}

// pathInt reads the path value name as a decimal integer in [lo, hi].
func pathInt(r *http.Request, name string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(r.PathValue(name))
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

func newMux() *http.ServeMux {
	gz := gzipOf("hello gzip\n")
	mux := http.NewServeMux()

	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello\n")
	})

	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		io.Copy(w, r.Body)
	})

	mux.HandleFunc("GET /bytes/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, ok := pathInt(r, "n", 0, maxBytes)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		writeAs(w, n)
	})

	mux.HandleFunc("GET /sized/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, ok := pathInt(r, "n", 0, maxBytes)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		writeAs(w, n)
	})

	mux.HandleFunc("GET /stream/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, ok := pathInt(r, "n", 0, maxStream)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		f, _ := w.(http.Flusher)
		for i := 0; i < n; i++ {
			fmt.Fprintf(w, "chunk %d\n", i)
			if f != nil {
				f.Flush()
			}
		}
	})

	mux.HandleFunc("GET /status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, ok := pathInt(r, "code", 100, 999)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		w.WriteHeader(code)
	})

	mux.HandleFunc("POST /ignore-body", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})

	mux.HandleFunc("GET /close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye\n")
	})

	mux.HandleFunc("GET /sleep/{ms}", func(w http.ResponseWriter, r *http.Request) {
		ms, ok := pathInt(r, "ms", 0, maxSleepMs)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		io.WriteString(w, "slept\n")
	})

	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		panic("go-reference: deliberate panic")
	})

	mux.HandleFunc("GET /abort", func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	})

	mux.HandleFunc("GET /headers", func(w http.ResponseWriter, r *http.Request) {
		keys := make([]string, 0, len(r.Header))
		for k := range r.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			for _, v := range r.Header[k] {
				b.WriteString(k + ": " + v + "\n")
			}
		}
		io.WriteString(w, b.String())
	})

	mux.HandleFunc("GET /conn", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.RemoteAddr+"\n")
	})

	mux.HandleFunc("GET /trailers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		io.WriteString(w, "body\n")
		w.Header().Set("X-Checksum", "abc")
	})

	mux.HandleFunc("GET /hijack", func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "hijack not supported", http.StatusInternalServerError)
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			return
		}
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhijacked\n")
		conn.Close()
	})

	mux.HandleFunc("/expect", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "%d\n", n)
	})

	mux.HandleFunc("GET /flush-empty", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	})

	mux.HandleFunc("/method", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s %s\n", r.Method, r.RequestURI, r.Proto)
	})

	mux.HandleFunc("GET /redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, ok := pathInt(r, "n", 0, maxRedirects)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		if n == 0 {
			io.WriteString(w, "done\n")
			return
		}
		http.Redirect(w, r, "/redirect/"+strconv.Itoa(n-1), http.StatusFound)
	})

	mux.HandleFunc("GET /gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz)
	})

	return mux
}

// writeAs writes n bytes of 'a', at most writeChunk bytes per Write call, and stops at
// the first write error (a gone client or an exceeded Content-Length).
func writeAs(w http.ResponseWriter, n int) {
	buf := bytes.Repeat([]byte{'a'}, writeChunk)
	for n > 0 {
		k := min(n, writeChunk)
		if _, err := w.Write(buf[:k]); err != nil {
			return
		}
		n -= k
	}
}

func gzipOf(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.Bytes()
}
