// Names of the AST's enumerations, for messages and the text printer.
#include "component/ast.h"

namespace nw::component {

const char* SortName(Sort s) {
  static constexpr const char* kNames[kNumSorts] = {
      "core func", "core table", "core memory", "core global", "core tag",
      "core type", "core module", "core instance", "func", "value",
      "type", "component", "instance"};
  return kNames[static_cast<size_t>(s)];
}

const char* PrimTypeName(PrimType p) {
  switch (p) {
    case PrimType::kBool: return "bool";
    case PrimType::kS8: return "s8";
    case PrimType::kU8: return "u8";
    case PrimType::kS16: return "s16";
    case PrimType::kU16: return "u16";
    case PrimType::kS32: return "s32";
    case PrimType::kU32: return "u32";
    case PrimType::kS64: return "s64";
    case PrimType::kU64: return "u64";
    case PrimType::kF32: return "f32";
    case PrimType::kF64: return "f64";
    case PrimType::kChar: return "char";
    case PrimType::kString: return "string";
    case PrimType::kErrorContext: return "error-context";
  }
  return "?";
}

const char* CanonKindName(CanonKind k) {
  switch (k) {
    case CanonKind::kLift: return "lift";
    case CanonKind::kLower: return "lower";
    case CanonKind::kResourceNew: return "resource.new";
    case CanonKind::kResourceDrop: return "resource.drop";
    case CanonKind::kResourceRep: return "resource.rep";
    case CanonKind::kTaskCancel: return "task.cancel";
    case CanonKind::kSubtaskCancel: return "subtask.cancel";
    case CanonKind::kTaskReturn: return "task.return";
    case CanonKind::kContextGet: return "context.get";
    case CanonKind::kContextSet: return "context.set";
    case CanonKind::kThreadYield: return "thread.yield";
    case CanonKind::kSubtaskDrop: return "subtask.drop";
    case CanonKind::kStreamNew: return "stream.new";
    case CanonKind::kStreamRead: return "stream.read";
    case CanonKind::kStreamWrite: return "stream.write";
    case CanonKind::kStreamCancelRead: return "stream.cancel-read";
    case CanonKind::kStreamCancelWrite: return "stream.cancel-write";
    case CanonKind::kStreamDropReadable: return "stream.drop-readable";
    case CanonKind::kStreamDropWritable: return "stream.drop-writable";
    case CanonKind::kFutureNew: return "future.new";
    case CanonKind::kFutureRead: return "future.read";
    case CanonKind::kFutureWrite: return "future.write";
    case CanonKind::kFutureCancelRead: return "future.cancel-read";
    case CanonKind::kFutureCancelWrite: return "future.cancel-write";
    case CanonKind::kFutureDropReadable: return "future.drop-readable";
    case CanonKind::kFutureDropWritable: return "future.drop-writable";
    case CanonKind::kErrorContextNew: return "error-context.new";
    case CanonKind::kErrorContextDebugMessage: return "error-context.debug-message";
    case CanonKind::kErrorContextDrop: return "error-context.drop";
    case CanonKind::kWaitableSetNew: return "waitable-set.new";
    case CanonKind::kWaitableSetWait: return "waitable-set.wait";
    case CanonKind::kWaitableSetPoll: return "waitable-set.poll";
    case CanonKind::kWaitableSetDrop: return "waitable-set.drop";
    case CanonKind::kWaitableJoin: return "waitable.join";
    case CanonKind::kBackpressureInc: return "backpressure.inc";
    case CanonKind::kBackpressureDec: return "backpressure.dec";
    case CanonKind::kThreadIndex: return "thread.index";
    case CanonKind::kThreadNewIndirect: return "thread.new-indirect";
    case CanonKind::kThreadResumeLater: return "thread.resume-later";
    case CanonKind::kThreadSuspend: return "thread.suspend";
    case CanonKind::kThreadSuspendThenResume: return "thread.suspend-then-resume";
    case CanonKind::kThreadYieldThenResume: return "thread.yield-then-resume";
    case CanonKind::kThreadSuspendThenPromote: return "thread.suspend-then-promote";
    case CanonKind::kThreadYieldThenPromote: return "thread.yield-then-promote";
    case CanonKind::kThreadSpawnRef: return "thread.spawn-ref";
    case CanonKind::kThreadSpawnIndirect: return "thread.spawn-indirect";
    case CanonKind::kThreadAvailableParallelism: return "thread.available-parallelism";
  }
  return "?";
}

Sort SortOfExternKind(ExternKindC k) {
  switch (k) {
    case ExternKindC::kModule: return Sort::kCoreModule;
    case ExternKindC::kFunc: return Sort::kFunc;
    case ExternKindC::kValue: return Sort::kValue;
    case ExternKindC::kType: return Sort::kType;
    case ExternKindC::kComponent: return Sort::kComponent;
    case ExternKindC::kInstance: return Sort::kInstance;
  }
  return Sort::kFunc;
}

}  // namespace nw::component
