// A temporary directory for the capability-tree tests: data/ (holding the parent's
// data/sentinel.txt, which every attack checks is unchanged) and uploads/. Removed at the end.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

class TempTree {
 public:
  TempTree() {
    std::string t =
        std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/nw-tree-XXXXXX";
    path_ = mkdtemp(t.data());
    mkdir((path_ + "/data").c_str(), 0755);
    mkdir((path_ + "/uploads").c_str(), 0755);
    Write("data/sentinel.txt", "the parent's record\n");
  }
  ~TempTree() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string At(const std::string& rel) const { return path_ + "/" + rel; }
  void Write(const std::string& rel, const std::string& s) const { std::ofstream(At(rel)) << s; }
  std::string Read(const std::string& rel) const {
    std::ifstream in(At(rel));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool Exists(const std::string& rel) const {
    struct stat st;
    return lstat(At(rel).c_str(), &st) == 0;
  }
  bool SentinelIntact() const { return Read("data/sentinel.txt") == "the parent's record\n"; }

 private:
  std::string path_;
};
