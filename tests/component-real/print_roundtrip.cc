// `component_real_print FILE.wasm`: the component text printer on a real component (jco,
// componentize-js). Checks that encode(decode(bytes)) gives the bytes back, and that printing,
// parsing the text and encoding gives the same binary up to what the text format has no spelling
// for (custom sections, core names, data count sections: component_normalize.h). Where the bytes
// still differ, the two must print the same text: the original then used an encoding choice the
// text cannot keep (e.g. a core function's locals in several groups of one type, as wasm-ld
// writes them), and that is reported. Exit 0 when it holds, 1 with the reason otherwise, 77
// (skipped) for a large component under ASan, where printing ~180 MB of text takes minutes.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "component/binary_reader.h"
#include "component/encode.h"
#include "component/text/component_printer.h"
#include "component/text/component_wat.h"
#include "component_normalize.h"

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

using namespace nw::component;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: component_real_print FILE.wasm\n");
    return 2;
  }
  std::string path = argv[1];
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) {
    std::printf("FAIL %s: cannot read\n", path.c_str());
    return 1;
  }
  if (kAsan && bytes.size() > (1u << 20)) {
    std::printf("SKIPPED %s: %zu bytes, too slow to print under ASan (runs in release)\n",
                path.c_str(), bytes.size());
    return 77;
  }
  auto start = std::chrono::steady_clock::now();
  auto c = DecodeComponent(bytes);
  if (!c) {
    std::printf("FAIL %s: %s\n", path.c_str(), c.error().ToString().c_str());
    return 1;
  }
  if (EncodeComponent(*c) != bytes) {
    std::printf("FAIL %s: encode(decode(bytes)) differs from the bytes:%s\n", path.c_str(),
                testing::FirstDifference(EncodeComponent(*c), bytes).c_str());
    return 1;
  }
  auto text = PrintComponentText(*c);
  if (!text) {
    std::printf("FAIL %s: print: %s\n", path.c_str(), text.error().ToString().c_str());
    return 1;
  }
  auto back = ParseComponentText(*text);
  if (!back) {
    std::printf("FAIL %s: the printed text does not parse: %s\n", path.c_str(),
                back.error().ToString().c_str());
    return 1;
  }
  Component want_ast = testing::Strip(*c, true), got_ast = testing::Strip(*back, true);
  std::vector<uint8_t> want = EncodeComponent(want_ast), got = EncodeComponent(got_ast);
  std::string how = "the same bytes";
  if (want != got) {
    auto t1 = PrintComponentText(want_ast), t2 = PrintComponentText(got_ast);
    if (!t1 || !t2 || *t1 != *t2) {
      std::printf("FAIL %s: print -> parse -> encode differs (%zu vs %zu bytes):%s\n", path.c_str(),
                  want.size(), got.size(), testing::FirstDifference(want, got).c_str());
      return 1;
    }
    how = "the same text; bytes differ by " + std::to_string(static_cast<long long>(want.size()) - static_cast<long long>(got.size())) +
          " (encoding choices the text cannot spell)";
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ok: %s: %zu bytes -> %zu bytes of text -> %s (%.1f s)\n", path.c_str(), bytes.size(),
              text->size(), how.c_str(), secs);
  return 0;
}
