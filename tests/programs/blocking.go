// blocking: 64 handler goroutines that take a shared mutex, sleep briefly
// (time.Sleep parks them; timers wake them), wait on a request channel and
// build small responses; many goroutines are blocked at any time.
// Usage: blocking [N] (N requests, default 30000).
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type response struct {
	id      int
	headers map[string]string
	body    string
}

func main() {
	n := 30000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	reqs := make(chan int)
	var mu sync.Mutex
	recent := make([]*response, 0, 256)
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range reqs {
				if id%97 == 0 {
					time.Sleep(50 * time.Microsecond)
				}
				r := &response{id: id, headers: map[string]string{"id": strconv.Itoa(id), "kind": "x"}}
				r.body = strings.Repeat("ab", 8+id%40)
				mu.Lock()
				if len(recent) == cap(recent) {
					recent = recent[:0]
				}
				recent = append(recent, r)
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		reqs <- i
	}
	close(reqs)
	wg.Wait()
	fmt.Println(len(recent))
}
