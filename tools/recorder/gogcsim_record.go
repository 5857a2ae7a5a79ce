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
// in a buffer of its own (256 KiB); a full buffer goes to the spooler, a
// thread of the runtime's own started at gcenable, which appends it to the
// spool file as it is, after the *_types its allocations name: the program
// never waits for the file (unless the spooler falls 64 buffers behind).
// Encoding is `gogcsim record`'s, after the program exits, so that its cost
// is not the program's (traces/recording_spool.h turns the spool into
// format v2). traces/recording_spool.md specifies the spool,
// traces/recording_v2.md the recording.

package runtime

import (
	"runtime/internal/atomic"
	"unsafe"
)

const (
	gsrecSpoolVersion = 1
	gsrecRawWords     = 32 << 10 // a raw buffer: 256 KiB
	gsrecRecWords     = 24       // words one record may take (header 3, FB 3 + 16)
	gsrecMaxQueue     = 64       // raw buffers waiting for the spooler before producers wait
	gsrecMinFree      = 4        // spooled buffers left to cool before reuse
	gsrecTimeEvery    = 16       // an allocation reads the clock at least this often
	gsrecWindow       = 1024     // records of a cost window (RT)
	gsrecPairEvery    = 16       // windows 16k and 16k+1 are a measured pair
	gsrecMaxM         = 10000
	gsrecStateOff     = 2
	gsrecStateOn      = 1
	gsrecStateClose   = 3
	gsrecClosed       = 1 << 63
	gsrecGlobal       = true  // gsrecStart: a record with a sequence number
	gsrecLocal        = false // ordered by its M only
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
)

// 52..55 are the encoder's AN records.
const (
	gsrecTagZB = 56 + iota // runtime.zerobase's address, once at gcenable: addr
	gsrecTagBU             // gcSweepBuf.push takes a slot: base cursor
	gsrecTagBO             // gcSweepBuf.pop takes a slot: cursor (negative: empty)
	gsrecTagSE             // a sweep releases its span (sweepgen store, unlocked): base sweepgen
	gsrecTagFM             // flushmcache(p) begins (a mark-root job, or ReadMemStats): p
	gsrecTagSF             // a finalizer is set on the object at addr: addr
	gsrecTagSX             // the finalizer of the object at addr is removed or queued to run: addr
	gsrecTagHR             // deductSweepCredit reads heap_live: the value
)

// Tags have 6 bits: the last two take the free ones after v1's.
const (
	gsrecTagDR = 25 + iota // deductSweepCredit reads sweepPagesPerByte: the float's bits
	gsrecTagDZ             // deductSweepCredit found nothing left to sweep: sweepPagesPerByte = 0
	gsrecTagSD             // sweepone reads sweepdone: the value
	gsrecTagSN             // sweepone found the unswept buffer empty: sweepdone = 1
	gsrecTagCK             // a walk passes a span another sweeper holds (sweepgen sg-1): base
	gsrecTagMB             // marked free slots a sweep finds: base elemsize nwords, then words (read as MO)
	gsrecTagDM             // an object counted twice in work.bytesMarked: addr size
)

// Extended tags (64..127): the encoder writes tag byte 0, then tag - 64.
const (
	gsrecTagTP = 65 + iota // the treap's random priority for a free span: base priority
	gsrecTagBR             // gcSweepBuf.pop gives its slot back (the buffer was empty): index after
	gsrecTagRT             // an M's cost window ends: t records words twice ncpu
)

// Room a record's writer makes in the buffer: the record, a doubled
// window's copy of it, and an RT.
const gsrecRoom = 3 * gsrecRecWords

// In the spool only: a doubled window's second copy of a record (the
// encoder drops it). Its fields are the record's words.
const gsrecTagCopy = 127

// A raw compact allocation record (see gsrecRaw).
const (
	gsrecCompact  = 1 << 9
	gsrecNeedzero = 1 << 12 // flag 4 (the type gives noscan 1 and nil type 2)
	gsrecTimed    = 1 << 13 // the time word follows the type
)

// gsrecRaw is one M's records as raw words: a header word (tag, global flag,
// field count, P+1), the goroutine id, the sequence number if global, then
// the fields. An allocation's A or AZ is compact (gsrecCompact set, written
// by gsrecAlloc and gsrecResult): header (tag, compact, needzero, timed, P+1 in
// 16 bits, size in the high 32), goroutine, *_type, the time if timed, the
// address (AZ); the encoding expands it. Half the words of the general form:
// the buffer's writes are the recorder's largest cost to an allocation.
type gsrecRaw struct {
	n    uint32 // words used
	done uint32 // words of complete records (what a closer may take)
	mid  uint32
	next uintptr // the spooler's queue
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
	// heap_live as the M's last heap_live add left it (a hand-out's CS
	// says so: a later load would see other Ps' adds in no defined order).
	live uint64
	// The recorder's own time, so that a what-if can take it out of the
	// recorded clock. Timing the recorder's code itself does not work: a
	// record takes a few ns, the clock tens, and its stores cost most
	// after it returns. So an M's records come in windows of gsrecWindow;
	// in one pair of windows of every gsrecPairEvery windows, one window
	// (at random) writes every record twice, the second time as a copy
	// record that goes the way of the others (to the spooler, which drops
	// it): the pair's difference in time is what recording that many
	// words costs, in place, caches and spooler and all (and the doubling
	// adds a sixteenth to the recorder's time, not a half). RT records
	// give each window's end, records and words.
	winRecs  uint32
	winWords uint32
	winIdx   uint32 // windows this M has ended
	winTwice bool   // this window writes its records twice
	// What a doubled global record takes again: a sequence number and
	// gsrecLock's lock, on a line of this M's own.
	_          [64]byte
	shadowSeq  uint64
	shadowLock uint64
}

var gsrec struct {
	// Read on every allocation by every M: state and ms share no cache
	// line with what global records write (seq, owner), which would
	// otherwise move between the Ps' cores at each of those.
	state    uint32 // 0 not yet decided, then gsrecStateOn/Off/Close
	fd       int32
	_        [120]byte
	seq      uint64 // next sequence number; gsrecClosed set once closing
	owner    uint64 // 1 + id of the M holding lock, 0 if free
	depth    int32  // lock re-entries by its owner
	_        [108]byte
	sys      uint64 // bytes of buffers (kept out of memstats)
	endNow   int64  // the nanotime endCycle read
	exitG    int64  // the goroutine of gsrecClose's exit sweep, or -1
	ms       [gsrecMaxM]uintptr
	spooler  uint32    // the spooler thread runs
	qlock    mutex     // the queue, free list and spooler flags
	queue    gsrecList // full buffers for the spooler, oldest first
	qlen     uint32
	free     gsrecList // spooled buffers, oldest first
	nfree    uint32
	sleeping bool // the spooler waits on wake
	wake     note
	never    note // the spooler rests on it once the recording is closed
	// What only the spooler touches, on cache lines of its own, apart from
	// what the program's Ms write.
	_     [128]byte
	elock mutex // one spooler at a time: the file and the type table
	// The *_types already in the spool: an open-addressing set of tcap
	// words (0 empty), and the entries of those new since the last types
	// frame (4 words each).
	types  uintptr
	tcap   uintptr
	ntypes uintptr
	tnew   [4 * 64]uint64
	tnewN  uint32
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
		var head [16]byte
		copy(head[:], "GOGCSIMS")
		head[8] = gsrecSpoolVersion
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

func gsrecPut32(p *byte, off uintptr, v uint32) {
	for i := uintptr(0); i < 4; i++ {
		*(*byte)(add(unsafe.Pointer(p), off+i)) = byte(v >> (8 * i))
	}
}

// gsrecAllocRaw gives an empty raw buffer: the free list's oldest once it
// holds more than gsrecMinFree, else a new one. The spooler's write of a
// buffer leaves its lines in the spooler's CPU's cache; taken back at once
// (as a stack would), each line the M then writes is fetched from that
// CPU first. Reusing the oldest lets them go cold: churn recorded 10%
// faster (a median of 25 runs, 276 ms against 306).
func gsrecAllocRaw(mid uint32) *gsrecRaw {
	lock(&gsrec.qlock)
	var r *gsrecRaw
	if gsrec.nfree > gsrecMinFree {
		r = gsrec.free.pop()
		gsrec.nfree--
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
		s.winTwice = fastrand()&1 != 0
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

// gsrecHandoff gives s's full raw buffer to the spooler (or spools it here
// while there is no spooler thread, before gcenable: no close can run then)
// and gives s an empty one. Once gsrecClose has taken s's records, what
// the buffer holds came after the close: it is dropped.
//
// On the system stack: a goroutine's stack growing in here (mmap of a
// fresh buffer) would allocate a stack span, whose MA record would hand
// off again, on this M, while it holds s.hlock.
func gsrecHandoff(s *gsrecM) {
	systemstack(func() { gsrecHandoff1(s) })
}

func gsrecHandoff1(s *gsrecM) {
	gsrecSpinLock(&s.hlock)
	r := s.raw()
	if s.closed {
		r.n, r.done = 0, 0
		atomic.Store(&s.hlock, 0)
		return
	}
	if atomic.Load(&gsrec.spooler) == 0 {
		lock(&gsrec.elock)
		gsrecSpool(r, r.done)
		unlock(&gsrec.elock)
		r.n, r.done = 0, 0
		atomic.Store(&s.hlock, 0)
		return
	}
	fresh := gsrecAllocRaw(r.mid)
	lock(&gsrec.qlock)
	gsrec.queue.push(r)
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
		osyield() // the spooler is far behind: wait rather than grow
	}
}

// gsrecList is a FIFO of raw buffers linked through next (with qlock).
type gsrecList struct{ head, tail uintptr }

func (l *gsrecList) push(r *gsrecRaw) {
	r.next = 0
	if l.tail != 0 {
		(*gsrecRaw)(unsafe.Pointer(l.tail)).next = uintptr(unsafe.Pointer(r))
	} else {
		l.head = uintptr(unsafe.Pointer(r))
	}
	l.tail = uintptr(unsafe.Pointer(r))
}

func (l *gsrecList) pop() *gsrecRaw {
	r := (*gsrecRaw)(unsafe.Pointer(l.head))
	if r != nil {
		l.head = r.next
		if l.head == 0 {
			l.tail = 0
		}
	}
	return r
}

// gsrecPop takes the oldest queued buffer (with elock), or nil.
func gsrecPop() *gsrecRaw {
	lock(&gsrec.qlock)
	r := gsrec.queue.pop()
	unlock(&gsrec.qlock)
	return r
}

// gsrecFree puts a spooled buffer at the free list's end.
func gsrecFree(r *gsrecRaw) {
	lock(&gsrec.qlock)
	gsrec.free.push(r)
	gsrec.nfree++
	gsrec.qlen--
	unlock(&gsrec.qlock)
}

// gsrecSpooler is the spooler thread's loop (an M of its own, no P, like
// sysmon): it spools the queued raw buffers in order.
func gsrecSpooler() {
	for {
		lock(&gsrec.elock)
		if atomic.Load(&gsrec.state) != gsrecStateOn {
			unlock(&gsrec.elock) // gsrecClose writes what is left
			notesleep(&gsrec.never)
		}
		r := gsrecPop()
		if r == nil {
			lock(&gsrec.qlock)
			if gsrec.queue.head != 0 { // queued since gsrecPop looked
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
		gsrecSpool(r, r.done)
		unlock(&gsrec.elock)
		gsrecFree(r)
	}
}

// gsrecStartSpooler starts the spooler thread (from gcenable: the runtime
// can start threads by then).
func gsrecStartSpooler() {
	systemstack(func() { newm(gsrecSpooler, nil) })
	atomic.Store(&gsrec.spooler, 1)
}

// Spool frames: a 16-byte head (kind, M id, words, zero), then that many
// 8-byte words.
const (
	gsrecFrameBuf   = 1 // an M's raw buffer: its complete records
	gsrecFrameTypes = 2 // *_types, 4 words each: address, size, ptrdata, flags
	gsrecFrameEnd   = 3 // one word: the number of global records
)

// gsrecSpool appends a raw buffer's first words (its complete records) to
// the spool, after a frame of the *_types its allocations name that no
// earlier frame gave (with gsrec.elock).
func gsrecSpool(r *gsrecRaw, words uint32) {
	if words == 0 {
		return
	}
	gsrecNoteTypes(r, words)
	gsrecFrame(gsrecFrameBuf, r.mid, unsafe.Pointer(&r.w[0]), words)
}

func gsrecFrame(kind, mid uint32, p unsafe.Pointer, words uint32) {
	var head [16]byte
	gsrecPut32(&head[0], 0, kind)
	gsrecPut32(&head[0], 4, mid)
	gsrecPut32(&head[0], 8, words)
	gsrecWriteAll(&head[0], 16)
	if words > 0 {
		gsrecWriteAll((*byte)(p), int32(words*8))
	}
}

// gsrecNoteTypes writes a types frame for the *_types that r's compact
// allocation records name and no earlier frame gave (a general A carries
// its type's sizes itself). Run by the spooler: a type read here is one an
// allocation just used, alive.
func gsrecNoteTypes(r *gsrecRaw, words uint32) {
	last := uint64(0)
	for i := uint32(0); i < words; {
		h := r.w[i]
		if h&gsrecCompact != 0 {
			if t := r.w[i+2]; t != 0 && t != last {
				last = t
				gsrecTypeSeen(t)
			}
			i += 3
			if h&gsrecTimed != 0 {
				i++
			}
			if uint8(h) == gsrecTagAZ {
				i++
			}
			continue
		}
		i += 2 + uint32(h>>16)&0xffff
		if h&(1<<8) != 0 {
			i++
		}
	}
	gsrecFlushTypes()
}

func gsrecFlushTypes() {
	if gsrec.tnewN > 0 {
		gsrecFrame(gsrecFrameTypes, 0, unsafe.Pointer(&gsrec.tnew[0]), gsrec.tnewN)
		gsrec.tnewN = 0
	}
}

// gsrecTypeSeen adds t to the set of spooled types, and to the next types
// frame if it is new.
func gsrecTypeSeen(t uint64) {
	if gsrec.ntypes*2 >= gsrec.tcap {
		gsrecTypesGrow()
	}
	tab := (*[1 << 28]uint64)(unsafe.Pointer(gsrec.types))
	i := gsrecTypeSlot(tab, uint64(gsrec.tcap-1), t)
	if tab[i] == t {
		return
	}
	tab[i] = t
	gsrec.ntypes++
	if int(gsrec.tnewN)+4 > len(gsrec.tnew) {
		gsrecFlushTypes()
	}
	typ := (*_type)(unsafe.Pointer(uintptr(t)))
	e := gsrec.tnew[gsrec.tnewN : gsrec.tnewN+4]
	e[0], e[1], e[2], e[3] = t, uint64(typ.size), uint64(typ.ptrdata), uint64(gsrecTypeFlags(uintptr(t)))
	gsrec.tnewN += 4
}

// gsrecTypeSlot is where t is in a type set's table of mask+1 words, or
// the free word where it goes (linear probing; the table is never full).
func gsrecTypeSlot(tab *[1 << 28]uint64, mask, t uint64) uint64 {
	i := (t * 0x9e3779b97f4a7c15 >> 32) & mask
	for tab[i] != 0 && tab[i] != t {
		i = (i + 1) & mask
	}
	return i
}

// gsrecTypesGrow doubles the type set (1,024 words at first).
func gsrecTypesGrow() {
	ncap := uintptr(1024)
	if gsrec.tcap > 0 {
		ncap = 2 * gsrec.tcap
	}
	nt := sysAlloc(ncap*8, &gsrec.sys)
	if nt == nil {
		throw("gogcsim recorder: out of memory")
	}
	old, oldCap := gsrec.types, gsrec.tcap
	gsrec.types, gsrec.tcap, gsrec.ntypes = uintptr(nt), ncap, 0
	tab := (*[1 << 28]uint64)(nt)
	for k := uintptr(0); k < oldCap; k++ {
		if t := *(*uint64)(add(unsafe.Pointer(old), k*8)); t != 0 {
			tab[gsrecTypeSlot(tab, uint64(ncap-1), t)] = t
			gsrec.ntypes++
		}
	}
	if old != 0 {
		sysFree(unsafe.Pointer(old), oldCap*8, &gsrec.sys)
	}
}

// gsrecStart starts a record in this M's buffer: a global one takes the
// next global sequence number; a local one (an allocation, a sweep's frees:
// nothing another P sees) is ordered by its M only. The caller stores the
// tag's fields (f, t, u) and calls end. nil once the recording is closing.
//
// nosplit: its prologue must not be a preemption point. mallocgc's return
// writes the Z right after the allocation (whose releasem may have armed a
// preemption): a goroutine preempted there would let other work run between
// the allocation and its Z. Past acquirem nothing preempts.
//
//go:nosplit
func gsrecStart(tag uint8, global bool) *gsrecM {
	mp, s, seq := gsrecReserve(global)
	if s == nil {
		return nil
	}
	p, g := gsrecWho(mp)
	// An M that takes or gives up a P ends its window, so that a window's
	// time is mostly time its M ran.
	if tag == gsrecTagPP && s.winRecs > 0 {
		s.endWindow(p, g)
	}
	s.head(tag, global, seq, p, g)
	return s
}

// gsrecReserve begins a record: acquirem, the global sequence number if
// global, and this M's state with its pending request published and room
// in its buffer for the record. s is nil (and mp released) once the
// recording is closing.
//
//go:nosplit
func gsrecReserve(global bool) (mp *m, s *gsrecM, seq uint64) {
	mp = acquirem()
	gsrecProbe()
	if global {
		seq = atomic.Xadd64(&gsrec.seq, 1) - 1
		if seq&gsrecClosed != 0 {
			releasem(mp)
			return mp, nil, 0
		}
	} else if gsrec.state != gsrecStateOn {
		releasem(mp)
		return mp, nil, 0
	}
	s = gsrecMIf(mp)
	if s == nil {
		s = gsrecMOf(mp)
	}
	if s.pend {
		gsrecFlushPending(s)
	}
	if s.raw().n+gsrecRoom > gsrecRawWords {
		gsrecHandoff(s)
	}
	return mp, s, seq
}

// gsrecPut writes a whole record of nf (0 to 3) fields: gsrecStart, the
// stores and end in one call. The long way a global record took about 250
// instructions, most of them calls; this is the common case.
//
//go:nosplit
func gsrecPut(tag uint8, global bool, nf uint32, f0, f1, f2 int64) {
	mp, s, seq := gsrecReserve(global)
	if s == nil {
		return
	}
	r := s.raw()
	p, g := gsrecWho(mp)
	n := r.n
	h := uint64(tag) | uint64(nf)<<16 | uint64(p+1)<<32
	k := n + 2
	if global {
		h |= 1 << 8
		r.w[k] = seq
		k++
	}
	r.w[n] = h
	r.w[n+1] = uint64(g)
	// Room for three: gsrecRoom is more than a record.
	r.w[k] = uint64(f0)
	r.w[k+1] = uint64(f1)
	r.w[k+2] = uint64(f2)
	k += nf
	r.n = k
	r.done = k // published after the words
	s.clockAfter(tag)
	if s.count(n, k) {
		s.countedSlow(n, k)
	}
	if global {
		s.doneG++
	}
	releasem(mp)
}

// count adds the record in words [from, to) of the buffer to the M's
// window. True if the window writes it again or is full: then countedSlow
// must follow. The buffer has room: a record's writer made gsrecRoom.
// (Apart, so that the common case inlines.)
//
//go:nosplit
func (s *gsrecM) count(from, to uint32) bool {
	s.winRecs++
	s.winWords += to - from
	return s.winTwice || s.winRecs >= gsrecWindow
}

//go:nosplit
func (s *gsrecM) countedSlow(from, to uint32) {
	if s.winTwice {
		gsrecShadow(s, from, to, s.raw().w[from]&(gsrecCompact|1<<8) == 1<<8)
	}
	if s.winRecs >= gsrecWindow {
		p, g := gsrecWho(getg().m)
		s.endWindow(p, g)
	}
}

// gsrecShadow is a doubled window's second copy of a record, done as the
// first was: the hook's call, acquirem and the recorder's state, the
// stores (as a copy record, into the same buffer); for a global record,
// its sequence number's atomic add and gsrecLock's lock and unlock; for an
// allocation (two hooks), a second call, and its clock read if it has one.
//
//go:noinline
//go:nosplit
func gsrecShadow(s *gsrecM, from, to uint32, global bool) {
	if atomic.Load(&gsrec.state) != gsrecStateOn {
		return
	}
	mp := acquirem()
	r := s.raw()
	h := r.w[from]
	if global {
		atomic.Xadd64(&s.shadowSeq, 1)
		atomic.Cas64(&s.shadowLock, 0, 1)
		atomic.Store64(&s.shadowLock, 0)
	} else if h&gsrecCompact != 0 {
		gsrecShadowHalf(s, h)
	}
	n := r.n
	r.w[n] = gsrecTagCopy | uint64(to-from)<<16
	r.w[n+1] = 0
	for i := from; i < to; i++ {
		r.w[n+2+i-from] = r.w[i]
	}
	r.n = n + 2 + to - from
	r.done = r.n
	releasem(mp)
}

// gsrecShadowHalf is an allocation's other hook, again.
//
//go:noinline
//go:nosplit
func gsrecShadowHalf(s *gsrecM, h uint64) {
	if gsrecMIf(getg().m) != s {
		return
	}
	if h&gsrecTimed != 0 {
		s.shadowSeq += uint64(nanotime()) & 1
	}
}

// endWindow writes the window's RT record (not itself counted) and starts
// the next: in a measured pair, the second is doubled if the first was not.
//
//go:nosplit
func (s *gsrecM) endWindow(p, g int64) {
	r := s.raw()
	s.head(gsrecTagRT, false, 0, p, g)
	r.w[r.n] = uint64(nanotime())
	r.w[r.n+1] = uint64(s.winRecs)
	r.w[r.n+2] = uint64(s.winWords)
	r.w[r.n+3] = uint64(gsrecBool(s.winTwice))
	r.w[r.n+4] = uint64(ncpu)
	r.n += 5
	r.w[s.hdr] |= 5 << 16
	r.done = r.n
	s.winRecs, s.winWords = 0, 0
	s.winIdx++
	switch s.winIdx % gsrecPairEvery {
	case 0: // a measured pair's first window
		s.winTwice = fastrand()&1 != 0
	case 1: // its second: the other way
		s.winTwice = !s.winTwice
	default:
		s.winTwice = false
	}
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
	if atomic.Load64(&gsrec.owner) == uint64(gp.m.id)+1 {
		return // under gsrecLock, which made the room before it took the lock
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
	n := r.n
	s.hdr = n
	h := uint64(tag) | uint64(p+1)<<32
	r.w[n+1] = uint64(g)
	if global {
		r.w[n] = h | 1<<8
		r.w[n+2] = seq
		r.n = n + 3
	} else {
		r.w[n] = h
		r.n = n + 2
	}
	s.global = global
	s.clockAfter(tag)
}

// clockAfter makes the M's next allocation read the clock after a record
// that is not an allocation's own (A, AZ or Z).
//
//go:nosplit
func (s *gsrecM) clockAfter(tag uint8) {
	if tag != gsrecTagA && tag != gsrecTagAZ && tag != gsrecTagZ {
		s.untimed = gsrecTimeEvery
	}
}

// gsrecFlushPending publishes the pending request's compact record as an
// A: its Z will come later, as a record of its own.
//
//go:nosplit
func gsrecFlushPending(s *gsrecM) {
	r := s.raw()
	r.w[r.n] = r.w[r.n]&^0xff | gsrecTagA
	from := r.n
	r.n += s.pendLen
	r.done = r.n
	s.pend = false
	if s.count(from, r.n) {
		s.countedSlow(from, r.n)
	}
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
	if s.count(s.hdr, r.n) {
		s.countedSlow(s.hdr, r.n)
	}
}

func (s *gsrecM) end() {
	global := s.global // a window's RT (in seal) is local
	s.seal()
	if global {
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
//
// The stack never grows while it is held: growing takes mheap.lock (a
// stack span), and the hooks inside mheap.lock's sections take gsrecLock,
// so that would invert the two locks' order and deadlock against another
// M. gsrecProbe makes room for the whole section first, and skips its own
// check inside it.
func gsrecLock() *m {
	mp := acquirem()
	id := uint64(mp.id) + 1
	if atomic.Load64(&gsrec.owner) == id {
		gsrec.depth++
		return mp
	}
	gsrecProbe()
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

// gsrecWaitSweeps waits until every in-use span is swept. Once gosweepone
// finds no span left to pop, another thread may still hold one it popped
// and has not yet claimed (sweepgen sg-2), or one it is sweeping (sg-1),
// and their F records say which objects the last cycle left unmarked: a
// close before they end would cut them from the file. It gives up after
// a second rather than hang the program's exit.
func gsrecWaitSweeps() {
	sg := mheap_.sweepgen
	for deadline := nanotime() + 1e9; nanotime() < deadline; {
		busy := false
		lock(&mheap_.lock)
		for _, s := range mheap_.allspans {
			if st := atomic.Load(&s.sweepgen); s.state == _MSpanInUse && (st == sg-2 || st == sg-1) {
				busy = true
				break
			}
		}
		unlock(&mheap_.lock)
		if !busy {
			return
		}
		osyield()
	}
}

// gsrecClose writes out every M's records and the end frame (the number of
// global records). Called when the program exits (runtime.main's return, os.Exit).
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
	gsrecWaitSweeps()
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
			gsrecSpool(r, r.done)
			gsrecFree(r)
		}
		r := s.raw()
		gsrecSpool(r, atomic.Load(&r.done))
		s.closed = true
		atomic.Store(&s.hlock, 0)
	}
	gsrecFrame(gsrecFrameEnd, 0, unsafe.Pointer(&total), 1)
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
