// Command loadgen drives an HTTP/1.1 server over loopback with raw TCP, so the load
// generator costs as little as possible and is the same for every server measured.
//
//	loadgen -addr 127.0.0.1:PORT -path /hello -conns 50 -requests 20000 [-close] [-idle 5000 -hold 2s]
//
// Keep-alive mode: -conns connections, each sending requests one after another until
// -requests have been answered in total. Close mode: every request on a new connection with
// "Connection: close". Idle mode: open -idle connections, one request each, keep them open
// for -hold, then close. Prints one JSON line.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Mode      string  `json:"mode"`
	Conns     int     `json:"conns"`
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	Seconds   float64 `json:"seconds"`
	RPS       float64 `json:"rps"`
	P50Micros float64 `json:"p50_us"`
	P99Micros float64 `json:"p99_us"`
	Idle      int     `json:"idle,omitempty"`
}

// readResponse reads one response with a Content-Length body (or until EOF when closing).
func readResponse(br *bufio.Reader, untilEOF bool) error {
	cl := -1
	first := true
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if first {
			if !bytes.HasPrefix(line, []byte("HTTP/1.1 200")) && !bytes.HasPrefix(line, []byte("HTTP/1.0 200")) {
				return fmt.Errorf("bad status %q", line)
			}
			first = false
			continue
		}
		if len(line) <= 2 {
			break
		}
		if len(line) > 16 && bytes.EqualFold(line[:15], []byte("Content-Length:")) {
			n, err := strconv.Atoi(string(bytes.TrimSpace(line[15:])))
			if err != nil {
				return err
			}
			cl = n
		}
	}
	if cl >= 0 {
		_, err := br.Discard(cl)
		return err
	}
	if untilEOF {
		_, err := io.Copy(io.Discard, br)
		return err
	}
	return fmt.Errorf("no Content-Length")
}

func pct(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d)-1) * p)
	return float64(d[i].Microseconds())
}

func main() {
	addr := flag.String("addr", "", "host:port")
	path := flag.String("path", "/hello", "request path")
	conns := flag.Int("conns", 50, "concurrent connections")
	requests := flag.Int64("requests", 20000, "total requests")
	closeMode := flag.Bool("close", false, "Connection: close on every request, new conn each")
	idle := flag.Int("idle", 0, "open this many idle keep-alive connections instead")
	hold := flag.Duration("hold", 2*time.Second, "how long to hold idle connections")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	flag.Parse()

	req := []byte("GET " + *path + " HTTP/1.1\r\nHost: bench\r\n\r\n")
	if *closeMode {
		req = []byte("GET " + *path + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
	}
	deadline := time.Now().Add(*timeout)

	if *idle > 0 {
		held := make([]net.Conn, 0, *idle)
		var errs int64
		for i := 0; i < *idle; i++ {
			c, err := net.Dial("tcp", *addr)
			if err != nil {
				errs++
				continue
			}
			c.SetDeadline(deadline)
			c.Write(req)
			if err := readResponse(bufio.NewReaderSize(c, 512), false); err != nil {
				errs++
			}
			held = append(held, c)
		}
		fmt.Fprintln(os.Stderr, "holding")
		fmt.Println(mustJSON(result{Mode: "idle", Idle: len(held), Errors: errs}))
		time.Sleep(*hold)
		for _, c := range held {
			c.Close()
		}
		return
	}

	var next, done, errs int64
	lat := make([][]time.Duration, *conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var c net.Conn
			var br *bufio.Reader
			for atomic.AddInt64(&next, 1) <= *requests && time.Now().Before(deadline) {
				t0 := time.Now()
				if c == nil {
					var err error
					c, err = net.Dial("tcp", *addr)
					if err != nil {
						atomic.AddInt64(&errs, 1)
						continue
					}
					c.SetDeadline(deadline)
					br = bufio.NewReader(c)
				}
				_, err := c.Write(req)
				if err == nil {
					err = readResponse(br, *closeMode)
				}
				if err != nil || *closeMode {
					c.Close()
					c = nil
				}
				if err != nil {
					atomic.AddInt64(&errs, 1)
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
				atomic.AddInt64(&done, 1)
			}
			if c != nil {
				c.Close()
			}
		}(w)
	}
	wg.Wait()
	el := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	mode := "keep-alive"
	if *closeMode {
		mode = "close"
	}
	fmt.Println(mustJSON(result{Mode: mode, Conns: *conns, Requests: done, Errors: errs,
		Seconds: el.Seconds(), RPS: float64(done) / el.Seconds(), P50Micros: pct(all, 0.5), P99Micros: pct(all, 0.99)}))
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
