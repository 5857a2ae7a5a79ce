#include "sim/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

#include "sim/check.h"

#if defined(__SANITIZE_ADDRESS__)
#define GOGCSIM_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOGCSIM_FIBER_ASAN 1
#endif
#endif
#ifdef GOGCSIM_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#if !defined(__x86_64__)
#error "sim/fiber.cc switches stacks on x86-64 only"
#endif

extern "C" {
// Saves the callee-saved registers, MXCSR and the x87 control word on the
// current stack, stores the stack pointer in *save_sp, and continues on
// to_sp, as saved by an earlier switch (or laid out by the Fiber
// constructor).
void gogcsim_fiber_switch(void** save_sp, void* to_sp);
// A new fiber's first return address: calls gogcsim_fiber_main, which
// never returns.
void gogcsim_fiber_trampoline();
void gogcsim_fiber_main();
}

asm(R"(
  .text
  .globl gogcsim_fiber_switch
  .type gogcsim_fiber_switch, @function
gogcsim_fiber_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $16, %rsp
  stmxcsr 8(%rsp)
  fnstcw 12(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr 8(%rsp)
  fldcw 12(%rsp)
  addq $16, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size gogcsim_fiber_switch, .-gogcsim_fiber_switch

  .globl gogcsim_fiber_trampoline
  .type gogcsim_fiber_trampoline, @function
gogcsim_fiber_trampoline:
  call gogcsim_fiber_main@PLT
  ud2
  .size gogcsim_fiber_trampoline, .-gogcsim_fiber_trampoline
)");

namespace gogcsim::sim {
namespace {

thread_local Fiber* current = nullptr;

#ifdef GOGCSIM_FIBER_ASAN
constexpr size_t kStackScale = 4;  // AddressSanitizer's redzones widen frames
#else
constexpr size_t kStackScale = 1;
#endif

}  // namespace

Fiber::Fiber(std::function<void()> body, size_t stack_bytes) : body_(std::move(body)) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = (stack_bytes * kStackScale + page - 1) / page * page;
  guard_ = page;
  mapped_ = bytes + page;
  stack_ = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  GOGCSIM_CHECK(stack_ != MAP_FAILED);
  GOGCSIM_CHECK(mprotect(stack_, page, PROT_NONE) == 0);  // the guard page, below the stack
#ifdef GOGCSIM_FIBER_ASAN
  // A stack unmapped earlier at this address may have left its frames'
  // redzones poisoned in AddressSanitizer's shadow.
  __asan_unpoison_memory_region(static_cast<char*>(stack_) + guard_, mapped_ - guard_);
#endif
  // The frame gogcsim_fiber_switch pops: the 16 bytes of control words,
  // six registers, then the trampoline as return address, whose first
  // instruction sees a 16-byte aligned stack as after a call.
  auto* top = reinterpret_cast<uint64_t*>(static_cast<char*>(stack_) + mapped_);
  *--top = reinterpret_cast<uint64_t>(&gogcsim_fiber_trampoline);
  for (int i = 0; i < 6; i++) *--top = 0;
  *--top = uint64_t{0x037f} << 32 | 0x1f80;  // x87 control word, MXCSR: the defaults
  *--top = 0;
  sp_ = top;
}

Fiber::~Fiber() {
  GOGCSIM_CHECK(!running_);
#ifdef GOGCSIM_FIBER_ASAN
  __asan_unpoison_memory_region(static_cast<char*>(stack_) + guard_, mapped_ - guard_);
#endif
  munmap(stack_, mapped_);
}

Fiber* Fiber::Current() { return current; }

void Fiber::Resume() {
  GOGCSIM_CHECK(!done_ && !running_);
  Fiber* const resumer = current;
  running_ = true;
  current = this;
#ifdef GOGCSIM_FIBER_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, static_cast<char*>(stack_) + guard_, mapped_ - guard_);
#endif
  gogcsim_fiber_switch(&resumer_sp_, sp_);
#ifdef GOGCSIM_FIBER_ASAN
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
  current = resumer;
  if (done_ && error_) {
    std::exception_ptr e = std::exchange(error_, nullptr);
    std::rethrow_exception(e);
  }
}

void Fiber::Yield() {
  Fiber* const f = current;
  GOGCSIM_CHECK(f != nullptr);
  f->running_ = false;
#ifdef GOGCSIM_FIBER_ASAN
  __sanitizer_start_switch_fiber(&f->asan_fake_, f->resumer_bottom_, f->resumer_size_);
#endif
  gogcsim_fiber_switch(&f->sp_, f->resumer_sp_);
#ifdef GOGCSIM_FIBER_ASAN
  __sanitizer_finish_switch_fiber(f->asan_fake_, &f->resumer_bottom_, &f->resumer_size_);
#endif
}

void Fiber::Main() {
  Fiber* const f = current;
#ifdef GOGCSIM_FIBER_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &f->resumer_bottom_, &f->resumer_size_);
#endif
  try {
    f->body_();
  } catch (...) {
    f->error_ = std::current_exception();
  }
  f->done_ = true;
  f->running_ = false;
#ifdef GOGCSIM_FIBER_ASAN
  __sanitizer_start_switch_fiber(nullptr, f->resumer_bottom_, f->resumer_size_);  // leaving for good
#endif
  void* unused;
  gogcsim_fiber_switch(&unused, f->resumer_sp_);
  __builtin_unreachable();
}

}  // namespace gogcsim::sim

extern "C" void gogcsim_fiber_main() { gogcsim::sim::Fiber::Main(); }
