// Per-instance runtime state of the canonical ABI for synchronous calls: the handle table with
// own/borrow resource handles, lend counts and borrow scopes, resource types with their
// destructors, the may_enter/may_leave reentrance flags with the parent chain, and the
// resource.new / resource.drop / resource.rep built-ins (CanonicalABI.md "Runtime State",
// "canon resource.*", definitions.py's ComponentInstance, Table, ResourceHandle, Task,
// Subtask).
//
// Not here: waitables, streams, futures, error-contexts and threads (the async half); the
// handle table keeps a kind per slot so they can be added.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "component/canon_options.h"

namespace nw::component {

class ComponentInstanceState;
class Task;

// A resource type defined by `impl` with an optional destructor. The destructor is a lifted
// core function of impl in the spec: the callback runs it (rep) and returns its trap if any.
struct ResourceType {
  ComponentInstanceState* impl = nullptr;
  Status (*dtor)(void* ctx, uint32_t rep) = nullptr;
  void* dtor_ctx = nullptr;
};

struct AsyncElem;      // async_runtime.h: waitables, waitable sets, error-contexts
struct AsyncInstance;  // async_runtime.h: an instance's async state
struct AsyncValueOps;  // canon_context.h: lift/lower of stream and future values

struct ResourceHandle {
  const ResourceType* rt = nullptr;  // null in a slot holding an async element
  uint32_t rep = 0;
  bool own = false;
  Task* borrow_scope = nullptr;  // for a borrow handle: the callee task that received it
  uint32_t num_lends = 0;
};

// The trap of a handle of another type than the operation's: "handle index I used with the wrong
// type, expected ... but found ..." (the suite's wording; got is null for an async element).
[[gnu::cold]] std::unexpected<Error> WrongResourceTypeTrap(uint32_t i, const ResourceType* want,
                                                           const ResourceType* got);

// The table of handles of one component instance (definitions.py's Table): index 0 is never
// used, freed indices are reused last-freed-first, at most 2^28-1 entries.
class HandleTable {
 public:
  static constexpr uint32_t kMaxLength = (1u << 28) - 1;

  HandleTable() : slots_(1) {}

  Result<uint32_t> Add(const ResourceHandle& h);
  // get(i) with its traps (out of range, empty slot).
  Result<ResourceHandle*> Get(uint32_t i);
  // remove(i) with the traps of get.
  Result<ResourceHandle> Remove(uint32_t i);
  // Slots holding an async element (a waitable, waitable set or error-context; async_runtime.h)
  // share the index space: Get(i) of such a slot gives a handle with rt null. GetAsync gives
  // the element (null for a resource handle), with the traps of get.
  Result<uint32_t> AddAsync(std::shared_ptr<AsyncElem> e);
  Result<AsyncElem*> GetAsync(uint32_t i);
  Result<std::shared_ptr<AsyncElem>> RemoveAsync(uint32_t i);

  size_t live_count() const { return slots_.size() - 1 - free_.size(); }
  // Borrow handles of a task that ended by a trap point to no task any more.
  void OrphanBorrows(const Task* task);

 private:
  struct Slot {
    bool live = false;
    ResourceHandle handle;
    std::shared_ptr<AsyncElem> async;
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
};

class ComponentInstanceState {
 public:
  explicit ComponentInstanceState(ComponentInstanceState* parent = nullptr) : parent_(parent) {}
  ComponentInstanceState(const ComponentInstanceState&) = delete;
  ComponentInstanceState& operator=(const ComponentInstanceState&) = delete;

  // may_enter_from / enter_from / leave_to over the entering set: this instance and its
  // ancestors that are not also the caller or the caller's ancestors. caller null = the host.
  bool MayEnterFrom(const ComponentInstanceState* caller) const;
  void EnterFrom(const ComponentInstanceState* caller);
  void LeaveTo(const ComponentInstanceState* caller);
  // The instances EnterFrom(caller) and LeaveTo(caller) flip (this one and those of its
  // ancestors outside the caller's chain): fixed, as parents never change, so a call path
  // compiled once (fused_adapter.h) keeps the list and flips may_enter itself.
  std::vector<ComponentInstanceState*> EnteringSet(const ComponentInstanceState* caller);
  void set_may_enter(bool v) { *may_enter_ = v; }

  ComponentInstanceState* parent() const { return parent_; }
  HandleTable& handles() { return handles_; }
  bool may_enter() const { return *may_enter_ != 0; }
  bool may_leave() const { return *may_leave_ != 0; }
  void set_may_leave(bool v) { *may_leave_ = v; }
  // Moves the two flags into storage that lives as long as this state: the value words of two
  // mutable i32 core globals, so that a fused adapter's compiled code reads and writes them
  // (wasm_adapter.h). Once per state; the values carry over.
  void BindFlags(uint64_t* may_enter, uint64_t* may_leave) {
    *may_enter = *may_enter_;
    *may_leave = *may_leave_;
    may_enter_ = may_enter;
    may_leave_ = may_leave;
  }
  bool flags_bound() const { return may_enter_ != &own_flags_[0]; }
  // Set once the instance defines an async option or built-in (async_runtime.h).
  AsyncInstance* async_state = nullptr;
  const AsyncValueOps* async_ops = nullptr;
  // Set when a sync lower of an async-typed callee is made for this instance: its core frames
  // may then block (async_runtime.cc runs its callback tasks on host threads).
  bool frames_may_block = false;

 private:
  bool InCallerChain(const ComponentInstanceState* caller) const;

  ComponentInstanceState* parent_;
  HandleTable handles_;
  uint64_t own_flags_[2] = {1, 1};  // may_enter, may_leave until BindFlags
  uint64_t* may_enter_ = &own_flags_[0];
  uint64_t* may_leave_ = &own_flags_[1];
};

// The callee side of a sync call (definitions.py's Task, reduced to what sync calls use): the
// borrow scope of borrow handles lowered into the callee.
class Task {
 public:
  explicit Task(ComponentInstanceState* inst) : inst_(inst) {}
  // Inline: every component-to-component call makes a Task; only one that trapped with
  // borrows outstanding has anything to release.
  ~Task() {
    if (num_borrows_ != 0) [[unlikely]] OrphanBorrows();
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  ComponentInstanceState* inst() const { return inst_; }
  uint32_t num_borrows() const { return num_borrows_; }
  void AddBorrow() { ++num_borrows_; }
  void DropBorrow() { --num_borrows_; }
  // task.return_: traps while a borrow lowered into this call is still held.
  Status Return() {
    if (num_borrows_ > 0) [[unlikely]] return BorrowOutlivesCall();
    return Ok();
  }

 private:
  void OrphanBorrows();
  static Status BorrowOutlivesCall();
  ComponentInstanceState* inst_;
  uint32_t num_borrows_ = 0;
};

// The caller side of a sync call (definitions.py's Subtask, reduced): the caller's handles
// lent to the callee for the call's duration.
class Subtask {
 public:
  explicit Subtask(ComponentInstanceState* inst) : inst_(inst) {}
  void AddLender(uint32_t handle_index, ResourceHandle& h) {
    ++h.num_lends;
    lenders_.push_back(handle_index);
  }
  // deliver_resolve: the lends end.
  void DeliverResolve() {
    if (!lenders_.empty()) EndLends();
  }

 private:
  void EndLends();
  ComponentInstanceState* inst_;
  std::vector<uint32_t> lenders_;
};

// canon resource.new / resource.drop / resource.rep, run by `inst` (the current instance).
Result<uint32_t> ResourceNew(ComponentInstanceState& inst, const ResourceType& rt, uint32_t rep);
Status ResourceDrop(ComponentInstanceState& inst, const ResourceType& rt, uint32_t i);
Result<uint32_t> ResourceRep(ComponentInstanceState& inst, const ResourceType& rt, uint32_t i);

}  // namespace nw::component
