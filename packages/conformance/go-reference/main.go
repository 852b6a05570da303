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
//	SIGUSR2            Close (not Shutdown), then exit 0
//	/x/...             extra handlers for entries no contract route can show (see addExtras)
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
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
	"sync"
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
	upgradedGrace = 2 * time.Second
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

	upgraded := &upgradedConns{}
	mux := newMux()
	addExtras(mux, upgraded)
	srv := &http.Server{
		Handler:           mux,
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
	// Shutdown leaves hijacked connections alone; its hooks are how an app reaches them.
	srv.RegisterOnShutdown(upgraded.notifyShutdown)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR2)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case sig := <-sigs:
		if sig == syscall.SIGUSR2 {
			if err := srv.Close(); err != nil {
				log.Printf("close: %v", err)
			}
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				log.Printf("shutdown: %v", err)
			}
		}
		// Neither Shutdown nor Close waits for hijacked connections: give the upgraded ones
		// a moment to be closed by their clients before the process exit cuts them off.
		upgraded.wait(upgradedGrace)
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

	mux.HandleFunc("/expect", countBody)

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

// countBody reads the whole request body and writes how many bytes it read (also when the
// read ended in an error).
func countBody(w http.ResponseWriter, r *http.Request) {
	n, _ := io.Copy(io.Discard, r.Body)
	fmt.Fprintf(w, "%d\n", n)
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

// addExtras registers the /x/ routes: handlers for catalog entries that no route of the
// contract can show (a misdeclared length, handler-set framing headers, deadlines, body
// limits, an upgrade, more mux patterns). Each is listed in ../README.md.
// unwrapWriter hides every optional method of the writer it wraps; only Unwrap leads to them.
type unwrapWriter struct{ http.ResponseWriter }

func (u *unwrapWriter) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// bareWriter is a ResponseWriter with no optional methods and nothing to unwrap.
type bareWriter struct{}

func (bareWriter) Header() http.Header         { return http.Header{} }
func (bareWriter) Write(p []byte) (int, error) { return len(p), nil }
func (bareWriter) WriteHeader(int)             {}

func addExtras(mux *http.ServeMux, upgraded *upgradedConns) {
	// SRV-93: ResponseController finds Flush through Unwrap; a bare writer has none.
	mux.HandleFunc("GET /x/rc-unwrap", func(w http.ResponseWriter, r *http.Request) {
		ww := &unwrapWriter{w}
		io.WriteString(ww, "part1\n")
		err := http.NewResponseController(ww).Flush()
		fmt.Fprintf(ww, "flush err=%v\n", err)
		err = http.NewResponseController(bareWriter{}).Flush()
		fmt.Fprintf(ww, "bare notsupported=%v\n", errors.Is(err, http.ErrNotSupported))
	})

	// SRV-38: TimeoutHandler (100 ms, default message) around a sleep of {ms}.
	mux.Handle("GET /x/timeout-handler/{ms}", http.TimeoutHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}), 100*time.Millisecond, ""))

	// SRV-05: declares 10 bytes, writes 5.
	mux.HandleFunc("GET /x/short-cl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "12345")
	})

	// SRV-06: declares 3 bytes, then writes 5 in one call (refused with ErrContentLength).
	mux.HandleFunc("GET /x/long-cl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "3")
		io.WriteString(w, "12345")
	})

	// SRV-16: the handler says keep-alive itself.
	mux.HandleFunc("GET /x/conn-keep-alive", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "keep-alive")
		io.WriteString(w, "ok")
	})

	// SRV-19: a second WriteHeader is ignored; a code outside 100..999 panics.
	mux.HandleFunc("GET /x/write-header-twice", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "first\n")
	})
	mux.HandleFunc("GET /x/write-header-invalid", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(1000)
	})

	// SRV-80: a handler-set Transfer-Encoding (identity, chunked or gzip), then "stream".
	mux.HandleFunc("GET /x/te/{te}", func(w http.ResponseWriter, r *http.Request) {
		te := r.PathValue("te")
		switch te {
		case "identity", "chunked", "gzip":
		default:
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		w.Header().Set("Transfer-Encoding", te)
		io.WriteString(w, "stream")
	})
	// SRV-80: Transfer-Encoding chunked and a Content-Length: the length is dropped.
	mux.HandleFunc("GET /x/te-cl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Transfer-Encoding", "chunked")
		w.Header().Set("Content-Length", "6")
		io.WriteString(w, "stream")
	})

	// SRV-88: "Trailer:"-prefixed keys set before the first write (early), after it (late),
	// or after a Flush (flush).
	mux.HandleFunc("GET /x/trailer-prefix/{mode}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("mode") {
		case "early":
			w.Header().Set(http.TrailerPrefix+"X-Early", "e")
			io.WriteString(w, "body")
		case "late":
			io.WriteString(w, "body")
			w.Header().Set(http.TrailerPrefix+"X-Late", "l")
		case "flush":
			io.WriteString(w, "body")
			w.(http.Flusher).Flush()
			w.Header().Set(http.TrailerPrefix+"X-Late", "l")
		default:
			http.Error(w, invalidParam, http.StatusBadRequest)
		}
	})

	// SRV-89: only headers present at WriteHeader are sent.
	mux.HandleFunc("GET /x/header-snapshot", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Early", "1")
		w.WriteHeader(http.StatusOK)
		w.Header().Set("X-Late", "1")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /x/header-late", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Header().Set("X-Late", "1")
		io.WriteString(w, "ok\n")
	})

	// SRV-37: a write deadline in the past, then a write and a flush.
	mux.HandleFunc("GET /x/write-deadline-past", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		rc.SetWriteDeadline(time.Now().Add(-time.Second))
		io.WriteString(w, "hello\n")
		rc.Flush()
	})
	// SRV-37: the read deadline set to now + {ms}, then the whole body read.
	mux.HandleFunc("POST /x/read-deadline/{ms}", func(w http.ResponseWriter, r *http.Request) {
		ms, ok := pathInt(r, "ms", 0, maxSleepMs)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Duration(ms) * time.Millisecond))
		n, err := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "n=%d timeout=%t\n", n, errors.Is(err, os.ErrDeadlineExceeded))
	})

	// SRV-64: reads one byte of the body and leaves the rest.
	mux.HandleFunc("POST /x/read-one", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.ReadFull(r.Body, make([]byte, 1))
		fmt.Fprintf(w, "n=%d\n", n)
	})

	// SRV-66: full duplex, answers without reading the body.
	mux.HandleFunc("POST /x/full-duplex", func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).EnableFullDuplex()
		io.WriteString(w, "fd")
	})

	// SRV-68: closes the request body before answering.
	mux.HandleFunc("POST /x/close-body", func(w http.ResponseWriter, r *http.Request) {
		r.Body.Close()
		io.WriteString(w, "closed")
	})

	// SRV-69: reads the body through MaxBytesReader(w, r.Body, {n}).
	mux.HandleFunc("POST /x/max-bytes/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, ok := pathInt(r, "n", 0, maxBytes)
		if !ok {
			http.Error(w, invalidParam, http.StatusBadRequest)
			return
		}
		got, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, int64(n)))
		var mbe *http.MaxBytesError
		fmt.Fprintf(w, "n=%d maxbytes=%t\n", got, errors.As(err, &mbe))
	})

	// SRV-110: StripPrefix and MaxBytesHandler.
	showPath := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "path=%s rawpath=%s\n", r.URL.Path, r.URL.RawPath)
	})
	mux.Handle("/x/strip/", http.StripPrefix("/x/strip", showPath))
	mux.Handle("/x/strip-other/", http.StripPrefix("/x/other", showPath))
	mux.Handle("POST /x/max-bytes-handler", http.MaxBytesHandler(http.HandlerFunc(countBody), 5))

	// SRV-111: the query as the form sees it, with and without AllowQuerySemicolons.
	form := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		fmt.Fprintf(&b, "keys=%d\n", len(keys))
		for _, k := range keys {
			fmt.Fprintf(&b, "%s=%v\n", k, q[k])
		}
		io.WriteString(w, b.String())
	})
	mux.Handle("GET /x/form", form)
	mux.Handle("GET /x/form-semicolons", http.AllowQuerySemicolons(form))

	// SRV-113 (and SRV-26, SRV-27, SRV-31): 101 Switching Protocols with Connection: Upgrade,
	// then the hijacked connection echoes lines until the client closes it.
	mux.HandleFunc("GET /x/upgrade", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "Upgrade")
		w.Header().Set("Upgrade", "ka-echo")
		w.WriteHeader(http.StatusSwitchingProtocols)
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		upgraded.add(conn)
		defer upgraded.remove(conn)
		defer conn.Close()
		for {
			line, err := brw.ReadString('\n')
			if len(line) > 0 {
				if _, werr := io.WriteString(conn, line); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})

	// SRV-92: after Hijack, Write and a second Hijack fail with ErrHijacked, WriteHeader does
	// nothing; the handler reports both errors on the raw connection.
	mux.HandleFunc("GET /x/hijack-misuse", func(w http.ResponseWriter, r *http.Request) {
		hj := w.(http.Hijacker)
		conn, _, err := hj.Hijack()
		if err != nil {
			return
		}
		_, werr := io.WriteString(w, "x")
		w.WriteHeader(http.StatusInternalServerError)
		_, _, herr := hj.Hijack()
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nwrite: %v\nhijack: %v\n", werr, herr)
		conn.Close()
	})

	// SRV-101: a literal segment beats a wildcard.
	mux.HandleFunc("GET /x/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "item %s\n", r.PathValue("id"))
	})
	mux.HandleFunc("GET /x/items/new", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "new item\n")
	})
	// SRV-103: a subtree; /x/tree is redirected to /x/tree/.
	mux.HandleFunc("/x/tree/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "tree %s\n", r.URL.Path)
	})
	// SRV-101, SRV-106: a host pattern beats a host-less one; the port is ignored.
	mux.HandleFunc("/x/host", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "any host\n")
	})
	mux.HandleFunc("example.com/x/host", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "example.com\n")
	})
}

// upgradedConns are the connections /x/upgrade hijacked: Shutdown and Close leave them
// alone, so the app tells them about a Shutdown itself (a RegisterOnShutdown hook) and waits
// a moment for them to end before exiting.
type upgradedConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func (u *upgradedConns) add(c net.Conn) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.conns == nil {
		u.conns = make(map[net.Conn]struct{})
	}
	u.conns[c] = struct{}{}
	u.wg.Add(1)
}

func (u *upgradedConns) remove(c net.Conn) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.conns, c)
	u.wg.Done()
}

// notifyShutdown is the RegisterOnShutdown hook: it writes "shutdown\n" to every upgraded
// connection (and leaves them open).
func (u *upgradedConns) notifyShutdown() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for c := range u.conns {
		io.WriteString(c, "shutdown\n")
	}
}

// wait returns once no upgraded connection is left, or after d.
func (u *upgradedConns) wait(d time.Duration) {
	done := make(chan struct{})
	go func() {
		u.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}
