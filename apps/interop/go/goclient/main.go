// Command goclient drives an HTTP/1.1 server with Go's standard http.Client, for the interop
// suites of apps/interop. It prints one JSON line.
//
//	goclient -url http://127.0.0.1:P -n 400 -c 4 [-post-every 2]
//	    n requests over c workers sharing one Transport (MaxIdleConnsPerHost c): GET /hello,
//	    and every post-every-th request a POST /echo whose body must come back.
//	goclient -url http://127.0.0.1:P -race -lanes 8 -duration 5s -pause 300ms -jitter 3ms
//	    each lane has its own Transport and sends GET /hello, then sleeps pause±jitter, until
//	    duration is over: the client side of the keep-alive race.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptrace"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Requests   int64  `json:"requests"`
	OK         int64  `json:"ok"`
	Errors     int64  `json:"errors"`
	Attempts   int64  `json:"attempts"`
	NewConns   int64  `json:"newConns"`
	Reused     int64  `json:"reused"`
	FirstError string `json:"firstError,omitempty"`
}

type counters struct {
	requests, ok, errors, attempts, newConns, reused atomic.Int64
	mu                                               sync.Mutex
	first                                            string
}

func (c *counters) fail(err error) {
	c.errors.Add(1)
	c.mu.Lock()
	if c.first == "" {
		c.first = err.Error()
	}
	c.mu.Unlock()
}

func (c *counters) trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			c.attempts.Add(1)
			if info.Reused {
				c.reused.Add(1)
			} else {
				c.newConns.Add(1)
			}
		},
	})
}

// one sends a request and checks the answer.
func (c *counters) one(client *http.Client, method, url string, body []byte, want []byte) {
	c.requests.Add(1)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.trace(context.Background()), method, url, rd)
	if err != nil {
		c.fail(err)
		return
	}
	resp, err := client.Do(req)
	if err != nil {
		c.fail(err)
		return
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.fail(err)
		return
	}
	if resp.StatusCode != 200 || !bytes.Equal(got, want) {
		c.fail(fmt.Errorf("%s %s: %d %q", method, url, resp.StatusCode, got))
		return
	}
	c.ok.Add(1)
}

func main() {
	base := flag.String("url", "", "server base URL")
	n := flag.Int("n", 100, "requests (load mode)")
	conc := flag.Int("c", 4, "workers (load mode)")
	postEvery := flag.Int("post-every", 0, "every k-th request is a POST /echo (0: none)")
	race := flag.Bool("race", false, "race mode")
	lanes := flag.Int("lanes", 8, "lanes (race mode)")
	duration := flag.Duration("duration", 5*time.Second, "how long (race mode)")
	pause := flag.Duration("pause", 300*time.Millisecond, "pause between requests (race mode)")
	jitter := flag.Duration("jitter", 3*time.Millisecond, "pause jitter, ± (race mode)")
	flag.Parse()
	if *base == "" {
		fmt.Fprintln(os.Stderr, "goclient: -url is required")
		os.Exit(2)
	}
	c := &counters{}
	hello := []byte("hello\n")
	var wg sync.WaitGroup
	if *race {
		end := time.Now().Add(*duration)
		for l := 0; l < *lanes; l++ {
			wg.Add(1)
			go func(seed int64) {
				defer wg.Done()
				tr := &http.Transport{MaxIdleConnsPerHost: 1}
				defer tr.CloseIdleConnections()
				client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
				rng := rand.New(rand.NewSource(seed))
				for time.Now().Before(end) {
					c.one(client, "GET", *base+"/hello", nil, hello)
					j := time.Duration(rng.Int63n(int64(2**jitter)+1)) - *jitter
					time.Sleep(*pause + j)
				}
			}(int64(l + 1))
		}
	} else {
		tr := &http.Transport{MaxIdleConnsPerHost: *conc}
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		var next atomic.Int64
		for w := 0; w < *conc; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1)
					if i > int64(*n) {
						return
					}
					if *postEvery > 0 && i%int64(*postEvery) == 0 {
						body := []byte(fmt.Sprintf("post %d from go\n", i))
						c.one(client, "POST", *base+"/echo", body, body)
					} else {
						c.one(client, "GET", *base+"/hello", nil, hello)
					}
				}
			}()
		}
		defer tr.CloseIdleConnections()
	}
	wg.Wait()
	out, _ := json.Marshal(result{
		Requests: c.requests.Load(), OK: c.ok.Load(), Errors: c.errors.Load(),
		Attempts: c.attempts.Load(), NewConns: c.newConns.Load(), Reused: c.reused.Load(),
		FirstError: c.first,
	})
	fmt.Println(string(out))
}
