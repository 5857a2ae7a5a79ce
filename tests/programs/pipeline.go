// pipeline: a channel pipeline with fan-out and fan-in. A producer sends
// batches to 8 parser goroutines, which send parsed records to 4
// aggregators; a collector merges their maps. Goroutines block on channels
// all the time, so they move between Ps.
// Usage: pipeline [N] (N batches, default 20000).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

type record struct {
	key   string
	value []int64
	next  *record
}

func main() {
	n := 20000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	batches := make(chan []byte, 16)
	parsed := make(chan *record, 64)
	results := make(chan map[string]int64, 4)
	var parsers, aggs sync.WaitGroup
	for i := 0; i < 8; i++ {
		parsers.Add(1)
		go func() {
			defer parsers.Done()
			for b := range batches {
				var head *record
				for j := 0; j+8 <= len(b); j += 8 {
					r := &record{key: string(b[j : j+3]), value: make([]int64, 1+int(b[j+3])%6), next: head}
					head = r
				}
				for r := head; r != nil; r = r.next {
					parsed <- r
				}
			}
		}()
	}
	for i := 0; i < 4; i++ {
		aggs.Add(1)
		go func() {
			defer aggs.Done()
			m := make(map[string]int64)
			for r := range parsed {
				m[r.key] += int64(len(r.value))
			}
			results <- m
		}()
	}
	go func() {
		for i := 0; i < n; i++ {
			b := make([]byte, 64+(i%5)*32)
			for j := range b {
				b[j] = byte('a' + (i*7+j*13)%26)
			}
			batches <- b
		}
		close(batches)
		parsers.Wait()
		close(parsed)
		aggs.Wait()
		close(results)
	}()
	total := map[string]int64{}
	for m := range results {
		for k, v := range m {
			total[k] += v
		}
	}
	var sum int64
	for _, v := range total {
		sum += v
	}
	fmt.Println(len(total), sum)
}
