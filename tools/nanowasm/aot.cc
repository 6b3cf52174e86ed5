// `nanowasm compile` (AOT artifacts, docs/aot.md) and the artifact half of `nanowasm run`:
// compile a module with the opt tier into a `.nwc` artifact; check one (`--check`: read, verify
// and map it, print its header and the load time); map an artifact file for `run`. Compiling
// needs a build with LLVM; checking and running do not.
// Not here: the artifact format (src/aot), the opt tier's side of it (src/opt/artifact.h).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "aot/artifact.h"
#include "format/decode.h"
#include "format/encode.h"
#include "opt/aot_tier.h"
#include "opt/artifact.h"
#include "tools/nanowasm/aot.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"
#include "validate/validate.h"

namespace nwcli {
namespace {

// A file mapped read-only (an artifact is read in place: no copy of its object bytes).
class MappedFile {
 public:
  static nw::Result<MappedFile> Open(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nw::MakeError(path + ": " + std::strerror(errno));
    struct stat st;
    MappedFile f;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      return nw::MakeError(path + ": not a regular file");
    }
    f.size_ = static_cast<size_t>(st.st_size);
    if (f.size_ > 0) {
      void* p = mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        close(fd);
        return nw::MakeError(path + ": cannot map: " + std::strerror(errno));
      }
      f.data_ = static_cast<uint8_t*>(p);
    }
    close(fd);
    return f;
  }
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr; }
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile() {
    if (data_) munmap(data_, size_);
  }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// The options `run` would compile with under the same configuration (CodeOptionsFor), so
// that the artifact loads there; plus the target and level, which do not affect loading.
nw::opt::Options OptionsOf(const CompileOptions& o) {
  nw::Config config = ArtifactEngineConfig({});
  if (o.canonical_nans) config.canonicalize_nans = nw::Config::NanCanonicalization::kAll;
  config.opt_relaxed_traps = o.relaxed_traps;
  nw::opt::Options options = nw::opt::CodeOptionsFor(config);
  options.opt_level = o.opt_level;
  options.host_cpu = o.target == "native";
  return options;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "nanowasm compile: %s\n", message.c_str());
  return 1;
}

// Verifies and maps the artifact as `run` does (Module::Deserialize on the opt tier), prints
// its header, and times that load: the first one, then the median and minimum of 50 more.
int Check(const CompileOptions& o) {
  auto file = MappedFile::Open(o.in);
  if (!file) return Fail(file.error().message);
  nw::Config config = ArtifactEngineConfig({});
  if (o.canonical_nans) config.canonicalize_nans = nw::Config::NanCanonicalization::kAll;
  config.opt_relaxed_traps = o.relaxed_traps;
  config.features.multi_memory = o.multi_memory;
  nw::Engine engine(config);
  auto load = [&] {
    auto t0 = std::chrono::steady_clock::now();
    auto m = nw::Module::Deserialize(engine, file->bytes());
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return std::make_pair(std::move(m), ms);
  };
  auto [first, first_ms] = load();
  if (!first)
    return Fail(MultiMemoryHint(FormatBinaryError(o.in, first.error()), config.features,
                                "--multi-memory"));
  std::vector<double> times;
  for (int i = 0; i < 50; ++i) times.push_back(load().second);
  std::sort(times.begin(), times.end());
  // The header, read again without the engine (which keeps no copy of it).
  auto loaded = nw::opt::LoadArtifact(file->bytes(), nw::opt::CodeConfigOf(OptionsOf(o)));
  if (!loaded) return Fail(FormatBinaryError(o.in, loaded.error()));
  const nw::aot::Artifact& a = loaded->artifact;
  std::printf("%s: nanowasm %s artifact, format %u, opt level %u\n", o.in.c_str(),
              a.engine_version.c_str(), nw::aot::kFormatVersion, a.opt_level);
  std::printf("  target: %s (%zu features), all present on this host\n", a.cpu.c_str(),
              static_cast<size_t>(std::count(a.features.begin(), a.features.end(), '+')));
  std::printf("  module %zu bytes, object %zu bytes, %zu functions, %zu code bytes mapped\n",
              a.module.size(), a.object.size(), a.funcs.size(), loaded->code->code_bytes());
  std::printf("  loaded (verified, decoded, mapped) in %.3f ms; again: median %.3f ms, min %.3f ms\n",
              first_ms, times[times.size() / 2], times.front());
  return 0;
}

}  // namespace

bool IsArtifactFile(const std::string& path) {
  uint8_t head[sizeof nw::aot::kMagic];
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool is = read(fd, head, sizeof head) == sizeof head && nw::aot::HasArtifactMagic(head);
  close(fd);
  return is;
}

nw::Config ArtifactEngineConfig(nw::Config config) {
  // Artifacts are the opt tier's code; in a build without LLVM the engine selects the tier's
  // runtime half, which this reference links in (the engine refers to it weakly).
  static const nw::Tier& linked [[maybe_unused]] = nw::opt::OptRuntimeTier();
  config.tier = nw::Config::ExecutionTier::kOpt;
  return config;
}

nw::Result<std::shared_ptr<const nw::Module>> LoadArtifactModule(const nw::Engine& engine,
                                                                 const std::string& path) {
  NW_TRY_ASSIGN(MappedFile file, MappedFile::Open(path));
  auto m = nw::Module::Deserialize(engine, file.bytes());
  if (!m) return nw::MakeError(FormatBinaryError(path, m.error()));
  return m;
}

int Compile(const CompileOptions& o) {
  if (o.check) return Check(o);
#if !NW_HAVE_OPT_TIER
  return Fail("this nanowasm was built without LLVM (NANOWASM_ENABLE_LLVM=OFF): it runs "
              "artifacts but cannot compile them");
#else
  if (o.out.empty()) return Fail("-o FILE is required");
  nw::Features features;
  features.multi_memory = o.multi_memory;
  auto loaded = LoadModule(o.in, features);
  if (!loaded) return Fail(MultiMemoryHint(loaded.error().message, features, "--multi-memory"));
  if (auto v = nw::ValidateModule(loaded->desc, nw::BodyValidation::kSkip); !v)
    return Fail(MultiMemoryHint(FormatBinaryError(o.in, v.error()), features, "--multi-memory"));
  // The artifact carries the module's own bytes when it was binary, so that the offsets in
  // backtraces are those of the file the user has.
  std::vector<uint8_t> wasm;
  if (loaded->from_text) {
    wasm = nw::EncodeModule(loaded->desc);
  } else {
    auto bytes = ReadFile(o.in);
    if (!bytes) return Fail(bytes.error().message);
    wasm = std::move(*bytes);
  }
  nw::opt::Options options = OptionsOf(o);
  // From text: compiled from the binary the artifact carries, so that the code's wasm offsets
  // (backtraces) are that binary's, as when the artifact is run.
  if (loaded->from_text) {
    auto desc = nw::DecodeModule(wasm, features);
    if (!desc) return Fail(FormatBinaryError(o.in, desc.error()));
    loaded->desc = std::move(*desc);
  }
  auto compiled = nw::opt::CompileModule(loaded->desc, options);
  if (!compiled) return Fail(FormatBinaryError(o.in, compiled.error()));
  auto artifact =
      nw::opt::BuildArtifact(wasm, loaded->desc.num_imported_funcs, *compiled, options);
  if (!artifact) return Fail(artifact.error().message);
  // Written under a temporary name and renamed: a reader never sees half an artifact.
  std::string tmp = o.out + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Fail(tmp + ": " + std::strerror(errno));
  bool ok = std::fwrite(artifact->data(), 1, artifact->size(), f) == artifact->size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), o.out.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Fail(o.out + ": cannot write");
  }
  return 0;
#endif
}

}  // namespace nwcli
