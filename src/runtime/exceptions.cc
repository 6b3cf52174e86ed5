// Exception handling's store objects (Features::exceptions): tags and exceptions. A tag is an
// identity with a type; an exception is a tag plus its payload, referenced from wasm by exnref
// slot words. Exceptions are owned by the store and reclaimed here when unreachable, so a
// guest throwing in a loop runs in bounded memory. Throwing and unwinding are the tier's
// business (src/interp/unwind.cc); nothing here runs on a path that does not throw.
#include <unordered_set>

#include "runtime/vm.h"

namespace nw {

TagObj* NewTagObj(Store& store, const FuncType& type) {
  auto t = std::make_unique<TagObj>();
  t->type_ = type;
  t->type_id_ = InternFuncType(type);
  auto& v = store.impl().tags;
  v.push_back(std::move(t));
  return v.back().get();
}

Tag* Tag::Create(Store& store, FuncType type) {
  if (!type.results.empty()) return nullptr;
  return NewTagObj(store, type);
}

const FuncType& Tag::type() const { return static_cast<const TagObj*>(this)->type_; }

namespace {

// Marks the exceptions reachable from the roots and frees the rest. Conservative: any word
// equal to a live exception's address keeps it (an i64 that happens to look like one only
// delays its reclamation). Exnref globals and tables are exact roots.
void CollectExceptions(Store::Impl& s, std::span<const uint64_t> roots, const ExnObj* pending) {
  std::unordered_set<uint64_t> live;
  live.reserve(s.exceptions.size() * 2);
  for (const auto& e : s.exceptions) {
    e->marked = false;
    live.insert(reinterpret_cast<uint64_t>(e.get()));
  }
  std::vector<ExnObj*> work;
  auto mark = [&](uint64_t w) {
    if (w == 0 || !live.contains(w)) return;
    auto* e = reinterpret_cast<ExnObj*>(w);
    if (e->marked) return;
    e->marked = true;
    work.push_back(e);
  };
  for (const auto& e : s.exceptions)
    if (e->pinned) mark(reinterpret_cast<uint64_t>(e.get()));
  for (uint64_t w : roots) mark(w);
  mark(reinterpret_cast<uint64_t>(pending));
  for (const auto& g : s.globals)
    if (g->type_.type == ValType::kExnRef) mark(g->def_.lo);
  for (const auto& t : s.tables)
    if (t->elem_type_ == ValType::kExnRef)
      for (size_t i = 0; i < t->elems_.size(); ++i) mark(t->elems_[i]);
  while (!work.empty()) {
    ExnObj* e = work.back();
    work.pop_back();
    for (uint64_t w : e->payload) mark(w);
  }
  std::erase_if(s.exceptions, [](const std::unique_ptr<ExnObj>& e) { return !e->marked; });
}

}  // namespace

ExnObj* NewExnObj(Store& store, TagObj* tag, std::span<const uint64_t> payload,
                  std::span<const uint64_t> roots, const ExnObj* pending) {
  Store::Impl& s = store.impl();
  try {
    if (s.exceptions.size() >= s.exn_collect_at) {
      CollectExceptions(s, roots, pending);
      // Amortized: the next collection waits until the live set has doubled.
      s.exn_collect_at = std::max<size_t>(1024, 2 * s.exceptions.size());
    }
    auto e = std::make_unique<ExnObj>();
    e->tag = tag;
    e->payload.assign(payload.begin(), payload.end());
    s.exceptions.push_back(std::move(e));
    return s.exceptions.back().get();
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

}  // namespace nw
