// WASI guest in C++ (-fno-exceptions): standard containers and algorithms, a word count over a
// file in the granted directory written and read back with <cstdio>, printed in sorted order.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

int main() {
  std::FILE* f = std::fopen("words.txt", "w");
  if (!f) return 1;
  std::fputs("the quick brown fox jumps over the lazy dog the end\n", f);
  std::fclose(f);
  f = std::fopen("words.txt", "r");
  if (!f) return 1;
  std::map<std::string, int> counts;
  std::string word;
  for (int c; (c = std::fgetc(f)) != EOF;) {
    if (c == ' ' || c == '\n') {
      if (!word.empty()) ++counts[word];
      word.clear();
    } else {
      word.push_back(static_cast<char>(c));
    }
  }
  std::fclose(f);
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [w, n] : counts) by_count.emplace_back(-n, w);
  std::sort(by_count.begin(), by_count.end());
  auto first = std::make_unique<std::string>(by_count.front().second);
  std::printf("most frequent: %s x%d\n", first->c_str(), -by_count.front().first);
  std::printf("distinct: %zu\n", counts.size());
  std::remove("words.txt");
  return 0;
}
