// gogcsim recorder: the functions hooks.txt's insertions call, and the
// wrappers of the runtime functions it renames (mspan.sweep and the pacer's
// four calls become ...0). gogcsim's own code, not Go's.
//
// Every hook returns at once when the run does not record. A hook that does
// a shared-state operation for the runtime (an atomic add it replaces) does
// it under gsrecLock with its record, so the record's sequence number orders
// the operation.

package runtime

import (
	"runtime/internal/atomic"
	"unsafe"
)

func gsrecRecording() bool { return atomic.Load(&gsrec.state) == gsrecStateOn }

// mallocgc's A is written by gsrecAlloc after acquirem, on the P that
// serves the request, and its Z by gsrecResult at each of mallocgc's
// returns (hooks.txt). A size-0 request returns before acquirem: gsrecZero
// writes both.
func gsrecZero() {
	if gsrec.state != gsrecStateOn {
		return
	}
	mp := acquirem()
	gsrecAlloc(mp, 0, nil, false)
	releasem(mp)
	gsrecResult(unsafe.Pointer(&zerobase))
}

// gsrecAlloc writes an allocation request as a compact record at the end of
// the M's buffer, unpublished: its Z usually follows with nothing in
// between, and then gsrecResult makes it an AZ. Called under mallocgc's
// acquirem; a stack growth here only writes its MA/MF records before this
// request's. This and gsrecResult are the recorder's cost to every
// allocation: the common case stores four words and the M's state, and
// leaves what the type tells (noscan, nil type) to the encoding.
func gsrecAlloc(mp *m, size uintptr, typ *_type, needzero bool) {
	if gsrec.state != gsrecStateOn && !gsrecOn() {
		return
	}
	st := gsrecMIf(mp)
	gp := mp.curg
	if st == nil || st.pend || gp == nil || mp.p == 0 || uint64(size) >= 1<<32 {
		gsrecAllocSlow(mp, size, typ, needzero)
		return
	}
	r := st.raw()
	n := r.n
	if n+gsrecRoom > gsrecRawWords {
		gsrecAllocSlow(mp, size, typ, needzero)
		return
	}
	h := uint64(gsrecTagAZ) | gsrecCompact | uint64(size)<<32 | uint64(mp.p.ptr().id+1)<<16
	if needzero {
		h |= gsrecNeedzero
	}
	// Indexed stores: a bounds check is a compare, while a store through
	// unsafe pointer arithmetic gets a nil check, a load, which stalls on
	// the buffer's next cache line the first time it is touched.
	r.w[n+1] = uint64(gp.goid)
	r.w[n+2] = uint64(uintptr(unsafe.Pointer(typ)))
	st.pendLen = 3
	// Reading the clock costs as much as the rest of recording an
	// allocation: every 16th allocation reads it, and the first after any
	// other record of this M; the encoding interpolates the others.
	if st.untimed++; st.untimed >= gsrecTimeEvery {
		h |= gsrecTimed
		r.w[n+3] = uint64(nanotime())
		st.pendLen = 4
		st.untimed = 0
	}
	r.w[n] = h
	st.pend, st.pendG = true, gp.goid
}

// gsrecAllocSlow is gsrecAlloc's general case: the M's first record, a
// pending request to publish first, a full buffer, no goroutine or no P,
// or a request too large for the compact form.
func gsrecAllocSlow(mp *m, size uintptr, typ *_type, needzero bool) {
	// A pending request (one whose Z has not come) is published as an A.
	_, st, _ := gsrecReserve(gsrecLocal)
	if st == nil {
		return
	}
	releasem(mp) // mallocgc's acquirem still holds the M
	r := st.raw()
	p, g := gsrecWho(mp)
	if uint64(size) >= 1<<32 || p+1 >= 0xffff {
		gsrecAllocWide(st, size, typ, needzero, p, g)
		return
	}
	h := uint64(gsrecTagAZ) | gsrecCompact | uint64(size)<<32 | uint64(p+1)<<16
	if needzero {
		h |= gsrecNeedzero
	}
	n := r.n
	r.w[n+1] = uint64(g)
	r.w[n+2] = uint64(uintptr(unsafe.Pointer(typ)))
	r.w[n+3] = uint64(nanotime()) // the first after another record: timed
	r.w[n] = h | gsrecTimed
	st.pendLen = 4
	st.untimed = 0
	st.pend, st.pendG = true, g
}

// gsrecAllocWide writes a request too large for the compact form (4 GiB or
// more) as a general A record, timed; its Z follows on its own.
func gsrecAllocWide(st *gsrecM, size uintptr, typ *_type, needzero bool, p, g int64) {
	typsize, ptrdata := int64(0), int64(0)
	if typ != nil {
		typsize, ptrdata = int64(typ.size), int64(typ.ptrdata)
	}
	st.head(gsrecTagA, false, 0, p, g)
	st.f(int64(size))
	st.f(typsize)
	st.f(ptrdata)
	st.f(gsrecTypeFlags(uintptr(unsafe.Pointer(typ))) | 4*gsrecBool(needzero))
	st.t(nanotime())
	st.seal()
	st.untimed = 0
}

// gsrecTypeFlags is an allocation's flags that its type decides: noscan 1,
// nil type 2 (recording_v2.md's A record).
func gsrecTypeFlags(typw uintptr) int64 {
	typ := (*_type)(unsafe.Pointer(typw))
	if typ == nil {
		return 3
	}
	if typ.kind&kindNoPointers != 0 {
		return 1
	}
	return 0
}

// gsrecResult writes mallocgc's result: it makes the pending request an AZ
// if it is this goroutine's, else writes a Z. nosplit, as is all it calls on
// the common path: no preemption point (and no stack growth) before the
// record is written, so the M cannot change under it without acquirem.
//
//go:nosplit
func gsrecResult(x unsafe.Pointer) {
	if gsrec.state != gsrecStateOn {
		return
	}
	mp := getg().m
	st := gsrecMIf(mp)
	if st != nil && st.pend && mp.curg != nil && st.pendG == mp.curg.goid {
		// gsrecAlloc left room for it.
		r := st.raw()
		from := r.n
		n := from + st.pendLen
		r.w[n] = uint64(uintptr(x))
		r.n = n + 1
		r.done = n + 1 // published after the words
		st.pend = false
		if st.count(from, n+1) {
			st.countedSlow(from, n+1)
		}
		return
	}
	gsrecPut(gsrecTagZ, gsrecLocal, 1, int64(uintptr(x)), 0, 0)
}

// heap_live += delta (mcentral hand-out and uncache, large spans).
func gsrecHeapLiveAdd(delta int64) {
	if !gsrecRecording() {
		atomic.Xadd64(&memstats.heap_live, delta)
		return
	}
	mp := gsrecLock()
	v := atomic.Xadd64(&memstats.heap_live, delta)
	if b := gsrecStart(gsrecTagHL, gsrecGlobal); b != nil {
		b.f(delta)
		b.f(int64(v))
		b.live = v
		b.end()
	}
	gsrecUnlock(mp)
}

// heap_scan += local_scan (mheap.alloc_m and freeSpan, under the heap lock).
func gsrecHeapScanAdd(localScan uintptr) {
	if !gsrecRecording() {
		memstats.heap_scan += uint64(localScan)
		return
	}
	mp := gsrecLock()
	memstats.heap_scan += uint64(localScan)
	gsrecPut(gsrecTagHS, gsrecGlobal, 2, int64(localScan), int64(memstats.heap_scan), 0)
	gsrecUnlock(mp)
}

// A sweeper's claim of span s (sweepgen sg-2 -> sg-1).
func gsrecClaim(s *mspan, sg uint32) bool {
	if !gsrecRecording() {
		return atomic.Cas(&s.sweepgen, sg-2, sg-1)
	}
	mp := gsrecLock()
	ok := atomic.Cas(&s.sweepgen, sg-2, sg-1)
	if ok {
		gsrecPut(gsrecTagSC, gsrecGlobal, 2, int64(s.base()), int64(sg), 0)
	}
	gsrecUnlock(mp)
	return ok
}

// pagesSwept += s.npages, at the start of s's sweep.
func gsrecPagesSwept(s *mspan) {
	if !gsrecRecording() {
		atomic.Xadd64(&mheap_.pagesSwept, int64(s.npages))
		return
	}
	mp := gsrecLock()
	v := atomic.Xadd64(&mheap_.pagesSwept, int64(s.npages))
	gsrecPut(gsrecTagSP, gsrecGlobal, 3, int64(s.base()), int64(s.npages), int64(v))
	gsrecUnlock(mp)
}

func gsrecSpan(tag uint8, c *mcentral, s *mspan) {
	if !gsrecRecording() {
		return
	}
	if tag == gsrecTagCS {
		// Local: heap_live as its own add (the HL before it) left it.
		if b := gsrecStart(tag, gsrecLocal); b != nil {
			b.f(int64(c.spanclass))
			b.f(int64(s.base()))
			b.f(int64(s.allocCount))
			b.f(int64(s.freeindex))
			b.f(int64(b.live))
			b.end()
		}
		return
	}
	// UC: heap_live read with the record's number, under the recorder's
	// lock, as the Ps' adds take theirs.
	mp := gsrecLock()
	if b := gsrecStart(tag, gsrecGlobal); b != nil {
		b.f(int64(c.spanclass))
		b.f(int64(s.base()))
		b.f(int64(s.allocCount))
		b.f(int64(atomic.Load64(&memstats.heap_live)))
		b.end()
	}
	gsrecUnlock(mp)
}

// CS at the end of mcentral.cacheSpan; UC inside uncacheSpan's lock.
func gsrecCacheSpan(c *mcentral, s *mspan)   { gsrecSpan(gsrecTagCS, c, s) }
func gsrecUncacheSpan(c *mcentral, s *mspan) { gsrecSpan(gsrecTagUC, c, s) }

// cacheSpan takes span s, inside the mcentral lock: how 1 a swept span
// of the nonempty list, 2 one grown from the heap; 0 (s nil) its walk of
// the lists found none, so that lock section has its place too. (A span
// it sweeps first is its SC claim.)
func gsrecCentralTake(c *mcentral, s *mspan, how int64) {
	if !gsrecRecording() {
		return
	}
	if b := gsrecStart(gsrecTagCT, gsrecGlobal); b != nil {
		b.f(int64(c.spanclass))
		if s != nil {
			b.f(int64(s.base()))
		} else {
			b.f(0)
		}
		b.f(how)
		b.end()
	}
}

// gcSweepBuf.push's slot, ordered with the other pushers'.
func gsrecSweepPush(sb *gcSweepBuf, s *mspan) uintptr {
	if !gsrecRecording() {
		return uintptr(atomic.Xadd(&sb.index, +1) - 1)
	}
	mp := gsrecLock()
	cursor := uintptr(atomic.Xadd(&sb.index, +1) - 1)
	gsrecPut(gsrecTagBU, gsrecGlobal, 2, int64(s.base()), int64(cursor), 0)
	gsrecUnlock(mp)
	return cursor
}

// gcSweepBuf.pop's slot, ordered with the other poppers'.
func gsrecSweepPop(sb *gcSweepBuf) uint32 {
	if !gsrecRecording() {
		return atomic.Xadd(&sb.index, -1)
	}
	mp := gsrecLock()
	cursor := atomic.Xadd(&sb.index, -1)
	gsrecPut(gsrecTagBO, gsrecGlobal, 1, int64(int32(cursor)), 0, 0)
	gsrecUnlock(mp)
	return cursor
}

// flushmcache(i) begins: which thread flushes which P's mcache is decided
// by the mark-root jobs the threads claim.
func gsrecFlushMCache(i int) {
	if !gsrecRecording() {
		return
	}
	mp := gsrecLock()
	gsrecPut(gsrecTagFM, gsrecGlobal, 1, int64(i), 0, 0)
	gsrecUnlock(mp)
}

// A finalizer special added (set) or removed (SetFinalizer(p, nil), or
// queued to run by a sweep) for the object at p.
func gsrecFinalizer(p unsafe.Pointer, set bool) {
	if !gsrecRecording() {
		return
	}
	tag := uint8(gsrecTagSX)
	if set {
		tag = gsrecTagSF
	}
	mp := gsrecLock()
	gsrecPut(tag, gsrecGlobal, 1, int64(uintptr(p)), 0, 0)
	gsrecUnlock(mp)
}

// mTreap.insert's fastrand() priority for span (inside the heap lock), and
// the mspan's own address: the treap orders spans of equal size by it, and
// decides with its shape which of two equal spans an allocation gets.
// (spanalloc takes its chunks from the persistentalloc of whichever P
// refills it, so the addresses do not follow the order of allocation.)
func gsrecTreapPriority(span *mspan) uint32 {
	v := fastrand()
	if !gsrecRecording() {
		return v
	}
	mp := gsrecLock()
	gsrecPut(gsrecTagTP, gsrecGlobal, 3, int64(span.base()), int64(v), int64(uintptr(unsafe.Pointer(span))))
	gsrecUnlock(mp)
	return v
}

// gcSweepBuf.pop's undo when it found the buffer empty (index += 1),
// ordered with the other poppers' Xadds.
func gsrecSweepPopUndo(sb *gcSweepBuf) {
	if !gsrecRecording() {
		atomic.Xadd(&sb.index, +1)
		return
	}
	mp := gsrecLock()
	v := atomic.Xadd(&sb.index, +1)
	gsrecPut(gsrecTagBR, gsrecGlobal, 1, int64(int32(v)), 0, 0)
	gsrecUnlock(mp)
}

// A sweep's release of its span (sweepgen = sg) where no lock orders it.
func gsrecRelease(s *mspan, sg uint32) {
	if !gsrecRecording() {
		atomic.Store(&s.sweepgen, sg)
		return
	}
	// The record's number first: a walker that sees the store (its CT
	// under an mcentral lock, not this one) then comes after it.
	mp := gsrecLock()
	gsrecPut(gsrecTagSE, gsrecGlobal, 2, int64(s.base()), int64(sg), 0)
	atomic.Store(&s.sweepgen, sg)
	gsrecUnlock(mp)
}

// Whether another sweeper holds span s (sweepgen sg-1), for a walk of a
// span list: read under the recorder's lock, ordered with the releases
// (gsrecRelease), and recorded when it does.
func gsrecBeingSwept(s *mspan, sg uint32) bool {
	if !gsrecRecording() {
		return s.sweepgen == sg-1
	}
	mp := gsrecLock()
	held := atomic.Load(&s.sweepgen) == sg-1
	if held {
		gsrecPut(gsrecTagCK, gsrecGlobal, 1, int64(s.base()), 0, 0)
	}
	gsrecUnlock(mp)
	return held
}

// deductSweepCredit's read of pagesSwept (its loop test), ordered with the
// adds of other sweepers.
func gsrecPagesSweptRead() uint64 {
	if !gsrecRecording() {
		return atomic.Load64(&mheap_.pagesSwept)
	}
	mp := gsrecLock()
	v := atomic.Load64(&mheap_.pagesSwept)
	gsrecPut(gsrecTagPW, gsrecGlobal, 1, int64(v), 0, 0)
	gsrecUnlock(mp)
	return v
}

// deductSweepCredit's read of heap_live (its pages target), ordered with
// the Ps' adds.
func gsrecHeapLiveRead() uint64 {
	if !gsrecRecording() {
		return atomic.Load64(&memstats.heap_live)
	}
	mp := gsrecLock()
	v := atomic.Load64(&memstats.heap_live)
	gsrecPut(gsrecTagHR, gsrecGlobal, 1, int64(v), 0, 0)
	gsrecUnlock(mp)
	return v
}

// sweepone's read of sweepdone (set false), or its store of 1 (set true),
// ordered with each other across the sweepers.
func gsrecSweepDone(set bool) uint32 {
	if !gsrecRecording() {
		if set {
			atomic.Store(&mheap_.sweepdone, 1)
			return 1
		}
		return atomic.Load(&mheap_.sweepdone)
	}
	mp := gsrecLock()
	var v uint32
	if set {
		atomic.Store(&mheap_.sweepdone, 1)
		gsrecPut(gsrecTagSN, gsrecGlobal, 0, 0, 0, 0)
	} else {
		v = atomic.Load(&mheap_.sweepdone)
		gsrecPut(gsrecTagSD, gsrecGlobal, 1, int64(v), 0, 0)
	}
	gsrecUnlock(mp)
	return v
}

// deductSweepCredit's first read of sweepPagesPerByte, ordered with the
// zero another P's deductSweepCredit may write (gsrecSweepRateZero).
func gsrecSweepRateRead() float64 {
	if !gsrecRecording() {
		return mheap_.sweepPagesPerByte
	}
	mp := gsrecLock()
	v := mheap_.sweepPagesPerByte
	gsrecPut(gsrecTagDR, gsrecGlobal, 1, gsrecF64(v), 0, 0)
	gsrecUnlock(mp)
	return v
}

// deductSweepCredit's sweepPagesPerByte = 0: nothing was left to sweep.
func gsrecSweepRateZero() {
	if !gsrecRecording() {
		mheap_.sweepPagesPerByte = 0
		return
	}
	mp := gsrecLock()
	mheap_.sweepPagesPerByte = 0
	gsrecPut(gsrecTagDZ, gsrecGlobal, 0, 0, 0, 0)
	gsrecUnlock(mp)
}

// The scavenger released bytes of span s's pages (inside the heap lock).
func gsrecScavenge(s *mspan, released uintptr) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagRV, gsrecGlobal, 2, int64(s.base()), int64(released), 0)
}

// mcentral.freeSpan, inside its lock.
func gsrecCentralFree(c *mcentral, s *mspan, wasempty bool) {
	if !gsrecRecording() {
		return
	}
	if b := gsrecStart(gsrecTagCF, gsrecGlobal); b != nil {
		b.f(int64(c.spanclass))
		b.f(int64(s.base()))
		b.f(int64(s.allocCount))
		b.f(gsrecBool(wasempty))
		b.end()
	}
}

// End of mheap.alloc_m, inside the heap lock: L for a large object's span,
// HA for a span of a size class.
func gsrecAllocSpan(s *mspan, spanclass spanClass, large bool) {
	if !gsrecRecording() || s == nil {
		return
	}
	if large {
		// Under the recorder's lock: heap_live read with the record's
		// number, as the Ps' adds take theirs.
		mp := gsrecLock()
		gsrecPut(gsrecTagL, gsrecGlobal, 3, int64(s.npages), int64(s.base()), int64(atomic.Load64(&memstats.heap_live)))
		gsrecUnlock(mp)
		return
	}
	gsrecPut(gsrecTagHA, gsrecGlobal, 3, int64(spanclass), int64(s.base()), int64(s.npages))
}

func gsrecSpanPages(tag uint8, s *mspan) {
	if !gsrecRecording() || s == nil {
		return
	}
	gsrecPut(tag, gsrecGlobal, 2, int64(s.base()), int64(s.npages), 0)
}

func gsrecHeapFree(s *mspan)    { gsrecSpanPages(gsrecTagHF, s) }
func gsrecAllocManual(s *mspan) { gsrecSpanPages(gsrecTagMA, s) }
func gsrecFreeManual(s *mspan)  { gsrecSpanPages(gsrecTagMF, s) }

// mspan.sweep: F for each object it frees (written by gsrecFrees, after
// the specials are handled), then SW.
func (s *mspan) sweep(preserve bool) bool {
	if !gsrecRecording() {
		return s.sweep0(preserve)
	}
	base, spc, npages, allocCount := s.base(), s.spanclass, s.npages, s.allocCount
	who := int64(0)
	if gp := getg().m.curg; gp != nil && gp == sweep.g {
		who = 66 // the background sweeper
	} else if gp != nil && gp.goid == gsrec.exitG {
		who = 67 // gsrecClose finishing the last cycle's sweep
	}
	res := s.sweep0(preserve)
	if b := gsrecStart(gsrecTagSW, gsrecLocal); b != nil {
		b.f(who)
		b.f(int64(base))
		b.f(int64(spc))
		b.f(int64(npages))
		b.f(int64(allocCount))
		b.f(gsrecBool(preserve))
		b.f(gsrecBool(res))
		b.end()
	}
	return res
}

// The objects s's sweep frees, as one FB record: base, elemsize, the number
// of 64-bit words, then the words, bit i of word w for object 64w+i. An
// object is freed if allocated (below freeindex, or set in allocBits) and
// not marked. Then, if the cycle marked slots where nothing was allocated
// (a stale pointer greys a free slot: Go counts it in work.bytesMarked,
// and the sweep keeps it), an MB record of them, in the same form.
func gsrecFrees(s *mspan) {
	if !gsrecRecording() {
		return
	}
	nwords := (s.nelems + 63) / 64
	var phantom [16]uint64
	any := false
	b := gsrecStart(gsrecTagFB, gsrecLocal)
	if b == nil {
		return
	}
	b.f(int64(s.base()))
	b.f(int64(s.elemsize))
	b.f(int64(nwords))
	for w := uintptr(0); w < nwords; w++ {
		var mark, alloc uint64
		for k := uintptr(0); k < 8; k++ {
			if i := w*8 + k; i*8 < s.nelems {
				mark |= uint64(*s.gcmarkBits.bytep(i)) << (8 * k)
				alloc |= uint64(*s.allocBits.bytep(i)) << (8 * k)
			}
		}
		if lo := w * 64; s.freeindex > lo {
			if s.freeindex-lo >= 64 {
				alloc = ^uint64(0)
			} else {
				alloc |= 1<<(s.freeindex-lo) - 1
			}
		}
		if hi := (w + 1) * 64; hi > s.nelems {
			alloc &= 1<<(64-(hi-s.nelems)) - 1
			mark &= 1<<(64-(hi-s.nelems)) - 1
		}
		b.u(alloc &^ mark)
		phantom[w] = mark &^ alloc
		any = any || phantom[w] != 0
	}
	b.end()
	if !any {
		return
	}
	if b := gsrecStart(gsrecTagMB, gsrecLocal); b != nil {
		b.f(int64(s.base()))
		b.f(int64(s.elemsize))
		b.f(int64(nwords))
		for w := uintptr(0); w < nwords; w++ {
			b.u(phantom[w])
		}
		b.end()
	}
}

// greyobject's (and wbBufFlush1's) atomic.Or8 of the mark bit, as a CAS on the bitmap's word
// that sees whether another marker set the bit since greyobject's check:
// then both count the object in work.bytesMarked (Go's benign race), and
// the recording says so.
func gsrecGrey(obj uintptr, mbits markBits, span *mspan) {
	if !gsrecRecording() {
		atomic.Or8(mbits.bytep, mbits.mask)
		return
	}
	p := uintptr(unsafe.Pointer(mbits.bytep))
	w := (*uint32)(unsafe.Pointer(p &^ 3))
	bit := uint32(mbits.mask) << ((p & 3) * 8) // little-endian
	for {
		old := atomic.Load(w)
		if old&bit != 0 {
			gsrecMarkedTwice(obj, span.elemsize)
			return
		}
		if atomic.Cas(w, old, old|bit) {
			return
		}
	}
}

// gcmarknewobject's setMarked. Its slot may be marked already: a stale
// pointer greyed it while it was free, and Go counts the object's size a
// second time. One markBitsForAddr for both: it finds the span, and a
// second one was 34 M instructions of a recorded churn (callgrind).
func gsrecMarkNew(obj, size uintptr) {
	mb := markBitsForAddr(obj)
	if gsrecRecording() && mb.isMarked() {
		gsrecMarkedTwice(obj, size)
	}
	mb.setMarked()
}

// Global: mark termination's helpers grey too, and a helper's next global
// record may come cycles later; the count belongs before this cycle's HM.
func gsrecMarkedTwice(obj, size uintptr) {
	gsrecPut(gsrecTagDM, gsrecGlobal, 2, int64(obj), int64(size), 0)
}

func gsrecGcStart(kind gcTriggerKind, mode gcMode, now int64) {
	if !gsrecRecording() {
		return
	}
	if b := gsrecStart(gsrecTagGS, gsrecGlobal); b != nil {
		b.f(int64(work.cycles))
		b.f(int64(kind))
		b.f(int64(mode))
		b.f(int64(atomic.Load64(&memstats.heap_live)))
		b.t(now)
		b.end()
	}
}

func gsrecTime(tag uint8, t int64) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(tag, gsrecGlobal, 1, t, 0, 0)
}

func gsrecMarkStart(now int64) { gsrecTime(gsrecTagMS, now) }

func gsrecMarkTermination(t int64, nextTriggerRatio float64) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagMT, gsrecGlobal, 2, t, gsrecF64(nextTriggerRatio), 0)
}

func gsrecHeapMarked() {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagHM, gsrecGlobal, 3, int64(work.bytesMarked), int64(memstats.heap_live), int64(memstats.heap_scan))
}

// gcController.scanWork += n; who 'D' gcDrain, 'N' gcDrainN, 'X' dispose.
func gsrecScanWork(who byte, n int64) { gsrecXadd(&gcController.scanWork, n, gsrecTagW, int64(who)) }

// gcController.bgScanCredit += n; who 'S' stolen, 'F' flushed, 'E' exit.
func gsrecCredit(who byte, n int64) { gsrecXadd(&gcController.bgScanCredit, n, gsrecTagC, int64(who)) }

func gsrecAssistTime(n int64) { gsrecXadd(&gcController.assistTime, n, gsrecTagAT, -1) }

// gsrecXadd does *addr += n (atomically, as the runtime did) under
// gsrecLock with its record: who (unless negative), then n.
func gsrecXadd(addr *int64, n int64, tag uint8, who int64) {
	if !gsrecRecording() {
		atomic.Xaddint64(addr, n)
		return
	}
	mp := gsrecLock()
	atomic.Xaddint64(addr, n)
	if b := gsrecStart(tag, gsrecGlobal); b != nil {
		if who >= 0 {
			b.f(who)
		}
		b.f(n)
		b.end()
	}
	gsrecUnlock(mp)
}

func gsrecAssistStart(gp *g) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagAS, gsrecLocal, 2, gp.goid, gp.gcAssistBytes, 0)
}

func gsrecAssistEnd(gp *g, workDone int64) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagAE, gsrecLocal, 3, gp.goid, workDone, gp.gcAssistBytes)
}

func gsrecCreditQueued(scanWork int64) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagCQ, gsrecGlobal, 1, scanWork, 0, 0)
}

func gsrecGcEnable() {
	if !gsrecRecording() {
		return
	}
	gsrecStartSpooler()
	if b := gsrecStart(gsrecTagH, gsrecGlobal); b != nil {
		b.f(int64(gomaxprocs))
		b.f(int64(gcpercent))
		b.f(int64(heapminimum))
		b.f(int64(mheap_.arena_start))
		b.f(int64(mheap_.arena_used))
		b.t(nanotime())
		b.end()
	}
	// The linker places zerobase; a replay cannot compute it.
	gsrecPut(gsrecTagZB, gsrecGlobal, 1, int64(uintptr(unsafe.Pointer(&zerobase))), 0, 0)
}

// The pacer's four calls, each whole under gsrecLock with its record.

func (c *gcControllerState) revise() {
	if !gsrecRecording() {
		c.revise0()
		return
	}
	mp := gsrecLock()
	live, goal, scan, work := atomic.Load64(&memstats.heap_live), memstats.next_gc, memstats.heap_scan, atomic.Loadint64(&c.scanWork)
	c.revise0()
	if b := gsrecStart(gsrecTagPR, gsrecGlobal); b != nil {
		b.f(int64(gcpercent))
		b.f(int64(live))
		b.f(int64(goal))
		b.f(int64(scan))
		b.f(work)
		b.f(gsrecF64(c.assistWorkPerByte))
		b.f(gsrecF64(c.assistBytesPerWork))
		b.end()
	}
	gsrecUnlock(mp)
}

func (c *gcControllerState) startCycle() {
	if !gsrecRecording() {
		c.startCycle0()
		return
	}
	mp := gsrecLock()
	trigger, marked, ratio, live := memstats.gc_trigger, memstats.heap_marked, memstats.triggerRatio, memstats.heap_live
	c.startCycle0()
	if b := gsrecStart(gsrecTagPS, gsrecGlobal); b != nil {
		b.f(int64(trigger))
		b.f(int64(heapminimum))
		b.f(int64(marked))
		b.f(gsrecF64(ratio))
		b.f(int64(live))
		b.f(int64(gcpercent))
		b.f(int64(gomaxprocs))
		b.f(int64(memstats.heap_marked))
		b.f(int64(memstats.next_gc))
		b.f(c.dedicatedMarkWorkersNeeded)
		b.f(gsrecF64(c.fractionalUtilizationGoal))
		b.end()
	}
	gsrecUnlock(mp)
}

// The nanotime() endCycle reads (hooked where it reads it).
func gsrecEndCycleNow(now int64) { gsrec.endNow = now }

func (c *gcControllerState) endCycle() float64 {
	if !gsrecRecording() {
		return c.endCycle0()
	}
	mp := gsrecLock()
	forced, in, live, marked := work.userForced, memstats.triggerRatio, memstats.heap_live, memstats.heap_marked
	gsrec.endNow = 0
	ratio := c.endCycle0()
	if b := gsrecStart(gsrecTagPE, gsrecGlobal); b != nil {
		b.f(gsrecBool(forced))
		b.f(gsrecF64(in))
		b.f(int64(gcpercent))
		b.f(int64(live))
		b.f(int64(marked))
		b.t(c.markStartTime)
		b.t(gsrec.endNow)
		b.f(c.assistTime)
		b.f(int64(gomaxprocs))
		b.f(gsrecF64(ratio))
		b.end()
	}
	gsrecUnlock(mp)
	return ratio
}

func gcSetTriggerRatio(triggerRatio float64) {
	if !gsrecRecording() {
		gcSetTriggerRatio0(triggerRatio)
		return
	}
	mp := gsrecLock()
	marked, live, sweepdone := memstats.heap_marked, memstats.heap_live, mheap_.sweepdone
	inuse, swept, phase := mheap_.pagesInUse, mheap_.pagesSwept, gcphase
	gcSetTriggerRatio0(triggerRatio)
	if b := gsrecStart(gsrecTagPT, gsrecGlobal); b != nil {
		b.f(gsrecF64(triggerRatio))
		b.f(int64(gcpercent))
		b.f(int64(marked))
		b.f(int64(live))
		b.f(int64(heapminimum))
		b.f(int64(sweepdone))
		b.f(int64(inuse))
		b.f(int64(swept))
		b.f(int64(phase))
		b.f(gsrecF64(memstats.triggerRatio))
		b.f(int64(memstats.gc_trigger))
		b.f(int64(memstats.next_gc))
		b.f(gsrecF64(mheap_.sweepPagesPerByte))
		b.f(int64(mheap_.sweepHeapLiveBasis))
		b.f(int64(mheap_.pagesSweptBasis))
		b.end()
	}
	gsrecUnlock(mp)
}

// Scheduler events.

func gsrecGoStart() { gsrecTime(gsrecTagGB, nanotime()) }

// reason: 1 blocked (park), 2 Gosched, 3 preempted, 4 exit, 5 syscall.
func gsrecGoStop(reason int64) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagGE, gsrecGlobal, 2, reason, nanotime(), 0)
}

// A goroutine enters a syscall (reentersyscall, on the system stack): its P
// may be retaken by sysmon and run by another M, so this M's records so far
// must come before: a global record orders them.
func gsrecSyscall() { gsrecGoStop(5) }

// The M acquires or releases its P (acquirep, releasep). Every move of a P
// between Ms passes here or through gsrecSyscall, and every move of a
// goroutine through GE and GB: so an M's local records, placed before its
// next global record, come before any other M's use of that P or goroutine.
func gsrecProc(acquire bool) {
	if !gsrecRecording() {
		return
	}
	if b := gsrecStart(gsrecTagPP, gsrecGlobal); b != nil {
		b.f(gsrecBool(acquire))
		b.end()
	}
}

func gsrecSysmon(now int64) { gsrecTime(gsrecTagSY, now) }

// kind: 0 a P in a syscall handed off, 1 a preemption request.
func gsrecRetake(pp *p, kind int64) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagSR, gsrecGlobal, 2, int64(pp.id), kind, 0)
}

func gsrecWorldStopped()    { gsrecTime(gsrecTagWS, nanotime()) }
func gsrecWorldRestarting() { gsrecTime(gsrecTagWR, nanotime()) }

func gsrecWorker(pp *p, start bool) {
	if !gsrecRecording() {
		return
	}
	gsrecPut(gsrecTagMW, gsrecGlobal, 3, gsrecBool(start), int64(pp.gcMarkWorkerMode), nanotime())
}
