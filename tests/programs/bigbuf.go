// bigbuf: large buffers. Each round appends to a growing []byte (its
// backing array doubles past 32 KiB: large objects), copies it into a
// string, and keeps a sliding window of the last 8 rounds' buffers.
// Usage: bigbuf [N] (N rounds, default 3000).
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	n := 3000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	window := make([][]byte, 8)
	var small [][]int
	total := 0
	for r := 0; r < n; r++ {
		var b []byte
		for j := 0; j < 200+(r%13)*60; j++ {
			b = append(b, "0123456789abcdefghijklmnopqrstuvwxyz"[:10+(j%27)]...)
		}
		s := string(b)
		total += len(s)
		window[r%len(window)] = b
		small = append(small, make([]int, 8+r%32))
		if len(small) > 500 {
			small = small[250:]
		}
	}
	fmt.Println(total, len(small))
}
