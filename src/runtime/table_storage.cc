// TableElems: heap storage for small tables, anonymous mappings for large ones (see the header).
#include "runtime/table_storage.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace nw {
namespace {

size_t PageBytes() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

size_t MappedBytes(size_t elems) {
  const size_t page = PageBytes();
  return (elems * sizeof(uint64_t) + page - 1) / page * page;
}

}  // namespace

TableElems::~TableElems() {
  if (data_ == nullptr) return;
  if (mapped_) munmap(data_, MappedBytes(capacity_));
  else std::free(data_);
}

bool TableElems::Reserve(size_t capacity) {
  if (capacity > SIZE_MAX / sizeof(uint64_t) / 2) return false;
  if (capacity <= kHeapElems) {
    // Small: a zeroed heap block (the tail past the old capacity is zeroed to keep the
    // invariant).
    auto* p = static_cast<uint64_t*>(std::realloc(data_, capacity * sizeof(uint64_t)));
    if (p == nullptr) return false;
    std::memset(p + capacity_, 0, (capacity - capacity_) * sizeof(uint64_t));
    data_ = p;
    capacity_ = capacity;
    return true;
  }
  // Large: an anonymous mapping; fresh pages read as zero and cost nothing until written.
  // MAP_NORESERVE: untouched capacity is not charged to the commit limit either.
  const size_t bytes = MappedBytes(capacity);
  void* p;
  if (mapped_) {
    p = mremap(data_, MappedBytes(capacity_), bytes, MREMAP_MAYMOVE);
  } else {
    p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0);
    if (p != MAP_FAILED && data_ != nullptr) {
      std::memcpy(p, data_, size_ * sizeof(uint64_t));
      std::free(data_);
    }
  }
  if (p == MAP_FAILED) return false;
  data_ = static_cast<uint64_t*>(p);
  // The mapping's page rounding is usable capacity too (and zero).
  capacity_ = bytes / sizeof(uint64_t);
  mapped_ = true;
  return true;
}

bool TableElems::Grow(size_t n, uint64_t init, size_t max_elems) {
  if (n < size_) return false;
  if (n > capacity_) {
    size_t want = std::max(n, std::min(capacity_ * 2, max_elems));
    if (!Reserve(want)) return false;
  }
  if (init != 0) std::fill(data_ + size_, data_ + n, init);
  size_ = n;
  return true;
}

}  // namespace nw
