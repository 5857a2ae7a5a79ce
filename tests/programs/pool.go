// pool: request handlers that take scratch buffers from a sync.Pool, fill
// them, and keep a small fraction of the results in a shared cache. The
// pool is emptied at every GC, so its hit rate follows the pacer.
// Usage: pool [N] (N requests, default 100000).
package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
)

var bufs = sync.Pool{New: func() interface{} { return new(bytes.Buffer) }}

type entry struct {
	id   int
	body []byte
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var mu sync.Mutex
	cache := make([]*entry, 512)
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 6 {
				b := bufs.Get().(*bytes.Buffer)
				b.Reset()
				for j := 0; j < 4+i%9; j++ {
					fmt.Fprintf(b, "field-%d=%d;", j, i*j)
				}
				if i%7 == 0 {
					e := &entry{id: i, body: append([]byte(nil), b.Bytes()...)}
					mu.Lock()
					cache[i%len(cache)] = e
					mu.Unlock()
				}
				bufs.Put(b)
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for _, e := range cache {
		if e != nil {
			total += len(e.body)
		}
	}
	fmt.Println(total)
}
