// The element array of a table: memory proportional to what the guest uses, not to what it
// declares. A table of 10 million null elements is one reservation of address space whose
// pages stay untouched (the kernel's zero pages) until an element is written; growing moves the
// mapping (mremap) instead of copying or touching it. Small tables live on the heap so that a
// module with thousands of tiny tables does not spend a mapping each (vm.max_map_count).
// Allocation never throws: a failure is a value, so table.grow returns -1 and instantiation
// reports an error instead of std::bad_alloc ending the host.
// Not here: the table's type, limits and the store's limits (TableObj in vm.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nw {

class TableElems {
 public:
  // Capacity (in elements) up to which storage is a heap block; larger tables are mappings.
  static constexpr size_t kHeapElems = 2048;  // 16 KiB

  TableElems() = default;
  ~TableElems();
  TableElems(const TableElems&) = delete;
  TableElems& operator=(const TableElems&) = delete;

  size_t size() const { return size_; }
  uint64_t* data() { return data_; }
  const uint64_t* data() const { return data_; }
  uint64_t* begin() { return data_; }
  const uint64_t* begin() const { return data_; }
  uint64_t& operator[](size_t i) { return data_[i]; }
  uint64_t operator[](size_t i) const { return data_[i]; }

  // Grows to n >= size() elements, the new ones set to `init`; capacity grows geometrically
  // but never beyond `max_elems` (the most the table may ever hold). False, with nothing
  // changed, when the storage cannot be had.
  bool Grow(size_t n, uint64_t init, size_t max_elems);
  // Bytes of storage held (reserved capacity), for accounting and tests.
  size_t capacity_bytes() const { return capacity_ * sizeof(uint64_t); }

 private:
  bool Reserve(size_t capacity);

  // Invariant: data_[size_, capacity_) is zero, so null elements need no writes.
  uint64_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  bool mapped_ = false;  // data_ is an mmap of capacity_ elements (rounded to pages)
};

}  // namespace nw
