// Handle tables, reentrance flags and the resource built-ins of the canonical ABI.
#include "component/resource_table.h"

#include <string>

namespace nw::component {

Result<uint32_t> HandleTable::Add(const ResourceHandle& h) {
  uint32_t i;
  if (!free_.empty()) {
    i = free_.back();
    free_.pop_back();
  } else {
    i = static_cast<uint32_t>(slots_.size());
    if (i > kMaxLength) return Trap("handle table full");
    slots_.emplace_back();
  }
  slots_[i].live = true;
  slots_[i].handle = h;
  return i;
}

Result<ResourceHandle*> HandleTable::Get(uint32_t i) {
  if (i >= slots_.size() || !slots_[i].live) [[unlikely]]
    return Trap("unknown handle index " + std::to_string(i));
  return &slots_[i].handle;
}

Result<ResourceHandle> HandleTable::Remove(uint32_t i) {
  NW_TRY_ASSIGN(ResourceHandle * h, Get(i));
  ResourceHandle out = *h;
  slots_[i].live = false;
  slots_[i].async.reset();
  free_.push_back(i);
  return out;
}

Result<uint32_t> HandleTable::AddAsync(std::shared_ptr<AsyncElem> e) {
  NW_TRY_ASSIGN(uint32_t i, Add(ResourceHandle{}));
  slots_[i].async = std::move(e);
  return i;
}

Result<AsyncElem*> HandleTable::GetAsync(uint32_t i) {
  NW_TRY(Get(i));
  return slots_[i].async.get();
}

Result<std::shared_ptr<AsyncElem>> HandleTable::RemoveAsync(uint32_t i) {
  NW_TRY(Get(i));
  std::shared_ptr<AsyncElem> e = std::move(slots_[i].async);
  NW_TRY(Remove(i));
  return e;
}

void HandleTable::OrphanBorrows(const Task* task) {
  for (Slot& s : slots_)
    if (s.live && s.handle.borrow_scope == task) s.handle.borrow_scope = nullptr;
}

bool ComponentInstanceState::InCallerChain(const ComponentInstanceState* caller) const {
  for (const ComponentInstanceState* c = caller; c; c = c->parent_)
    if (c == this) return true;
  return false;
}

bool ComponentInstanceState::MayEnterFrom(const ComponentInstanceState* caller) const {
  for (const ComponentInstanceState* i = this; i; i = i->parent_)
    if (!i->InCallerChain(caller) && !i->may_enter()) return false;
  return true;
}

void ComponentInstanceState::EnterFrom(const ComponentInstanceState* caller) {
  for (ComponentInstanceState* i = this; i; i = i->parent_)
    if (!i->InCallerChain(caller)) i->set_may_enter(false);
}

void ComponentInstanceState::LeaveTo(const ComponentInstanceState* caller) {
  for (ComponentInstanceState* i = this; i; i = i->parent_)
    if (!i->InCallerChain(caller)) i->set_may_enter(true);
}

void Task::OrphanBorrows() {
  // Only a call that trapped ends with borrows outstanding; its handles must not keep a
  // pointer to this task (dropping them later traps instead).
  inst_->handles().OrphanBorrows(this);
}

Status Task::BorrowOutlivesCall() { return Trap("borrow handle outlives the call that lent it"); }

std::vector<ComponentInstanceState*> ComponentInstanceState::EnteringSet(
    const ComponentInstanceState* caller) {
  std::vector<ComponentInstanceState*> out;
  for (ComponentInstanceState* i = this; i; i = i->parent_)
    if (!i->InCallerChain(caller)) out.push_back(i);
  return out;
}

void Subtask::EndLends() {
  for (uint32_t i : lenders_) {
    auto h = inst_->handles().Get(i);
    if (h) --(*h)->num_lends;  // a lent handle cannot be removed, so it is still there
  }
  lenders_.clear();
}

std::unexpected<Error> WrongResourceTypeTrap(uint32_t i, const ResourceType* want,
                                             const ResourceType* got) {
  auto defined = [](const ResourceType* rt) {
    return rt->impl ? "guest-defined resource" : "host-defined resource";
  };
  std::string found = got ? std::string("a different ") + defined(got) : "a stream, future or waitable";
  return Trap("handle index " + std::to_string(i) + " used with the wrong type, expected " +
              defined(want) + " but found " + found);
}

Result<uint32_t> ResourceNew(ComponentInstanceState& inst, const ResourceType& rt, uint32_t rep) {
  if (!inst.may_leave()) return Trap(kTrapCannotLeave);
  return inst.handles().Add(ResourceHandle{&rt, rep, /*own=*/true, nullptr, 0});
}

Status ResourceDrop(ComponentInstanceState& inst, const ResourceType& rt, uint32_t i) {
  if (!inst.may_leave()) return Trap(kTrapCannotLeave);
  NW_TRY_ASSIGN(ResourceHandle * hp, inst.handles().Get(i));
  // The spec removes first and then checks; a failed check traps either way, but keeping a
  // lent handle in place keeps the lender's bookkeeping consistent for the host.
  if (hp->rt != &rt) return WrongResourceTypeTrap(i, &rt, hp->rt);
  if (hp->num_lends != 0) return Trap(kTrapLentOut);
  NW_TRY_ASSIGN(ResourceHandle h, inst.handles().Remove(i));
  if (!h.own) {
    if (!h.borrow_scope) return Trap("borrow handle outlives the call that lent it");
    h.borrow_scope->DropBorrow();
    return Ok();
  }
  // The destructor is a call from inst into rt.impl: the same reentrance check as any call.
  ComponentInstanceState* impl = rt.impl;
  if (impl && !impl->MayEnterFrom(&inst)) return Trap(kTrapCannotEnter);
  if (impl) impl->EnterFrom(&inst);
  Status s = rt.dtor ? rt.dtor(rt.dtor_ctx, h.rep) : Ok();
  if (impl) impl->LeaveTo(&inst);
  return s;
}

Result<uint32_t> ResourceRep(ComponentInstanceState& inst, const ResourceType& rt, uint32_t i) {
  NW_TRY_ASSIGN(ResourceHandle * h, inst.handles().Get(i));
  if (h->rt != &rt) return WrongResourceTypeTrap(i, &rt, h->rt);
  return h->rep;
}

}  // namespace nw::component
