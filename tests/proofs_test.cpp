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

TEST(Proofs, ClassifyConcludesWhatEachExpectationRecords) {
  for (const std::string& m : provable_models()) {
    test::CliResult r = test::run_popek("classify " + m + " --jobs 2 --expect proofs/" + m + ".expect");
    EXPECT_EQ(r.rc, 0) << m << ":\n" << r.err;
  }
}

} // namespace
} // namespace popek
