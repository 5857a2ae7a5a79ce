// gogcsim recorder (format v2): this file is added to a go1.10.2 runtime by
// gogcsim's toolchain builder, together with the one-line hook calls listed
// in hooks.txt. It is gogcsim's own code, not Go's.
//
// A program built with that toolchain records when its environment has
// GOGCSIM_RECORD=PATH. Every record carries a global sequence number, the P
// and the goroutine that made it. An operation on state that Ps share (the
// heap_live and heap_scan adds, span claims, pagesSwept, scan work and
// credit, the pacer's calls) takes its sequence number under gsrec.lock in
// the same critical section as the operation itself, so sequence order is the
// order in which the operations took effect; records of nothing another P
// sees are local, ordered by their M. An M stores its records as raw words
// in a buffer of its own (256 KiB); a full buffer goes to the encoder, a
// thread of the runtime's own started at gcenable, which writes it as
// varint-encoded, checksummed chunks: the program never waits for encoding
// or the file (unless the encoder falls 64 buffers behind). The reader
// merges the Ms' chunks. traces/recording_v2.md is the format's
// specification.

package runtime

import (
	"runtime/internal/atomic"
	"unsafe"
)

const (
	gsrecVersion    = 2
	gsrecRawWords   = 32 << 10 // a raw buffer: 256 KiB
	gsrecRecWords   = 24       // words one record may take (header 3, FB 3 + 16)
	gsrecChunkBytes = 64 << 10 // an encoded chunk, at most (plus one record)
	gsrecMaxRecord  = 256      // bytes one encoded record may take
	gsrecMaxQueue   = 64       // raw buffers waiting for the encoder before producers wait
	gsrecTimeEvery  = 16       // an allocation reads the clock at least this often
	gsrecMaxM       = 10000
	gsrecChunkHead  = 24
	gsrecEndM       = 0xffffffff
	gsrecStateOff   = 2
	gsrecStateOn    = 1
	gsrecStateClose = 3
	gsrecClosed     = 1 << 63
)

// Record tags. 1..24 are format v1's tags in the order of its table; 32 on
// are v2's shared-state and scheduler records.
const (
	gsrecTagH = 1 + iota
	gsrecTagA
	gsrecTagZ
	gsrecTagL
	gsrecTagCS
	gsrecTagUC
	gsrecTagMA
	gsrecTagMF
	gsrecTagSW
	gsrecTagF
	gsrecTagGS
	gsrecTagMS
	gsrecTagMT
	gsrecTagHM
	gsrecTagW
	gsrecTagC
	gsrecTagAS
	gsrecTagAE
	gsrecTagCQ
	gsrecTagAT
	gsrecTagPT
	gsrecTagPS
	gsrecTagPR
	gsrecTagPE
)

const (
	gsrecTagHL = 32 + iota // heap_live += delta: delta after
	gsrecTagHS             // heap_scan += mcache.local_scan: delta after
	gsrecTagSC             // span sweepgen claimed (sg-2 -> sg-1): base sweepgen
	gsrecTagSP             // pagesSwept += npages at a sweep's start: base npages after
	gsrecTagCF             // mcentral.freeSpan under its lock: spanclass base allocCount wasempty
	gsrecTagHA             // mheap.alloc_m handed out a small span: spanclass base npages
	gsrecTagHF             // mheap.freeSpan: base npages
	gsrecTagGB             // goroutine g begins running on P (execute): t
	gsrecTagGE             // goroutine stops: reason t (1 blocked, 2 Gosched, 3 preempted, 4 exit)
	gsrecTagSY             // sysmon round (retake): t
	gsrecTagSR             // sysmon acts on P p: p kind (0 syscall hand-off, 1 preemption request)
	gsrecTagWS             // world stopped: t
	gsrecTagWR             // world restarting: t
	gsrecTagMW             // mark worker on P: start(1)/stop(0) mode t
	gsrecTagAZ             // an A and its Z with nothing between them: size typsize ptrdata flags t addr
	gsrecTagFB             // the objects a sweep frees: base elemsize nwords, then nwords words of bits
	gsrecTagPP             // the M acquires (1) or releases (0) the P of the header
	gsrecTagCT             // cacheSpan takes a span, in the mcentral lock: spanclass base how (1 swept, 2 grown)
	gsrecTagPW             // deductSweepCredit reads pagesSwept: the value
	gsrecTagRV             // the scavenger releases a span's pages: base bytes
	gsrecTagAN             // 52-55: an AZ shaped as the chunk's slot tag-52 says: t, addr delta
)

// Shape slots of a chunk (tags gsrecTagAN + slot).
const gsrecShapes = 4

// A raw compact allocation record (see gsrecRaw).
const (
	gsrecCompact  = 1 << 9
	gsrecNeedzero = 1 << 12 // flag 4 (the type gives noscan 1 and nil type 2)
	gsrecTimed    = 1 << 13 // the time word follows the type
)

// Record header flags, over the tag's 6 bits.
const (
	gsrecSame  = 0x80 // same P and goroutine as the chunk's previous record
	gsrecLocal = 0x40 // no global sequence number: ordered by its M only
)

// gsrecRaw is one M's records as raw words: a header word (tag, global flag,
// field count, P+1), the goroutine id, the sequence number if global, then
// the fields. An allocation's A or AZ is compact (gsrecCompact set, written
// by gsrecAlloc and gsrecResult): header (tag, compact, needzero, timed, P+1 in
// 16 bits, size in the high 32), goroutine, *_type, the time if timed, the
// address (AZ); the encoder expands it. Half the words of the general form:
// the buffer's writes are the recorder's largest cost to an allocation.
type gsrecRaw struct {
	n    uint32 // words used
	done uint32 // words of complete records (what a closer may take)
	mid  uint32
	next uintptr // the encoder's queue
	w    [gsrecRawWords]uint64
}

// gsrecM is an M's recording state.
type gsrecM struct {
	doneG  uint64  // global records completed (read by gsrecClose)
	rawp   uintptr // *gsrecRaw: no pointers, no write barriers
	hlock  uint32  // held by gsrecHandoff and by gsrecClose taking this M's records
	closed bool    // gsrecClose has taken this M's records
	hdr    uint32  // index of the header word of the record being written
	global bool
	// Allocations since the last one that read the clock.
	untimed uint32
	// An allocation request whose compact record sits, unpublished, at the
	// buffer's end (pendLen words): if its Z is the M's next record, it
	// becomes an AZ, else an A.
	pend    bool
	pendG   int64
	pendLen uint32
}

var gsrec struct {
	state    uint32 // 0 not yet decided, then gsrecStateOn/Off/Close
	fd       int32
	seq      uint64 // next sequence number; gsrecClosed set once closing
	owner    uint64 // 1 + id of the M holding lock, 0 if free
	depth    int32  // lock re-entries by its owner
	sys      uint64 // bytes of buffers (kept out of memstats)
	endNow   int64  // the nanotime endCycle read
	exitG    int64  // the goroutine of gsrecClose's exit sweep, or -1
	ms       [gsrecMaxM]uintptr
	crc      [8][256]uint32
	encoder  uint32 // the encoder thread runs
	qlock    mutex  // the queue, free list and encoder flags
	qhead    uintptr
	qtail    uintptr
	qlen     uint32
	free     uintptr
	sleeping bool // the encoder waits on wake
	wake     note
	never    note  // the encoder rests on it once the recording is closed
	// What only the encoder writes, on cache lines of its own: the
	// program's Ms read state and seq on every allocation.
	_        [128]byte
	elock    mutex  // one encoding at a time: out is shared
	written  uint64 // records encoded (under elock)
	out      [gsrecChunkBytes + gsrecMaxRecord]byte
	outN     uint32
	outCount uint32
	outM     uint32
	firstG   uint64
	prevG    uint64
	hasG     bool
	lastP    int64
	lastG    int64
	lastT    int64
	// The encoder's: each allocation's time, by its index in the buffer.
	times [gsrecRawWords/3 + 1]int64
}

// Which fields of a tag are times (written as deltas), by tag.
var gsrecTimeFields = [64]uint32{
	gsrecTagH: 1 << 5, gsrecTagA: 1 << 4, gsrecTagGS: 1 << 4, gsrecTagMS: 1, gsrecTagMT: 1,
	gsrecTagPE: 1<<5 | 1<<6, gsrecTagGB: 1, gsrecTagGE: 1 << 1, gsrecTagSY: 1, gsrecTagWS: 1,
	gsrecTagWR: 1, gsrecTagMW: 1 << 2, gsrecTagAZ: 1 << 4,
}

// gsrecOn reports whether this run records, deciding it at the first call
// (the first mallocgc, before the scheduler runs: single-threaded).
func gsrecOn() bool {
	if s := atomic.Load(&gsrec.state); s != 0 {
		return s == gsrecStateOn
	}
	gsrec.state = gsrecStateOff
	const key = "GOGCSIM_RECORD="
	for i := int32(0); ; i++ {
		p := argv_index(argv, argc+1+i)
		if p == nil {
			break
		}
		if s := gostringnocopy(p); len(s) <= len(key) || s[:len(key)] != key {
			continue
		}
		path := (*byte)(add(unsafe.Pointer(p), uintptr(len(key))))
		// O_WRONLY|O_CREAT|O_EXCL|O_APPEND|O_CLOEXEC: a child process that
		// inherits the variable cannot clobber the file.
		fd := open(path, 0x1|0x40|0x80|0x400|0x80000, 0644)
		if fd < 0 {
			print("gogcsim recorder: cannot create ", gostringnocopy(path), "\n")
			exit(3)
		}
		gsrec.fd = fd
		gsrec.exitG = -1
		gsrecCRCInit()
		var head [16]byte
		copy(head[:], "GOGCSIMR")
		head[8] = gsrecVersion
		gsrecWriteAll(&head[0], 16)
		gsrec.state = gsrecStateOn
		break
	}
	return gsrec.state == gsrecStateOn
}

func gsrecWriteAll(p *byte, n int32) {
	for n > 0 {
		w := write(uintptr(gsrec.fd), unsafe.Pointer(p), n)
		if w <= 0 {
			print("gogcsim recorder: write failed\n")
			exit(3)
		}
		p = (*byte)(add(unsafe.Pointer(p), uintptr(w)))
		n -= w
	}
}

// CRC-32 (IEEE, as zlib's crc32), slicing by 8 bytes.
func gsrecCRCInit() {
	for n := uint32(0); n < 256; n++ {
		c := n
		for k := 0; k < 8; k++ {
			if c&1 != 0 {
				c = 0xedb88320 ^ (c >> 1)
			} else {
				c >>= 1
			}
		}
		gsrec.crc[0][n] = c
	}
	for n := 0; n < 256; n++ {
		c := gsrec.crc[0][n]
		for k := 1; k < 8; k++ {
			c = gsrec.crc[0][byte(c)] ^ (c >> 8)
			gsrec.crc[k][n] = c
		}
	}
}

func gsrecCRC(p *byte, n uint32) uint32 {
	c := ^uint32(0)
	t := &gsrec.crc
	i := uint32(0)
	for ; i+8 <= n; i += 8 {
		q := (*[8]byte)(add(unsafe.Pointer(p), uintptr(i)))
		c ^= uint32(q[0]) | uint32(q[1])<<8 | uint32(q[2])<<16 | uint32(q[3])<<24
		c = t[0][q[7]] ^ t[1][q[6]] ^ t[2][q[5]] ^ t[3][q[4]] ^
			t[4][c>>24] ^ t[5][(c>>16)&0xff] ^ t[6][(c>>8)&0xff] ^ t[7][c&0xff]
	}
	for ; i < n; i++ {
		b := *(*byte)(add(unsafe.Pointer(p), uintptr(i)))
		c = t[0][byte(c)^b] ^ (c >> 8)
	}
	return ^c
}

func gsrecPut32(p *byte, off uintptr, v uint32) {
	for i := uintptr(0); i < 4; i++ {
		*(*byte)(add(unsafe.Pointer(p), off+i)) = byte(v >> (8 * i))
	}
}

func gsrecAllocRaw(mid uint32) *gsrecRaw {
	lock(&gsrec.qlock)
	r := (*gsrecRaw)(unsafe.Pointer(gsrec.free))
	if r != nil {
		gsrec.free = r.next
	}
	unlock(&gsrec.qlock)
	if r == nil {
		r = (*gsrecRaw)(sysAlloc(unsafe.Sizeof(gsrecRaw{}), &gsrec.sys))
		if r == nil {
			throw("gogcsim recorder: out of memory")
		}
	}
	r.n, r.done, r.mid, r.next = 0, 0, mid, 0
	return r
}

// gsrecMIf is mp's recording state, or nil if it has none yet: the lookup
// the allocation hooks make on every allocation (small enough to inline).
//
//go:nosplit
func gsrecMIf(mp *m) *gsrecM {
	if uint32(mp.id) >= gsrecMaxM {
		return nil
	}
	return (*gsrecM)(unsafe.Pointer(gsrec.ms[mp.id]))
}

func gsrecMOf(mp *m) *gsrecM {
	if mp.id < 0 || mp.id >= gsrecMaxM {
		throw("gogcsim recorder: too many Ms")
	}
	if gsrec.ms[mp.id] == 0 {
		s := (*gsrecM)(sysAlloc(unsafe.Sizeof(gsrecM{}), &gsrec.sys))
		if s == nil {
			throw("gogcsim recorder: out of memory")
		}
		s.rawp = uintptr(unsafe.Pointer(gsrecAllocRaw(uint32(mp.id))))
		s.untimed = gsrecTimeEvery
		atomic.Storeuintptr(&gsrec.ms[mp.id], uintptr(unsafe.Pointer(s)))
	}
	return (*gsrecM)(unsafe.Pointer(gsrec.ms[mp.id]))
}

func gsrecSpinLock(l *uint32) {
	for i := 0; !atomic.Cas(l, 0, 1); i++ {
		if i < 50 {
			procyield(10)
		} else {
			osyield()
		}
	}
}

// gsrecHandoff gives s's full raw buffer to the encoder (or encodes it here
// while there is no encoder thread, before gcenable: no close can run then)
// and gives s an empty one. Once gsrecClose has taken s's records, what
// the buffer holds came after the close: it is dropped.
func gsrecHandoff(s *gsrecM) {
	gsrecSpinLock(&s.hlock)
	r := s.raw()
	if s.closed {
		r.n, r.done = 0, 0
		atomic.Store(&s.hlock, 0)
		return
	}
	if atomic.Load(&gsrec.encoder) == 0 {
		lock(&gsrec.elock)
		gsrecEncode(r, r.done)
		unlock(&gsrec.elock)
		r.n, r.done = 0, 0
		atomic.Store(&s.hlock, 0)
		return
	}
	fresh := gsrecAllocRaw(r.mid)
	lock(&gsrec.qlock)
	if gsrec.qtail != 0 {
		(*gsrecRaw)(unsafe.Pointer(gsrec.qtail)).next = uintptr(unsafe.Pointer(r))
	} else {
		gsrec.qhead = uintptr(unsafe.Pointer(r))
	}
	gsrec.qtail = uintptr(unsafe.Pointer(r))
	gsrec.qlen++
	wake := gsrec.sleeping
	gsrec.sleeping = false
	unlock(&gsrec.qlock)
	if wake {
		notewakeup(&gsrec.wake)
	}
	s.rawp = uintptr(unsafe.Pointer(fresh))
	s.untimed = gsrecTimeEvery // a buffer's first allocation is timed
	atomic.Store(&s.hlock, 0)
	for atomic.Load(&gsrec.qlen) > gsrecMaxQueue {
		osyield() // the encoder is far behind: wait rather than grow
	}
}

// gsrecPop takes the oldest queued buffer (with elock), or nil.
func gsrecPop() *gsrecRaw {
	lock(&gsrec.qlock)
	r := (*gsrecRaw)(unsafe.Pointer(gsrec.qhead))
	if r != nil {
		gsrec.qhead = r.next
		if gsrec.qhead == 0 {
			gsrec.qtail = 0
		}
	}
	unlock(&gsrec.qlock)
	return r
}

func gsrecFree(r *gsrecRaw) {
	lock(&gsrec.qlock)
	r.next = gsrec.free
	gsrec.free = uintptr(unsafe.Pointer(r))
	gsrec.qlen--
	unlock(&gsrec.qlock)
}

// gsrecEncoder is the encoder thread's loop (an M of its own, no P, like
// sysmon): it encodes the queued raw buffers in order.
func gsrecEncoder() {
	for {
		lock(&gsrec.elock)
		if atomic.Load(&gsrec.state) != gsrecStateOn {
			unlock(&gsrec.elock) // gsrecClose writes what is left
			notesleep(&gsrec.never)
		}
		r := gsrecPop()
		if r == nil {
			lock(&gsrec.qlock)
			if gsrec.qhead != 0 { // queued since gsrecPop looked
				unlock(&gsrec.qlock)
				unlock(&gsrec.elock)
				continue
			}
			gsrec.sleeping = true
			noteclear(&gsrec.wake)
			unlock(&gsrec.qlock)
			unlock(&gsrec.elock)
			notesleep(&gsrec.wake)
			continue
		}
		gsrecEncode(r, r.done)
		unlock(&gsrec.elock)
		gsrecFree(r)
	}
}

// gsrecStartEncoder starts the encoder thread (from gcenable: the runtime
// can start threads by then).
func gsrecStartEncoder() {
	systemstack(func() { newm(gsrecEncoder, nil) })
	atomic.Store(&gsrec.encoder, 1)
}

// gsrecFillTimes sets gsrec.times to the buffer's allocations' times.
// Those whose time was not read (see gsrecAlloc) get one by linear
// interpolation, by position, between the timed allocations around them;
// those after the buffer's last timed one take its time, those before its
// first timed one (there are none unless its state was lost) the first's.
// Between two timed allocations the M wrote allocations only.
func gsrecFillTimes(r *gsrecRaw, words uint32) {
	t := &gsrec.times
	n := 0
	for i := uint32(0); i < words; {
		h := r.w[i]
		tag := uint8(h)
		if h&gsrecCompact != 0 {
			t[n] = -1
			if h&gsrecTimed != 0 {
				t[n] = int64(r.w[i+3])
				i++
			}
			n++
			i += 3
			if tag == gsrecTagAZ {
				i++
			}
			continue
		}
		nf := uint32(h>>16) & 0xffff
		i += 2
		if h&(1<<8) != 0 {
			i++
		}
		if tag == gsrecTagA || tag == gsrecTagAZ {
			t[n] = int64(r.w[i+4])
			n++
		}
		i += nf
	}
	last := -1 // index of the last timed allocation
	for k := 0; k < n; k++ {
		if t[k] == -1 {
			continue
		}
		if last >= 0 && k-last > 1 {
			t0, t1 := t[last], t[k]
			for j := last + 1; j < k; j++ {
				t[j] = t0 + (t1-t0)*int64(j-last)/int64(k-last)
			}
		}
		last = k
	}
	for j := last + 1; last >= 0 && j < n; j++ {
		t[j] = t[last]
	}
	for j := 0; j < n && t[j] == -1; j++ {
		if last < 0 { // no allocation of the buffer read the clock
			t[j] = nanotime()
			continue
		}
		first := j
		for t[first] == -1 {
			first++
		}
		t[j] = t[first]
	}
}

// gsrecEncode writes a raw buffer's first words (its complete records) as
// chunks (with gsrec.elock). The encoder's state lives in locals and the
// varints are written inline: this loop is most of the encoder's time, and
// the encoder's time is taken from the program (a core's sibling thread,
// or a P's core).
func gsrecEncode(r *gsrecRaw, words uint32) {
	gsrec.outM = r.mid
	gsrecFillTimes(r, words)
	out := unsafe.Pointer(&gsrec.out[0]) // room for a record past n is checked per record
	n, count := gsrec.outN, gsrec.outCount
	firstG, prevG, hasG := gsrec.firstG, gsrec.prevG, gsrec.hasG
	lastP, lastG, lastT := gsrec.lastP, gsrec.lastG, gsrec.lastT
	written := gsrec.written
	times := &gsrec.times
	nalloc := 0
	// The shapes of the chunk's last few AZs, the slots taken in turn: size
	// and flags (0: none), *_type, and the address of the last allocation of
	// that shape. An AZ of one of them is written as an AN of that slot: the
	// time and the address's difference only (recording_v2.md).
	var shape, shapeTyp, shapeAddr [gsrecShapes]uint64
	slot := 0 // the next AZ's
	for i := uint32(0); i < words; {
		if n+gsrecMaxRecord > gsrecChunkBytes {
			gsrec.outN, gsrec.outCount, gsrec.firstG, gsrec.hasG = n, count, firstG, hasG
			gsrecWriteChunk()
			n, count = 0, 0
		}
		if count == 0 { // a chunk decodes on its own
			hasG, lastP, lastG, lastT = false, -2, -2, 0
			shape, slot = [gsrecShapes]uint64{}, 0
		}
		h := r.w[i]
		tag := uint8(h)
		if h&gsrecCompact != 0 {
			// An allocation's A or AZ: size, type size, ptrdata, flags, the
			// time (a delta), the address (AZ): the general loop below,
			// unrolled, since these are most of the records.
			p := int64(h>>16&0xffff) - 1
			g := int64(r.w[i+1])
			typw := r.w[i+2]
			i += 3
			if h&gsrecTimed != 0 {
				i++
			}
			t := times[nalloc]
			nalloc++
			d := t - lastT
			lastT = t
			hs := h>>32<<32 | 1<<31 | h&gsrecNeedzero // size, needzero (the type gives the rest); never 0
			k := 0
			for tag == gsrecTagAZ && k < gsrecShapes && (hs != shape[k] || typw != shapeTyp[k]) {
				k++
			}
			// The fields as zigzag varints (2x for x >= 0), written below:
			// gsrecPutU is a call (Go 1.10 inlines no loops).
			var vals [6]uint64
			nv := 0
			if tag == gsrecTagAZ && k < gsrecShapes {
				// An AN: most allocations repeat a recent shape, and their
				// address is near the last one of that shape.
				tag = gsrecTagAN + uint8(k)
				a := int64(r.w[i] - shapeAddr[k])
				shapeAddr[k] = r.w[i]
				i++
				vals[0], vals[1] = uint64((d<<1)^(d>>63)), uint64((a<<1)^(a>>63))
				nv = 2
			} else {
				typsize, ptrdata := uint64(0), uint64(0)
				if typ := (*_type)(unsafe.Pointer(uintptr(typw))); typ != nil {
					typsize, ptrdata = uint64(typ.size), uint64(typ.ptrdata)
				}
				flags := uint64(gsrecTypeFlags(uintptr(typw)))
				if h&gsrecNeedzero != 0 {
					flags |= 4
				}
				vals = [6]uint64{h >> 32 << 1, typsize << 1, ptrdata << 1, flags << 1,
					uint64((d << 1) ^ (d >> 63)), 0}
				nv = 5
				if tag == gsrecTagAZ {
					shape[slot], shapeTyp[slot], shapeAddr[slot] = hs, typw, r.w[i]
					slot = (slot + 1) % gsrecShapes
					vals[5] = r.w[i] << 1
					nv = 6
					i++
				}
			}
			b := tag | gsrecLocal
			if p == lastP && g == lastG {
				*(*byte)(add(out, uintptr(n))) = b | gsrecSame
				n++
			} else {
				*(*byte)(add(out, uintptr(n))) = b
				n = gsrecPutU(out, n+1, uint64(p+1))
				n = gsrecPutU(out, n, uint64(g))
				lastP, lastG = p, g
			}
			for k := 0; k < nv; k++ {
				v := vals[k]
				for ; v >= 0x80; v >>= 7 {
					*(*byte)(add(out, uintptr(n))) = byte(v) | 0x80
					n++
				}
				*(*byte)(add(out, uintptr(n))) = byte(v)
				n++
			}
			count++
			written++
			continue
		}
		global := h&(1<<8) != 0
		nf := uint32(h>>16) & 0xffff
		if tag == gsrecTagAZ { // the reader gives this AZ a slot: the encoder, none
			shape[slot] = 0
			slot = (slot + 1) % gsrecShapes
		}
		p := int64(h>>32) - 1
		g := int64(r.w[i+1])
		i += 2
		same := p == lastP && g == lastG
		b := tag
		if same {
			b |= gsrecSame
		}
		if !global {
			b |= gsrecLocal
		}
		*(*byte)(add(out, uintptr(n))) = b
		n++
		if global {
			seq := r.w[i]
			i++
			if !hasG {
				firstG, prevG, hasG = seq, seq, true
			}
			n = gsrecPutU(out, n, seq-prevG)
			prevG = seq
		}
		if !same {
			n = gsrecPutU(out, n, uint64(p+1))
			n = gsrecPutU(out, n, uint64(g))
			lastP, lastG = p, g
		}
		timeAt := uint32(99)
		if tag == gsrecTagA || tag == gsrecTagAZ {
			timeAt = 4
		}
		tf := gsrecTimeFields[tag&63]
		for k := uint32(0); k < nf; k++ {
			x := int64(r.w[i+k])
			if k == timeAt {
				x = times[nalloc]
				nalloc++
			}
			var v uint64
			if tag == gsrecTagFB && k >= 3 {
				v = uint64(x) // the words of bits
			} else {
				if tf&(1<<k) != 0 {
					x, lastT = x-lastT, x
				}
				v = uint64((x << 1) ^ (x >> 63))
			}
			n = gsrecPutU(out, n, v)
		}
		i += nf
		count++
		written++
	}
	gsrec.outN, gsrec.outCount, gsrec.firstG, gsrec.hasG = n, count, firstG, hasG
	gsrec.prevG, gsrec.lastP, gsrec.lastG, gsrec.lastT = prevG, lastP, lastG, lastT
	gsrec.written = written
	gsrecWriteChunk()
}

// gsrecPutU writes v as a varint at out+n and returns the new n.
func gsrecPutU(out unsafe.Pointer, n uint32, v uint64) uint32 {
	for ; v >= 0x80; v >>= 7 {
		*(*byte)(add(out, uintptr(n))) = byte(v) | 0x80
		n++
	}
	*(*byte)(add(out, uintptr(n))) = byte(v)
	return n + 1
}

// gsrecWriteChunk writes the encoded records as one chunk: len, crc32, M
// id, record count, the first global record's sequence number
// (little-endian), then the records.
func gsrecWriteChunk() {
	if gsrec.outCount == 0 {
		return
	}
	var head [gsrecChunkHead]byte
	first := uint64(0)
	if gsrec.hasG {
		first = gsrec.firstG
	}
	gsrecPut32(&head[0], 0, gsrec.outN)
	gsrecPut32(&head[0], 4, gsrecCRC(&gsrec.out[0], gsrec.outN))
	gsrecPut32(&head[0], 8, gsrec.outM)
	gsrecPut32(&head[0], 12, gsrec.outCount)
	gsrecPut32(&head[0], 16, uint32(first))
	gsrecPut32(&head[0], 20, uint32(first>>32))
	gsrecWriteAll(&head[0], gsrecChunkHead)
	gsrecWriteAll(&gsrec.out[0], int32(gsrec.outN))
	gsrec.outN, gsrec.outCount = 0, 0
}

// gsrecBegin starts a global record in this M's buffer: one that takes the
// next global sequence number. gsrecBeginLocal starts a local one (an
// allocation, a sweep's frees: nothing another P sees), ordered by its M
// only. The caller stores the tag's fields (f, t, u) and calls end. nil
// once the recording is closing.
//
// nosplit: its prologue must not be a preemption point. mallocgc's return
// writes the Z right after the allocation (whose releasem may have armed a
// preemption): a goroutine preempted there would let other work run between
// the allocation and its Z. Past acquirem nothing preempts.
//
//go:nosplit
func gsrecBegin(tag uint8) *gsrecM { return gsrecStart(tag, true) }

//go:nosplit
func gsrecBeginLocal(tag uint8) *gsrecM { return gsrecStart(tag, false) }

//go:nosplit
func gsrecStart(tag uint8, global bool) *gsrecM {
	mp := acquirem()
	gsrecProbe()
	var seq uint64
	if global {
		seq = atomic.Xadd64(&gsrec.seq, 1) - 1
		if seq&gsrecClosed != 0 {
			releasem(mp)
			return nil
		}
	} else if gsrec.state != gsrecStateOn {
		releasem(mp)
		return nil
	}
	s := gsrecMOf(mp)
	if s.pend {
		gsrecFlushPending(s)
	}
	if s.raw().n+2*gsrecRecWords > gsrecRawWords {
		gsrecHandoff(s)
	}
	p, g := gsrecWho(mp)
	s.head(tag, global, seq, p, g)
	return s
}

// gsrecWho is the P (-1 for none) and goroutine a record of mp's names:
// the goroutine mp runs, also on the system stack; g0's (0) if none.
//go:nosplit
func gsrecWho(mp *m) (p, g int64) {
	p = -1
	if mp.p != 0 {
		p = int64(mp.p.ptr().id)
	}
	gp := mp.curg
	if gp == nil {
		gp = mp.g0
	}
	return p, gp.goid
}

// gsrecProbe makes sure the stack has room for writing a whole record, so
// that no stack growth happens while one is written: growing allocates and
// frees stack spans, which are records themselves (MA, MF), and they would
// land inside the one being written, or take sequence numbers after it had
// taken its own. Called with acquirem held, so its prologue cannot preempt.
//
// A goroutine's stack grows; the system stack (g0) never does, and needs
// no room.
//
//go:nosplit
func gsrecProbe() {
	gp := getg()
	if gp == gp.m.g0 || gp == gp.m.gsignal {
		return
	}
	var here byte
	if uintptr(unsafe.Pointer(&here))-gp.stack.lo < 4096+_StackGuard {
		gsrecGrow()
	}
}

// gsrecGrow's frame is larger than what writing a record needs: its
// prologue grows the stack if it is short of that.
//
//go:noinline
func gsrecGrow() {
	var pad [4096]byte
	pad[gsrecProbeIndex] = 1
	gsrecProbeSink = pad[gsrecProbeIndex]
}

var gsrecProbeIndex int
var gsrecProbeSink byte

//go:nosplit
func (s *gsrecM) raw() *gsrecRaw { return (*gsrecRaw)(unsafe.Pointer(s.rawp)) }

//go:nosplit
func (s *gsrecM) head(tag uint8, global bool, seq uint64, p, g int64) {
	r := s.raw()
	s.hdr = r.n
	h := uint64(tag) | uint64(p+1)<<32
	if global {
		h |= 1 << 8
	}
	r.w[r.n] = h
	r.w[r.n+1] = uint64(g)
	r.n += 2
	if global {
		r.w[r.n] = seq
		r.n++
	}
	s.global = global
	if tag != gsrecTagA && tag != gsrecTagAZ && tag != gsrecTagZ {
		s.untimed = gsrecTimeEvery // the next allocation reads the clock
	}
}

// gsrecFlushPending publishes the pending request's compact record as an
// A: its Z will come later, as a record of its own.
//
//go:nosplit
func gsrecFlushPending(s *gsrecM) {
	r := s.raw()
	r.w[r.n] = r.w[r.n]&^0xff | gsrecTagA
	r.n += s.pendLen
	r.done = r.n
	s.pend = false
}

// f stores a field; t a time field; u one of FB's words of bits.
//go:nosplit
func (s *gsrecM) f(v int64) {
	r := s.raw()
	r.w[r.n] = uint64(v)
	r.n++
}

//go:nosplit
func (s *gsrecM) t(v int64) { s.f(v) }

//go:nosplit
func (s *gsrecM) u(v uint64) { s.f(int64(v)) }

// seal stores the record's field count in its header word.
//go:nosplit
func (s *gsrecM) seal() {
	r := s.raw()
	fields := r.n - s.hdr - 2
	if r.w[s.hdr]&(1<<8) != 0 {
		fields--
	}
	r.w[s.hdr] |= uint64(fields) << 16
	r.done = r.n // published after the words: a closer takes up to here
}

func (s *gsrecM) end() {
	s.seal()
	if s.global {
		// A plain add: only this M writes it, and gsrecClose reads it
		// (atomically) after stopping the world, waiting until it adds
		// up. An atomic store here is an XCHG, 6% of an allocation-bound
		// program's time.
		s.doneG++
	}
	releasem(getg().m)
}

// gsrecLock serializes a shared-state operation with its record. Re-entrant
// for its M; holds off preemption while held.
func gsrecLock() *m {
	mp := acquirem()
	id := uint64(mp.id) + 1
	if atomic.Load64(&gsrec.owner) == id {
		gsrec.depth++
		return mp
	}
	for i := 0; !atomic.Cas64(&gsrec.owner, 0, id); i++ {
		if i < 50 {
			procyield(10)
		} else {
			osyield()
		}
	}
	gsrec.depth = 1
	return mp
}

func gsrecUnlock(mp *m) {
	gsrec.depth--
	if gsrec.depth == 0 {
		atomic.Store64(&gsrec.owner, 0)
	}
	releasem(mp)
}

// gsrecClose writes out every M's records and the end chunk (M id
// 0xffffffff; its body the uvarint counts of global records and of all
// records). Called when the program exits (runtime.main's return, os.Exit).
// First it finishes the last cycle's sweep, so that every cycle's marks are
// in the file. The world is not stopped (a goroutine in a loop without
// calls would keep it from stopping, in Go 1.10): each M's buffer says how
// much of it holds complete records, and the closer takes that, under the
// M's hlock, which only gsrecHandoff also takes; records completed later
// came after the close. Global records need their numbers dense: setting
// gsrecClosed in the sequence counter splits them, and the closer waits
// until the Ms have completed every one numbered before it.
func gsrecClose() {
	if atomic.Load(&gsrec.state) != gsrecStateOn {
		return
	}
	// The last cycle's sweep: a program that exits mid-sweep would leave
	// the marks of the spans it never swept (their F records) out of the
	// recording, and with them the cycle's marked heap. Recorded with who
	// 67; other goroutines may keep running and recording meanwhile.
	if gp := getg().m.curg; gp != nil {
		gsrec.exitG = gp.goid
	}
	for gosweepone() != ^uintptr(0) {
	}
	gsrec.exitG = -1
	if !atomic.Cas(&gsrec.state, gsrecStateOn, gsrecStateClose) {
		return
	}
	var total uint64
	for {
		total = atomic.Load64(&gsrec.seq)
		if atomic.Cas64(&gsrec.seq, total, total|gsrecClosed) {
			break
		}
	}
	for {
		done := uint64(0)
		for i := range gsrec.ms {
			if p := atomic.Loaduintptr(&gsrec.ms[i]); p != 0 {
				done += atomic.Load64(&(*gsrecM)(unsafe.Pointer(p)).doneG)
			}
		}
		if done == total {
			break
		}
		osyield()
	}
	lock(&gsrec.elock)
	for i := range gsrec.ms {
		p := atomic.Loaduintptr(&gsrec.ms[i])
		if p == 0 {
			continue
		}
		s := (*gsrecM)(unsafe.Pointer(p))
		gsrecSpinLock(&s.hlock)
		// Queued buffers first: each M's older records come before its
		// current buffer's.
		for r := gsrecPop(); r != nil; r = gsrecPop() {
			gsrecEncode(r, r.done)
			gsrecFree(r)
		}
		r := s.raw()
		gsrecEncode(r, atomic.Load(&r.done))
		s.closed = true
		atomic.Store(&s.hlock, 0)
	}
	n := uint32(0)
	var body [20]byte
	for _, v := range [2]uint64{total, gsrec.written} {
		for ; ; v >>= 7 {
			if v < 0x80 {
				body[n] = byte(v)
				n++
				break
			}
			body[n] = byte(v) | 0x80
			n++
		}
	}
	var head [gsrecChunkHead]byte
	gsrecPut32(&head[0], 0, n)
	gsrecPut32(&head[0], 4, gsrecCRC(&body[0], n))
	gsrecPut32(&head[0], 8, gsrecEndM)
	gsrecWriteAll(&head[0], gsrecChunkHead)
	gsrecWriteAll(&body[0], int32(n))
	closefd(gsrec.fd)
	unlock(&gsrec.elock)
}

func gsrecBool(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func gsrecF64(f float64) int64 { return *(*int64)(unsafe.Pointer(&f)) }
