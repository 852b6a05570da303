// Command go-client-driver is the oracle of the client half of ka's conformance suite: it
// runs one scenario with Go's own http.Client and http.Transport and reports, per request,
// what happened (status, body digest, error, which connection carried it, as httptrace saw
// it). The TypeScript runner plays the server side with scripted raw-TCP peers and runs the
// same scenario with @ka/client; the two reports must agree.
//
// Protocol (one JSON document per line):
//
//	stdin  line 1     the scenario (see ../src/client-scenario.ts: DriverScenario)
//	stdout            {"event":"checkpoint","name":"..."} for every checkpoint step; the
//	                  driver then waits for one line on stdin (the runner's acknowledgement)
//	stdout            {"event":"result","outcomes":[...],"logs":[...]} when the plan is done;
//	                  after one more line on stdin the driver closes what it still holds
//	                  (bodies left open on purpose, idle connections) and exits 0.
//
// Standard library only. Durations in the scenario are milliseconds.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
)

type transportOpts struct {
	DisableKeepAlives      bool  `json:"disableKeepAlives"`
	DisableCompression     bool  `json:"disableCompression"`
	MaxIdleConns           int   `json:"maxIdleConns"`
	MaxIdleConnsPerHost    int   `json:"maxIdleConnsPerHost"`
	MaxConnsPerHost        int   `json:"maxConnsPerHost"`
	IdleConnTimeout        int   `json:"idleConnTimeout"`
	ResponseHeaderTimeout  int   `json:"responseHeaderTimeout"`
	ExpectContinueTimeout  int   `json:"expectContinueTimeout"`
	MaxResponseHeaderBytes int64 `json:"maxResponseHeaderBytes"`
	DialDelays             []int `json:"dialDelays"`
}

type clientOpts struct {
	Timeout      int    `json:"timeout"`
	Redirects    string `json:"redirects"`    // follow (default) | use-last | error
	RoundTripper string `json:"roundTripper"` // "" (the Transport) | nil-body | nil-response
}

type bodySpec struct {
	Kind       string   `json:"kind"` // bytes | bytes-no-getbody | reader | stream | empty-stream
	Data       string   `json:"data"`
	Chunks     []string `json:"chunks"`
	FirstDelay int      `json:"firstDelay"`
	Delay      int      `json:"delay"`
}

type reqSpec struct {
	Name           string      `json:"name"`
	Method         string      `json:"method"`
	RawMethod      string      `json:"rawMethod"`
	URL            string      `json:"url"`
	Headers        [][2]string `json:"headers"`
	Host           string      `json:"host"`
	Close          bool        `json:"close"`
	RequestURI     string      `json:"requestURI"`
	Body           *bodySpec   `json:"body"`
	Read           string      `json:"read"` // all | eof-no-close | close | none | partial | close-then-read
	ReadBytes      int         `json:"readBytes"`
	CancelAfter    int         `json:"cancelAfter"`
	CancelHow      string      `json:"cancelHow"` // context (default) | transport
	CloseIdleAfter int         `json:"closeIdleAfter"`
	StartAfter     int         `json:"startAfter"`
	Via            string      `json:"via"` // client (default) | transport
	Trace1xx       bool        `json:"trace1xx"`
	TraceEvents    bool        `json:"traceEvents"`
	ReadTrailers   bool        `json:"readTrailers"`
}

type step struct {
	Request    *reqSpec  `json:"request"`
	Parallel   []reqSpec `json:"parallel"`
	Wait       int       `json:"wait"`
	CloseIdle  bool      `json:"closeIdle"`
	Checkpoint string    `json:"checkpoint"`
}

type scenario struct {
	Transport transportOpts `json:"transport"`
	Client    clientOpts    `json:"client"`
	Steps     []step        `json:"steps"`
}

type errInfo struct {
	Text    string   `json:"text"`
	Timeout bool     `json:"timeout"`
	Flags   []string `json:"flags"`
}

type connInfo struct {
	Port    int  `json:"port"`
	Reused  bool `json:"reused"`
	WasIdle bool `json:"wasIdle"`
}

type bodyInfo struct {
	Len    int    `json:"len"`
	Sha256 string `json:"sha256"`
	Text   string `json:"text,omitempty"`
}

type outcome struct {
	Name           string     `json:"name"`
	Status         int        `json:"status"`
	Proto          string     `json:"proto,omitempty"`
	Headers        []string   `json:"headers,omitempty"`
	ContentLength  *int64     `json:"contentLength,omitempty"`
	Close          bool       `json:"close"`
	Uncompressed   bool       `json:"uncompressed"`
	Body           *bodyInfo  `json:"body,omitempty"`
	Err            *errInfo   `json:"err,omitempty"`
	BodyErr        *errInfo   `json:"bodyErr,omitempty"`
	ReadAfterClose *errInfo   `json:"readAfterClose,omitempty"`
	Conns          []connInfo `json:"conns"`
	PutIdle        []string   `json:"putIdle"`
	Got1xx         []int      `json:"got1xx,omitempty"`
	TrailerBefore  []string   `json:"trailerBefore,omitempty"`
	Trailer        []string   `json:"trailer,omitempty"`
	ReqBodyCloses  *int       `json:"reqBodyCloses,omitempty"`
	Events         []string   `json:"events,omitempty"`

	mu      sync.Mutex
	closes  *atomic.Int32
	pending io.Closer // a body left open on purpose, closed at the very end
}

// latin1 turns a JSON string whose characters are all below 256 into those bytes.
func latin1(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}

// describe reports an error: its text, Timeout(), and which well-known errors it wraps.
func describe(err error) *errInfo {
	if err == nil {
		return nil
	}
	info := &errInfo{Text: err.Error(), Flags: []string{}}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		info.Timeout = true
	}
	add := func(ok bool, flag string) {
		if ok {
			info.Flags = append(info.Flags, flag)
		}
	}
	add(errors.Is(err, context.Canceled), "canceled")
	add(errors.Is(err, context.DeadlineExceeded), "deadline")
	add(errors.Is(err, io.EOF), "eof")
	add(errors.Is(err, io.ErrUnexpectedEOF), "unexpected-eof")
	add(errors.Is(err, syscall.ECONNRESET), "econnreset")
	add(errors.Is(err, syscall.ECONNREFUSED), "econnrefused")
	add(errors.Is(err, syscall.EPIPE), "epipe")
	add(errors.Is(err, net.ErrClosed), "net-closed")
	add(errors.Is(err, http.ErrSchemeMismatch), "scheme-mismatch")
	return info
}

// countingCloser counts Close calls of a request body.
type countingCloser struct {
	io.Reader
	n *atomic.Int32
}

func (c countingCloser) Close() error { c.n.Add(1); return nil }

// emptyStream is a reader of unknown length that is empty (not an in-memory reader Go knows).
type emptyStream struct{}

func (emptyStream) Read([]byte) (int, error) { return 0, io.EOF }

// chunkStream yields its chunks one Read at a time, sleeping before each.
type chunkStream struct {
	chunks     [][]byte
	firstDelay time.Duration
	delay      time.Duration
	i          int
}

func (s *chunkStream) Read(p []byte) (int, error) {
	if s.i >= len(s.chunks) {
		return 0, io.EOF
	}
	d := s.delay
	if s.i == 0 {
		d = s.firstDelay
	}
	if d > 0 {
		time.Sleep(d)
	}
	c := s.chunks[s.i]
	n := copy(p, c)
	if n < len(c) {
		s.chunks[s.i] = c[n:]
	} else {
		s.i++
	}
	return n, nil
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

type driver struct {
	sc       scenario
	tr       *http.Transport
	client   *http.Client
	in       *bufio.Reader
	outMu    sync.Mutex
	outcomes []*outcome
	dials    atomic.Int32
	logMu    sync.Mutex
	logs     []string
}

func (d *driver) Write(p []byte) (int, error) {
	d.logMu.Lock()
	defer d.logMu.Unlock()
	d.logs = append(d.logs, strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (d *driver) emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	d.outMu.Lock()
	os.Stdout.Write(append(b, '\n'))
	d.outMu.Unlock()
}

func (d *driver) waitAck() {
	if _, err := d.in.ReadString('\n'); err != nil {
		os.Exit(3) // the runner went away
	}
}

type nilBodyRT struct{}

func (nilBodyRT) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}}, nil
}

type nilResponseRT struct{}

func (nilResponseRT) RoundTrip(*http.Request) (*http.Response, error) { return nil, nil }

var errNoRedirects = errors.New("redirects refused by policy")

func (d *driver) setup() {
	t := d.sc.Transport
	dialer := &net.Dialer{}
	d.tr = &http.Transport{
		DisableKeepAlives:      t.DisableKeepAlives,
		DisableCompression:     t.DisableCompression,
		MaxIdleConns:           t.MaxIdleConns,
		MaxIdleConnsPerHost:    t.MaxIdleConnsPerHost,
		MaxConnsPerHost:        t.MaxConnsPerHost,
		IdleConnTimeout:        ms(t.IdleConnTimeout),
		ResponseHeaderTimeout:  ms(t.ResponseHeaderTimeout),
		ExpectContinueTimeout:  ms(t.ExpectContinueTimeout),
		MaxResponseHeaderBytes: t.MaxResponseHeaderBytes,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			i := int(d.dials.Add(1)) - 1
			if i < len(t.DialDelays) && t.DialDelays[i] > 0 {
				select {
				case <-time.After(ms(t.DialDelays[i])):
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}
	d.client = &http.Client{Transport: d.tr, Timeout: ms(d.sc.Client.Timeout)}
	switch d.sc.Client.RoundTripper {
	case "nil-body":
		d.client.Transport = nilBodyRT{}
	case "nil-response":
		d.client.Transport = nilResponseRT{}
	}
	switch d.sc.Client.Redirects {
	case "use-last":
		d.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	case "error":
		d.client.CheckRedirect = func(*http.Request, []*http.Request) error { return errNoRedirects }
	}
}

func makeBody(b *bodySpec, closes *atomic.Int32) (io.Reader, bool) {
	if b == nil {
		return nil, false
	}
	switch b.Kind {
	case "bytes", "bytes-no-getbody":
		return strings.NewReader(string(latin1(b.Data))), false
	case "reader":
		return countingCloser{strings.NewReader(string(latin1(b.Data))), closes}, true
	case "empty-stream":
		return countingCloser{emptyStream{}, closes}, true
	case "stream":
		cs := &chunkStream{firstDelay: ms(b.FirstDelay), delay: ms(b.Delay)}
		for _, c := range b.Chunks {
			cs.chunks = append(cs.chunks, latin1(c))
		}
		return countingCloser{cs, closes}, true
	}
	panic("unknown body kind " + b.Kind)
}

func headerLines(h http.Header) []string {
	lines := []string{}
	for k, vv := range h {
		for _, v := range vv {
			lines = append(lines, k+": "+v)
		}
	}
	sort.Strings(lines)
	return lines
}

func trailerKeys(h http.Header) []string {
	keys := []string{}
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func digest(b []byte) *bodyInfo {
	sum := sha256.Sum256(b)
	info := &bodyInfo{Len: len(b), Sha256: hex.EncodeToString(sum[:])}
	if len(b) <= 256 && utf8.Valid(b) {
		info.Text = string(b)
	}
	return info
}

func (d *driver) run(r reqSpec) *outcome {
	o := &outcome{Name: r.Name, Conns: []connInfo{}, PutIdle: []string{}}
	if r.StartAfter > 0 {
		time.Sleep(ms(r.StartAfter))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() {
		if o.pending == nil {
			cancel()
		}
	}()
	o.closes = &atomic.Int32{}
	body, counted := makeBody(r.Body, o.closes)
	method := r.Method
	if method == "" {
		method = "GET"
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL, body)
	if err != nil {
		o.Err = describe(err)
		return o
	}
	if r.Body != nil && r.Body.Kind == "bytes-no-getbody" {
		req.GetBody = nil
	}
	if counted {
		n := 0
		o.ReqBodyCloses = &n
	}
	if r.RawMethod != "" {
		req.Method = r.RawMethod
	}
	for _, kv := range r.Headers {
		req.Header.Add(kv[0], kv[1])
	}
	if r.Host != "" {
		req.Host = r.Host
	}
	req.Close = r.Close
	req.RequestURI = r.RequestURI

	note := func(ev string) {
		if r.TraceEvents {
			o.mu.Lock()
			o.Events = append(o.Events, ev)
			o.mu.Unlock()
		}
	}
	trace := &httptrace.ClientTrace{
		GetConn: func(string) { note("getConn") },
		GotConn: func(info httptrace.GotConnInfo) {
			port := 0
			if a, ok := info.Conn.LocalAddr().(*net.TCPAddr); ok {
				port = a.Port
			}
			o.mu.Lock()
			o.Conns = append(o.Conns, connInfo{Port: port, Reused: info.Reused, WasIdle: info.WasIdle})
			o.mu.Unlock()
			note("gotConn")
		},
		PutIdleConn: func(err error) {
			s := "ok"
			if err != nil {
				s = err.Error()
			}
			o.mu.Lock()
			o.PutIdle = append(o.PutIdle, s)
			o.mu.Unlock()
			note("putIdleConn")
		},
		WroteHeaders:         func() { note("wroteHeaders") },
		Wait100Continue:      func() { note("wait100Continue") },
		Got100Continue:       func() { note("got100Continue") },
		WroteRequest:         func(httptrace.WroteRequestInfo) { note("wroteRequest") },
		GotFirstResponseByte: func() { note("gotFirstResponseByte") },
	}
	if r.Trace1xx {
		trace.Got1xxResponse = func(code int, _ textproto.MIMEHeader) error {
			o.mu.Lock()
			o.Got1xx = append(o.Got1xx, code)
			o.mu.Unlock()
			note(fmt.Sprintf("got1xx %d", code))
			return nil
		}
	}
	req = req.WithContext(httptrace.WithClientTrace(ctx, trace))

	if r.CancelAfter > 0 {
		t := time.AfterFunc(ms(r.CancelAfter), func() {
			if r.CancelHow == "transport" {
				d.tr.CancelRequest(req)
			} else {
				cancel()
			}
		})
		defer t.Stop()
	}

	if r.CloseIdleAfter > 0 {
		t := time.AfterFunc(ms(r.CloseIdleAfter), d.client.CloseIdleConnections)
		defer t.Stop()
	}

	var resp *http.Response
	if r.Via == "transport" {
		resp, err = d.tr.RoundTrip(req)
	} else {
		resp, err = d.client.Do(req)
	}
	o.Err = describe(err)
	if resp == nil {
		return o
	}
	o.Status = resp.StatusCode
	o.Proto = resp.Proto
	o.Headers = headerLines(resp.Header)
	cl := resp.ContentLength
	o.ContentLength = &cl
	o.Close = resp.Close
	o.Uncompressed = resp.Uncompressed
	if resp.Trailer != nil {
		o.TrailerBefore = trailerKeys(resp.Trailer)
	}
	if err != nil {
		// Go returns the last response with its body closed when CheckRedirect failed.
		return o
	}

	read := r.Read
	if read == "" {
		read = "all"
	}
	readAll := func() {
		b, rerr := io.ReadAll(resp.Body)
		o.Body = digest(b)
		o.BodyErr = describe(rerr)
	}
	switch read {
	case "all":
		readAll()
		resp.Body.Close()
	case "eof-no-close":
		readAll()
		o.pending = resp.Body
	case "close":
		resp.Body.Close()
	case "none":
		o.pending = resp.Body
	case "partial":
		buf := make([]byte, r.ReadBytes)
		n, rerr := io.ReadFull(resp.Body, buf)
		o.Body = digest(buf[:n])
		o.BodyErr = describe(rerr)
		resp.Body.Close()
	case "close-then-read":
		resp.Body.Close()
		_, rerr := resp.Body.Read(make([]byte, 16))
		o.ReadAfterClose = describe(rerr)
	default:
		panic("unknown read mode " + read)
	}
	if resp.Trailer != nil && (read == "all" || read == "eof-no-close") {
		o.Trailer = headerLines(resp.Trailer)
	}
	if o.pending != nil {
		// keep the context alive with the body; cancel when it is finally closed
		o.pending = closerFunc(func() error {
			err := resp.Body.Close()
			cancel()
			return err
		})
	}
	return o
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func (d *driver) exec() {
	for _, s := range d.sc.Steps {
		switch {
		case s.Request != nil:
			d.outcomes = append(d.outcomes, d.run(*s.Request))
		case len(s.Parallel) > 0:
			res := make([]*outcome, len(s.Parallel))
			var wg sync.WaitGroup
			for i := range s.Parallel {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					res[i] = d.run(s.Parallel[i])
				}(i)
			}
			wg.Wait()
			d.outcomes = append(d.outcomes, res...)
		case s.Wait > 0:
			time.Sleep(ms(s.Wait))
		case s.CloseIdle:
			d.client.CloseIdleConnections()
		case s.Checkpoint != "":
			d.emit(map[string]string{"event": "checkpoint", "name": s.Checkpoint})
			d.waitAck()
		}
	}
}

func main() {
	log.SetFlags(0)
	d := &driver{in: bufio.NewReaderSize(os.Stdin, 1<<20)}
	log.SetOutput(d)
	line, err := d.in.ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(os.Stderr, "go-client-driver: no scenario on stdin")
		os.Exit(2)
	}
	if err := json.Unmarshal([]byte(line), &d.sc); err != nil {
		fmt.Fprintln(os.Stderr, "go-client-driver: bad scenario:", err)
		os.Exit(2)
	}
	d.setup()
	d.exec()
	// Let trace hooks that run after a body's EOF (PutIdleConn) land.
	time.Sleep(20 * time.Millisecond)
	for _, o := range d.outcomes {
		if o.ReqBodyCloses != nil {
			n := int(o.closes.Load())
			o.ReqBodyCloses = &n
		}
	}
	d.logMu.Lock()
	logs := append([]string{}, d.logs...)
	d.logMu.Unlock()
	for _, o := range d.outcomes {
		o.mu.Lock()
	}
	d.emit(map[string]any{"event": "result", "outcomes": d.outcomes, "logs": logs})
	for _, o := range d.outcomes {
		o.mu.Unlock()
	}
	d.waitAck()
	for _, o := range d.outcomes {
		if o.pending != nil {
			o.pending.Close()
		}
	}
	d.tr.CloseIdleConnections()
}
