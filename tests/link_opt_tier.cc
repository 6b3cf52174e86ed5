// Linked into test programs that run the opt tier through Engine(Config{.tier = kOpt}) (the
// WASI suites' wasi-opt.* runs, the component tests' *Opt* runs, the fuzz harness and
// fuzz_tiers): src/engine refers to the tier weakly, so a program that wants it must refer to
// it once itself, as tools/nanowasm does.
#include "opt/opt_tier.h"

[[maybe_unused]] static const nw::Tier& kLinkedOptTier = nw::opt::OptTier();
