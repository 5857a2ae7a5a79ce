// stacks: goroutines that recurse deeply (their stacks grow: new stack
// spans, copying) and allocate along the way, 32 at a time, each handing its
// result to the next over a channel.
// Usage: stacks [N] (N goroutines in all, default 2000).
package main

import (
	"fmt"
	"os"
	"strconv"
)

type node struct {
	depth int
	data  []byte
	up    *node
}

func walk(d int, up *node) int {
	if d == 0 {
		return 0
	}
	var pad [64]int64 // a bigger frame: the stack grows sooner
	pad[d%64] = int64(d)
	n := &node{depth: d, data: make([]byte, 16+d%48), up: up}
	return walk(d-1, n) + len(n.data) + int(pad[d%64]&1)
}

func main() {
	n := 2000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	sem := make(chan struct{}, 32)
	out := make(chan int, 32)
	total := 0
	done := make(chan bool)
	go func() {
		for v := range out {
			total += v
		}
		done <- true
	}()
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		go func(i int) {
			out <- walk(50+i%200, nil)
			<-sem
		}(i)
	}
	for i := 0; i < cap(sem); i++ {
		sem <- struct{}{}
	}
	close(out)
	<-done
	fmt.Println(total)
}
