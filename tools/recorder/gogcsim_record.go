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
// order in which the operations took effect. Records go into a per-M buffer
// (64 KiB), written as one checksummed chunk when full: no thread stops the
// program to flush. The reader merges the Ms' chunks by sequence number.
// traces/recording_v2.md is the format's specification.

package runtime

import (
	"runtime/internal/atomic"
	"unsafe"
)

const (
	gsrecVersion    = 2
	gsrecBufBytes   = 64 << 10
	gsrecMaxRecord  = 256 // bytes one record may take (16 fields of 10 bytes + header)
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
)

// Record header flags, over the tag's 6 bits.
const (
	gsrecSame  = 0x80 // same P and goroutine as the chunk's previous record
	gsrecLocal = 0x40 // no global sequence number: ordered by its M only
)

type gsrecBuf struct {
	doneG  uint64 // global records this M has completed (read by gsrecClose)
	n      uint32 // bytes used in data
	count  uint32 // records in data
	mid    uint32
	hasG   bool   // data holds a global record
	global bool   // the record being written is global
	firstG uint64 // sequence number of the first global record in data
	prevG  uint64 // sequence number of the last global record in data
	total  uint64 // records this M wrote, all chunks
	lastP  int64  // P and goroutine of the last record (-2: none yet)
	lastG  int64
	lastT  int64 // the last time field written in this chunk
	// An allocation request not written yet: if its Z is the M's next
	// record, both go out as one AZ record.
	pend                                  bool
	pendP, pendG                          int64
	pendSize, pendTyp, pendPtr, pendFlags int64
	pendT                                 int64
	data                                  [gsrecBufBytes]byte
}

var gsrec struct {
	state   uint32 // 0 not yet decided, then gsrecStateOn/Off/Close
	fd      int32
	seq     uint64 // next sequence number; gsrecClosed set once closing
	owner   uint64 // 1 + id of the M holding lock, 0 if free
	depth   int32  // lock re-entries by its owner
	wlock   mutex  // file writes
	sys     uint64 // bytes of buffers (kept out of memstats)
	endNow  int64  // the nanotime endCycle read
	bufs    [gsrecMaxM]uintptr
	crc     [8][256]uint32
	scratch [gsrecMaxRecord]byte
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

// gsrecFlush writes b's records as one chunk: len, crc32, M id, records,
// first sequence number (little-endian), then the records.
func gsrecFlush(b *gsrecBuf) {
	if b.count == 0 {
		return
	}
	var head [gsrecChunkHead]byte
	gsrecPut32(&head[0], 0, b.n)
	gsrecPut32(&head[0], 4, gsrecCRC(&b.data[0], b.n))
	gsrecPut32(&head[0], 8, b.mid)
	gsrecPut32(&head[0], 12, b.count)
	gsrecPut32(&head[0], 16, uint32(b.firstG))
	gsrecPut32(&head[0], 20, uint32(b.firstG>>32))
	lock(&gsrec.wlock)
	gsrecWriteAll(&head[0], gsrecChunkHead)
	gsrecWriteAll(&b.data[0], int32(b.n))
	unlock(&gsrec.wlock)
	b.n, b.count, b.hasG = 0, 0, false
	b.lastP, b.lastG, b.lastT = -2, -2, 0
}

func gsrecBufOf(mp *m) *gsrecBuf {
	if mp.id < 0 || mp.id >= gsrecMaxM {
		throw("gogcsim recorder: too many Ms")
	}
	if gsrec.bufs[mp.id] == 0 {
		p := sysAlloc(unsafe.Sizeof(gsrecBuf{}), &gsrec.sys)
		if p == nil {
			throw("gogcsim recorder: out of memory")
		}
		(*gsrecBuf)(p).mid = uint32(mp.id)
		(*gsrecBuf)(p).lastP, (*gsrecBuf)(p).lastG = -2, -2
		atomic.Storeuintptr(&gsrec.bufs[mp.id], uintptr(p))
	}
	return (*gsrecBuf)(unsafe.Pointer(gsrec.bufs[mp.id]))
}

// gsrecBegin starts a global record in this M's buffer: one that takes the
// next global sequence number. gsrecBeginLocal starts a local one (an
// allocation, a sweep's frees: nothing another P sees), ordered by its M
// only. The caller writes the tag's fields (f, t) and calls end. nil once
// the recording is closing.
//
// Record: the tag byte (gsrecSame, gsrecLocal and the tag), for a global
// record the uvarint delta from the chunk's previous global sequence number
// (0 for its first, whose number is in the chunk header), then unless
// gsrecSame uvarint P+1 and goroutine id, then the fields.
//
// nosplit: its prologue must not be a preemption point. mallocgc's wrapper
// writes the Z right after the allocation (whose releasem may have armed a
// preemption): a goroutine preempted there would let other work run between
// the allocation and its Z. Past acquirem nothing preempts.
//
//go:nosplit
func gsrecBegin(tag uint8) *gsrecBuf { return gsrecStart(tag, true) }

//go:nosplit
func gsrecBeginLocal(tag uint8) *gsrecBuf { return gsrecStart(tag, false) }

//go:nosplit
func gsrecStart(tag uint8, global bool) *gsrecBuf {
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
	b := gsrecBufOf(mp)
	if b.n+2*gsrecMaxRecord > gsrecBufBytes {
		gsrecFlush(b)
	}
	if b.pend {
		gsrecWritePending(b)
	}
	p := int64(-1)
	if mp.p != 0 {
		p = int64(mp.p.ptr().id)
	}
	gp := mp.curg
	if gp == nil {
		gp = mp.g0
	}
	b.head(tag, global, seq, p, gp.goid)
	return b
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

func (b *gsrecBuf) head(tag uint8, global bool, seq uint64, p, g int64) {
	same := p == b.lastP && g == b.lastG
	if same {
		tag |= gsrecSame
	}
	if !global {
		tag |= gsrecLocal
	}
	b.data[b.n] = tag
	b.n++
	b.global = global
	if global {
		if !b.hasG {
			b.firstG, b.prevG, b.hasG = seq, seq, true
		}
		b.u(seq - b.prevG)
		b.prevG = seq
	}
	if !same {
		b.u(uint64(p + 1))
		b.u(uint64(g))
		b.lastP, b.lastG = p, g
	}
	b.count++
	b.total++
}

// gsrecWritePending writes the pending allocation request as an A record.
func gsrecWritePending(b *gsrecBuf) {
	b.pend = false
	b.head(gsrecTagA, false, 0, b.pendP, b.pendG)
	b.f(b.pendSize)
	b.f(b.pendTyp)
	b.f(b.pendPtr)
	b.f(b.pendFlags)
	b.t(b.pendT)
}

func (b *gsrecBuf) u(v uint64) {
	n := b.n
	for v >= 0x80 {
		b.data[n] = byte(v) | 0x80
		v >>= 7
		n++
	}
	b.data[n] = byte(v)
	b.n = n + 1
}

// f writes a field as a zigzag varint.
func (b *gsrecBuf) f(v int64) { b.u(uint64((v << 1) ^ (v >> 63))) }

// t writes a time field as the zigzag delta from the chunk's previous one.
func (b *gsrecBuf) t(v int64) {
	b.f(v - b.lastT)
	b.lastT = v
}

func (b *gsrecBuf) end() {
	if b.global {
		atomic.Store64(&b.doneG, b.doneG+1)
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

// gsrecClose flushes every M's buffer and writes the end chunk (M id
// 0xffffffff; its body the uvarint counts of global records and of all
// records). Called when the program exits (runtime.main's return, os.Exit).
// The world is stopped first, so no P is inside a record (local records are
// written with a P held, under acquirem); an M without a P writes global
// records only, and setting gsrecClosed in the sequence counter splits
// those: the ones numbered before it complete (the closer waits until the
// Ms' completed counts add up), the later ones are not written. The world
// stays stopped: the process exits next.
func gsrecClose() {
	if atomic.Load(&gsrec.state) != gsrecStateOn {
		return
	}
	stopTheWorld("gogcsim recorder")
	if !atomic.Cas(&gsrec.state, gsrecStateOn, gsrecStateClose) {
		startTheWorld()
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
		for i := range gsrec.bufs {
			if p := atomic.Loaduintptr(&gsrec.bufs[i]); p != 0 {
				done += atomic.Load64(&(*gsrecBuf)(unsafe.Pointer(p)).doneG)
			}
		}
		if done == total {
			break
		}
		osyield()
	}
	records := uint64(0)
	for i := range gsrec.bufs {
		if p := atomic.Loaduintptr(&gsrec.bufs[i]); p != 0 {
			b := (*gsrecBuf)(unsafe.Pointer(p))
			if b.pend {
				gsrecWritePending(b)
			}
			gsrecFlush(b)
			records += b.total
		}
	}
	n := uint32(0)
	for _, v := range [2]uint64{total, records} {
		for ; ; v >>= 7 {
			if v < 0x80 {
				gsrec.scratch[n] = byte(v)
				n++
				break
			}
			gsrec.scratch[n] = byte(v) | 0x80
			n++
		}
	}
	var head [gsrecChunkHead]byte
	gsrecPut32(&head[0], 0, n)
	gsrecPut32(&head[0], 4, gsrecCRC(&gsrec.scratch[0], n))
	gsrecPut32(&head[0], 8, gsrecEndM)
	lock(&gsrec.wlock)
	gsrecWriteAll(&head[0], gsrecChunkHead)
	gsrecWriteAll(&gsrec.scratch[0], int32(n))
	unlock(&gsrec.wlock)
	closefd(gsrec.fd)
}

func gsrecBool(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func gsrecF64(f float64) int64 { return *(*int64)(unsafe.Pointer(&f)) }
