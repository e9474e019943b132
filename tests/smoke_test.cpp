// The quick-start job: the pg example kernel runs to its result.
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace popek {

TEST(Example, PgKernelHaltsWithTheSumOfItsSupervisorCalls) {
  auto m = test::load("models/pg.isa");
  ASSERT_TRUE(m);
  auto img = test::assemble(*m, test::read("examples/pg/kernel.s"));
  machine::Machine mc(m);
  for (const auto& [a, v] : img.units) mc.set_mem(m->code_mem, a, v);
  auto r = mc.run(10000);
  ASSERT_TRUE(r.halted);
  EXPECT_EQ(mc.mem(0, img.symbols.at("result")), 45u); // 1 + 2 + ... + 9
  EXPECT_EQ(mc.mem(0, img.symbols.at("calls")), 9u);   // one supervisor call per number
  EXPECT_EQ(mc.mode(), 0u);                            // halted in supervisor mode
}

} // namespace popek
