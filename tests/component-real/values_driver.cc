// Runs a component of the world wit/values.wit under nanowasm (ComponentStore) and prints one
// line per call and per host call, in the exact format of run_jco.mjs, which runs the same
// component under jco's host in Node: the test diffs the two outputs. The host side of the
// world (log, offset, words) is implemented here with HostFunction; the calls exercise
// strings (non-ASCII too), records, a variant, option<enum>, lists and a resource with a
// constructor, methods and a borrow parameter.
//   component_real_values COMPONENT.wasm
// With --run, a component that imports nothing and exports `run: func(string) -> string` (the
// composed component of wit/compose.wit) is called once per INPUT:
//   component_real_values --run COMPONENT.wasm INPUT...
#include <cstdio>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "component/binary_reader.h"
#include "component/instantiate.h"

namespace nw::component {
namespace {

using Values = std::vector<ComponentValue>;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "component_real_values: %s\n", what.c_str());
  std::exit(1);
}
template <class T>
T Must(Result<T> r, const std::string& what) {
  if (!r) Die(what + ": " + r.error().ToString());
  return std::move(*r);
}

ComponentValue Str(std::string_view s) { return Must(ComponentValue::String(s), "string"); }
ComponentValue Point(int32_t x, int32_t y) {
  return ComponentValue::Record({ComponentValue::S32(x), ComponentValue::S32(y)});
}
std::string PointText(const ComponentValue& p) {
  return "{x: " + std::to_string(p.elems()[0].as_s64()) + ", y: " + std::to_string(p.elems()[1].as_s64()) + "}";
}

Result<Values> HostLog(void*, std::span<const ComponentValue> args) {
  std::printf("host log: %s\n", args[0].ToUtf8().c_str());
  return Values{};
}
Result<Values> HostOffset(void*, std::span<const ComponentValue> args) {
  std::printf("host offset: %s by %lld\n", PointText(args[0]).c_str(), static_cast<long long>(args[1].as_s64()));
  int32_t x = static_cast<int32_t>(args[0].elems()[0].as_s64() + args[1].as_s64());
  return Values{Point(x, static_cast<int32_t>(args[0].elems()[1].as_s64()))};
}
Result<Values> HostWords(void*, std::span<const ComponentValue>) {
  std::printf("host words\n");
  return Values{ComponentValue::List({Str("alpha"), Str("beta"), Str("世界")})};
}

class Driver {
 public:
  explicit Driver(const Component& c) {
    TypeTable& tt = cs_.types();
    TypeId s32 = tt.Primitive(TypeKind::kS32);
    TypeId point = Must(tt.Record({{"x", s32}, {"y", s32}}), "point");
    TypeId shape = Must(tt.Variant({{"circle", tt.U32()}, {"rect", point}, {"empty", std::nullopt}}), "shape");
    std::vector<std::string> colors = {"red", "green", "blue"};
    TypeId color = Must(tt.Enum(colors), "color");
    auto type_item = [](TypeId id) {
      RtItem it;
      it.sort = Sort::kType;
      it.type.kind = RtType::Kind::kValue;
      it.type.id = id;
      return it;
    };
    auto func_item = [&](FuncType ft, Result<Values> (*fn)(void*, std::span<const ComponentValue>)) {
      RtItem it;
      it.sort = Sort::kFunc;
      it.func = Must(cs_.HostFunction(std::move(ft), HostFunc{nullptr, fn}), "host function");
      return it;
    };
    RtInstance* types = cs_.Make<RtInstance>();
    types->exports = {{"point", type_item(point)}, {"shape", type_item(shape)}, {"color", type_item(color)}};
    RtInstance* host = cs_.Make<RtInstance>();
    host->exports = {
        {"point", type_item(point)},
        {"log", func_item({{tt.String()}, {}}, HostLog)},
        {"offset", func_item({{point, s32}, {point}}, HostOffset)},
        {"words", func_item({{}, {Must(tt.List(tt.String()), "list")}}, HostWords)},
    };
    auto instance_item = [](RtInstance* i) {
      RtItem it;
      it.sort = Sort::kInstance;
      it.instance = i;
      return it;
    };
    RtInstance* inst = Must(cs_.Instantiate(c, {{"nanowasm:values/types@0.1.0", instance_item(types)},
                                                 {"nanowasm:values/host@0.1.0", instance_item(host)}}),
                            "instantiate");
    const RtItem* api = inst->Find("nanowasm:values/api@0.1.0");
    if (!api || api->sort != Sort::kInstance) Die("no export nanowasm:values/api@0.1.0");
    api_ = api->instance;
  }

  Values Call(const std::string& name, Values args) {
    const RtItem* f = api_->Find(name);
    if (!f || f->sort != Sort::kFunc) Die("no function " + name);
    return Must(cs_.Call(*f->func, args), name);
  }

 private:
  Engine engine_;
  Store store_{engine_};
  ComponentStore cs_{store_};
  RtInstance* api_ = nullptr;
};

Component Load(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && !in) Die(std::string("cannot read ") + path);
  return Must(DecodeComponent(bytes), path);
}

int RunStrings(const char* path, std::span<char*> inputs) {
  Component c = Load(path);
  Engine engine;
  Store store(engine);
  ComponentStore cs(store);
  RtInstance* inst = Must(cs.Instantiate(c), "instantiate");
  const RtItem* run = inst->Find("run");
  if (!run || run->sort != Sort::kFunc) Die("no export run");
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  for (const char* input : inputs) {
    Values args = {Str(input)};
    Values r = Must(cs.Call(*run->func, args), "run");
    std::printf("run(%s): %s\n", input, r[0].ToUtf8().c_str());
  }
  return 0;
}

int Main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "--run") return RunStrings(argv[2], std::span(argv + 3, argv + argc));
  if (argc != 2) Die("usage: component_real_values COMPONENT.wasm | --run COMPONENT.wasm INPUT...");
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && !in) Die(std::string("cannot read ") + argv[1]);
  Component c = Must(DecodeComponent(bytes), argv[1]);
  Driver d(c);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  for (const char* name : {"Zoë", "世界", ""})
    std::printf("greet: %s\n", d.Call("greet", {Str(name)})[0].ToUtf8().c_str());
  Values ps = {Point(1, 2), Point(3, 4), Point(-5, 10)};
  std::printf("sum: %s\n", PointText(d.Call("sum", {ComponentValue::List(ps)})[0]).c_str());
  std::printf("sum []: %s\n", PointText(d.Call("sum", {ComponentValue::List({})})[0]).c_str());
  for (const ComponentValue& s : {ComponentValue::Variant(0, ComponentValue::U32(5)),
                                  ComponentValue::Variant(1, Point(3, 4)), ComponentValue::Variant(2)})
    std::printf("describe: %s\n", d.Call("describe", {s})[0].ToUtf8().c_str());
  static const char* kColors[] = {"red", "green", "blue"};
  for (int32_t n : {7, 9, -1}) {
    ComponentValue r = d.Call("classify", {ComponentValue::S32(n)})[0];
    std::printf("classify %d: %s\n", n, r.case_index() ? kColors[r.payload()->case_index()] : "none");
  }
  std::printf("joined: %s\n", d.Call("joined", {Str(" + ")})[0].ToUtf8().c_str());
  std::printf("moved: %s\n", PointText(d.Call("moved", {Point(1, 2)})[0]).c_str());
  ComponentValue counter = d.Call("[constructor]counter", {ComponentValue::U32(5)})[0];
  ComponentValue self = ComponentValue::Borrow(static_cast<uint32_t>(counter.bits()));
  std::printf("counter add 3: %llu\n",
              static_cast<unsigned long long>(d.Call("[method]counter.add", {self, ComponentValue::U32(3)})[0].as_u64()));
  std::printf("counter add 4000000000: %llu\n",
              static_cast<unsigned long long>(d.Call("[method]counter.add", {self, ComponentValue::U32(4000000000u)})[0].as_u64()));
  std::printf("counter label: %s\n", d.Call("[method]counter.label", {self})[0].ToUtf8().c_str());
  std::printf("total: %llu\n", static_cast<unsigned long long>(d.Call("total", {self})[0].as_u64()));
  return 0;
}

}  // namespace
}  // namespace nw::component

int main(int argc, char** argv) { return nw::component::Main(argc, argv); }
