// proofs/: every bundled model with a vmm block has an expectation file, and
// `popek classify` concludes what it records (issue 4, §6).
#include "test_util.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>

namespace popek {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> provable_models() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(test::path("models")))
    if (e.path().extension() == ".isa" && test::load(fs::relative(e.path(), test::path("")).string())->vmm.present)
      out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Proofs, EveryBundledModelWithAVmmHasAnExpectation) {
  std::vector<std::string> models = provable_models();
  EXPECT_GE(models.size(), 4u);
  for (const std::string& m : models)
    EXPECT_TRUE(fs::exists(test::path("proofs/" + m + ".expect"))) << "proofs/" << m << ".expect is missing";
}

// One test per model, so that ctest spreads them over the cores (x86 takes
// minutes) and CI can leave the real instruction sets out of the slower
// sanitizer build (.ci/run).
class ProofsOf : public ::testing::TestWithParam<std::string> {};

TEST_P(ProofsOf, ClassifyConcludesWhatTheExpectationRecords) {
  const std::string& m = GetParam();
  test::CliResult r = test::run_popek("classify " + m + " --jobs 2 --expect proofs/" + m + ".expect");
  EXPECT_EQ(r.rc, 0) << m << ":\n" << r.err;
}

INSTANTIATE_TEST_SUITE_P(Models, ProofsOf, ::testing::ValuesIn(provable_models()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

} // namespace
} // namespace popek
