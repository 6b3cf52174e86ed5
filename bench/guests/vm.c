/* An interpreter loop: a small stack-based bytecode VM of our own (switch dispatch over a
 * one-byte opcode, operands inline, locals in frames, calls and returns) running a bytecode
 * program: for each i < n, a loop computes a Collatz length, a recursive function call and a
 * few arithmetic and compare operations, accumulating into a global. Branchy, data-dependent
 * dispatch: the shape of every bytecode interpreter's hot loop. run(n): the program's n. */
#include "guest.h"

enum Op {
  kPush,     /* i32 immediate (4 bytes) */
  kLoad,     /* local index (1 byte) */
  kStore,    /* local index (1 byte) */
  kAdd, kSub, kMul, kAnd, kShr, kXor,
  kLt, kEq,
  kJmp,      /* absolute target (2 bytes) */
  kJz,       /* pop; jump if zero */
  kCall,     /* target (2 bytes), argument count (1 byte) */
  kRet,      /* return top of stack */
  kDup, kDrop,
  kGAdd,     /* pop and add to the global accumulator */
  kHalt,
};

enum { kStackMax = 4096, kFrameMax = 512, kLocals = 8 };

typedef struct {
  uint32_t ret_pc;
  int32_t sp_base;
  int32_t locals[kLocals];
} Frame;

static int32_t stack[kStackMax];
static Frame frames[kFrameMax];
static uint8_t code[512];
static uint32_t code_len;

static void Emit(uint8_t b) { code[code_len++] = b; }
static void EmitI32(int32_t v) {
  for (int i = 0; i < 4; ++i) Emit((uint8_t)((uint32_t)v >> (8 * i)));
}
static void EmitU16(uint32_t v) {
  Emit((uint8_t)v);
  Emit((uint8_t)(v >> 8));
}
static uint32_t Here(void) { return code_len; }
static void Patch(uint32_t at, uint32_t v) {
  code[at] = (uint8_t)v;
  code[at + 1] = (uint8_t)(v >> 8);
}

/* Assembles:
 *   main(n): i = 0; while (i < n) { x = i + 27; steps = 0;
 *              while (!(x == 1)) { if (x & 1) x = 3x + 1 else x = x >> 1; steps++ }
 *              acc += steps ^ tri(i & 15); i++ } halt
 *   tri(k):  k == 0 ? 0 : k + tri(k - 1)                                              */
static uint32_t Assemble(void) {
  code_len = 0;
  /* locals of main: 0 n, 1 i, 2 x, 3 steps */
  Emit(kPush); EmitI32(0); Emit(kStore); Emit(1);
  uint32_t outer = Here();
  Emit(kLoad); Emit(1); Emit(kLoad); Emit(0); Emit(kLt);
  Emit(kJz); uint32_t exit_fix = Here(); EmitU16(0);
  Emit(kLoad); Emit(1); Emit(kPush); EmitI32(27); Emit(kAdd); Emit(kStore); Emit(2);
  Emit(kPush); EmitI32(0); Emit(kStore); Emit(3);
  uint32_t inner = Here();
  Emit(kLoad); Emit(2); Emit(kPush); EmitI32(1); Emit(kEq);
  Emit(kPush); EmitI32(0); Emit(kEq); /* not */
  Emit(kJz); uint32_t inner_exit = Here(); EmitU16(0);
  Emit(kLoad); Emit(2); Emit(kPush); EmitI32(1); Emit(kAnd);
  Emit(kJz); uint32_t even_fix = Here(); EmitU16(0);
  Emit(kLoad); Emit(2); Emit(kPush); EmitI32(3); Emit(kMul); Emit(kPush); EmitI32(1); Emit(kAdd);
  Emit(kStore); Emit(2);
  Emit(kJmp); uint32_t join_fix = Here(); EmitU16(0);
  Patch(even_fix, Here());
  Emit(kLoad); Emit(2); Emit(kPush); EmitI32(1); Emit(kShr); Emit(kStore); Emit(2);
  Patch(join_fix, Here());
  Emit(kLoad); Emit(3); Emit(kPush); EmitI32(1); Emit(kAdd); Emit(kStore); Emit(3);
  Emit(kJmp); EmitU16(inner);
  Patch(inner_exit, Here());
  Emit(kLoad); Emit(3);
  Emit(kLoad); Emit(1); Emit(kPush); EmitI32(15); Emit(kAnd);
  Emit(kCall); uint32_t call_fix = Here(); EmitU16(0); Emit(1);
  Emit(kXor); Emit(kGAdd);
  Emit(kLoad); Emit(1); Emit(kPush); EmitI32(1); Emit(kAdd); Emit(kStore); Emit(1);
  Emit(kJmp); EmitU16(outer);
  Patch(exit_fix, Here());
  Emit(kHalt);
  /* tri(k): local 0 k */
  uint32_t tri = Here();
  Patch(call_fix, tri);
  Emit(kLoad); Emit(0); Emit(kPush); EmitI32(0); Emit(kEq);
  Emit(kJz); uint32_t rec_fix = Here(); EmitU16(0);
  Emit(kPush); EmitI32(0); Emit(kRet);
  Patch(rec_fix, Here());
  Emit(kLoad); Emit(0);
  Emit(kLoad); Emit(0); Emit(kPush); EmitI32(1); Emit(kSub);
  Emit(kCall); EmitU16(tri); Emit(1);
  Emit(kAdd); Emit(kRet);
  return code_len;
}

/* Runs the program; returns the accumulator, or a negative code on a VM fault. */
static int64_t Execute(int32_t n) {
  int64_t acc = 0;
  uint32_t pc = 0;
  int32_t sp = 0, fp = 0;
  frames[0].locals[0] = n;
  frames[0].sp_base = 0;
  for (;;) {
    uint8_t op = code[pc++];
    switch (op) {
      case kPush:
        stack[sp++] = (int32_t)((uint32_t)code[pc] | (uint32_t)code[pc + 1] << 8 |
                                (uint32_t)code[pc + 2] << 16 | (uint32_t)code[pc + 3] << 24);
        pc += 4;
        break;
      case kLoad: stack[sp++] = frames[fp].locals[code[pc++]]; break;
      case kStore: frames[fp].locals[code[pc++]] = stack[--sp]; break;
      case kAdd: --sp; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); break;
      case kSub: --sp; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); break;
      case kMul: --sp; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
      case kAnd: --sp; stack[sp - 1] &= stack[sp]; break;
      case kXor: --sp; stack[sp - 1] ^= stack[sp]; break;
      case kShr: --sp; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> (stack[sp] & 31)); break;
      case kLt: --sp; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case kEq: --sp; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case kJmp: pc = (uint32_t)code[pc] | (uint32_t)code[pc + 1] << 8; break;
      case kJz:
        if (stack[--sp] == 0) pc = (uint32_t)code[pc] | (uint32_t)code[pc + 1] << 8;
        else pc += 2;
        break;
      case kCall: {
        uint32_t target = (uint32_t)code[pc] | (uint32_t)code[pc + 1] << 8;
        uint8_t argc = code[pc + 2];
        if (fp + 1 >= kFrameMax) return -1;
        Frame* f = &frames[++fp];
        f->ret_pc = pc + 3;
        for (int i = argc - 1; i >= 0; --i) f->locals[i] = stack[--sp];
        f->sp_base = sp;
        pc = target;
        break;
      }
      case kRet: {
        int32_t v = stack[sp - 1];
        sp = frames[fp].sp_base;
        pc = frames[fp].ret_pc;
        --fp;
        stack[sp++] = v;
        break;
      }
      case kDup: stack[sp] = stack[sp - 1]; ++sp; break;
      case kDrop: --sp; break;
      case kGAdd: acc += stack[--sp]; break;
      case kHalt: return acc;
      default: return -2;
    }
    if (sp < 0 || sp >= kStackMax - 8) return -3;
  }
}

long long run(int n) {
  uint32_t len = Assemble();
  uint64_t h = GuestMix(0, len);
  /* Several program runs of growing size, so both short and long loops count. */
  for (int k = 1; k <= 4; ++k) h = GuestMix(h, (uint64_t)Execute(n * k / 4));
  return (long long)h;
}
