// Helpers shared by the vmm_*, lockstep_* and corpus_* tests: running a guest
// (assembly text) natively and under a VMM in lockstep, and pg variants made
// on the fly by extending models/pg.isa with one instruction.
#pragma once

#include "diff/lockstep.hpp"
#include "diff/setup.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace popek::test {

using Settings = std::vector<std::pair<std::string, std::string>>;

// The initial virtual state of a guest: reset, VM reset, program, settings.
inline machine::Machine guest(std::shared_ptr<const model::Model> m, const std::string& program,
                              const vmm::Allocation& a, const Settings& settings = {}) {
  machine::Machine init(m);
  std::vector<diff::Setting> ss;
  for (const auto& [name, value] : settings) {
    diff::Setting s;
    std::string err;
    EXPECT_TRUE(diff::parse_setting(*m, name, value, s, err)) << name << " = " << value << ": " << err;
    ss.push_back(s);
  }
  std::string err;
  EXPECT_TRUE(diff::initial_state(init, a, ss, assemble(*m, program), err)) << err;
  return init;
}

struct DiffRun {
  std::unique_ptr<diff::Lockstep> ls;
  diff::Result r;
};

// Runs `program` in lockstep; the allocation defaults to popek's (q/4, q/2).
inline DiffRun diff_run(std::shared_ptr<const model::Model> m, const std::string& program, vmm::Strategy s,
                        const Settings& settings = {}, uint64_t max_steps = 10000,
                        std::optional<vmm::Allocation> alloc = std::nullopt) {
  diff::Options o;
  o.strategy = s;
  o.allocation = alloc ? *alloc : vmm::default_allocation(*m);
  o.max_steps = max_steps;
  DiffRun d;
  d.ls = std::make_unique<diff::Lockstep>(m, o);
  std::string err;
  EXPECT_TRUE(d.ls->start(guest(m, program, o.allocation, settings), err)) << err;
  d.r = d.ls->run();
  return d;
}

// pg plus one instruction clause, loaded as if it sat in models/ beside pg.isa.
inline std::shared_ptr<const model::Model> pg_plus(const std::string& name, const std::string& insn) {
  return load_text("extends \"pg.isa\"\nmachine " + name + " \"test variant\"\n" + insn + "\n",
                   path("models/" + name + ".isa"));
}

// The names of a divergence's components ("mode", "R", "E[67]").
inline std::vector<std::string> names(const model::Model& m, const diff::Divergence& d) {
  std::vector<std::string> out;
  for (const diff::Component& c : d.components) out.push_back(diff::component_name(m, c));
  return out;
}

} // namespace popek::test
