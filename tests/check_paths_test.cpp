// Where `popek check` and `popek fuzz` look and write: a model file's example
// guests beside it (examples/NAME/*.s), and findings in the user's state
// folder unless --findings says otherwise, named in the output.
#include "fuzz/findings.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace popek {
namespace {

namespace fs = std::filesystem;
class CheckPaths : public test::TempDirTest {
protected:
  // pg_jrst.isa copied into a folder of its own, with or without examples/pg_jrst/ beside it.
  std::string user_model(const std::string& folder, bool examples) {
    put(folder + "/pg.isa", test::read("models/pg.isa"));
    if (examples) put(folder + "/examples/pg_jrst/mine.s", test::read("examples/pg_jrst/enter_user.s"));
    return put(folder + "/pg_jrst.isa", test::read("models/pg_jrst.isa"));
  }
};

// Sets an environment variable for one test (the popek it runs inherits it)
// and puts the old value back.
class EnvVar {
public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~EnvVar() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(FindingsDefault, IsTheUsersStateFolder) {
  EnvVar home("HOME", "/home/someone");
  {
    EnvVar xdg("XDG_STATE_HOME", "/var/state");
    EXPECT_EQ(fuzz::default_findings_dir(), "/var/state/popek/findings");
  }
  {
    EnvVar xdg("XDG_STATE_HOME", "relative/state"); // invalid by the XDG spec: ignored
    EXPECT_EQ(fuzz::default_findings_dir(), "/home/someone/.local/state/popek/findings");
  }
  EnvVar xdg("XDG_STATE_HOME", nullptr);
  EXPECT_EQ(fuzz::default_findings_dir(), "/home/someone/.local/state/popek/findings");
  EnvVar nohome("HOME", nullptr);
  EXPECT_EQ(fuzz::default_findings_dir(), "findings");
}

TEST_F(CheckPaths, FuzzWithoutFindingsWritesToTheStateFolderAndSaysSo) {
  EnvVar xdg("XDG_STATE_HOME", nullptr);
  EnvVar home("HOME", (dir_ + "/home").c_str());
  test::CliResult r = test::run_popek("fuzz pg_jrst --runs 30000 --seed 1 --quiet");
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  const std::string folder = dir_ + "/home/.local/state/popek/findings";
  EXPECT_TRUE(fs::exists(folder + "/rtu.equivalence.mode.case")) << r.out;
  EXPECT_NE(r.out.find("findings folder: " + folder + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("findings in " + folder + "/"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(test::path("findings/rtu.equivalence.mode.case")));
}

TEST_F(CheckPaths, AModelFileFindsTheExampleGuestsBesideIt) {
  EnvVar xdg("XDG_STATE_HOME", (dir_ + "/state").c_str());
  std::string with = user_model("with", true), without = user_model("without", false);
  test::CliResult r = test::run_popek("check " + with + " --fuzz-runs 500");
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  efficiency   mine.s: 50.0% direct under trap-emulate"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("popek: fuzz findings are kept in " + dir_ + "/state/popek/findings/MODEL/STRATEGY/"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::is_directory(dir_ + "/state/popek/findings/pg_jrst")) << r.err;
  r = test::run_popek("check " + without + " --fuzz-runs 500");
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  // Not the bundled examples/pg_jrst/ of a model of the same name.
  EXPECT_EQ(r.out.find("enter_user.s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  efficiency   no example guest"), std::string::npos) << r.out;
}

} // namespace
} // namespace popek
