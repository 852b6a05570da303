// Command goproxy is the oracle for apps/reverse-proxy: Go's own
// httputil.NewSingleHostReverseProxy in front of --upstream, printing
// "listening on HOST:PORT" like the ka app. compare.mjs sends both the same
// raw requests and diffs the bytes that come back.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func main() {
	upstream := flag.String("upstream", "", "upstream URL")
	flag.Parse()
	target, err := url.Parse(*upstream)
	if err != nil || *upstream == "" {
		fmt.Fprintln(os.Stderr, "goproxy: --upstream URL is required")
		os.Exit(2)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(os.Stderr, "", 0) // no timestamps: comparable with ka's log
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	log.Fatal(http.Serve(ln, proxy))
}
