// maps: maps that grow by doubling (their buckets are large allocations),
// hold pointers to small structs and strings, and are rebuilt from scratch
// every few rounds, dropping the old ones.
// Usage: maps [N] (N rounds, default 40).
package main

import (
	"fmt"
	"os"
	"strconv"
)

type item struct {
	name  string
	count int
	tags  []string
}

func main() {
	n := 40
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var keep []map[int]*item
	byName := map[string]*item{}
	sum := 0
	for r := 0; r < n; r++ {
		m := make(map[int]*item)
		for i := 0; i < 4000+r*50; i++ {
			it := &item{name: "item-" + strconv.Itoa(i%1500), count: i}
			if i%3 == 0 {
				it.tags = []string{"a", strconv.Itoa(r)}
			}
			m[i*31+r] = it
			byName[it.name] = it
		}
		keep = append(keep, m)
		if len(keep) > 3 {
			keep = keep[1:]
		}
		if r%10 == 9 {
			byName = map[string]*item{}
		}
		sum += len(m)
	}
	fmt.Println(sum, len(byName), len(keep))
}
