// A fixture with a fresh folder per test (removed afterwards), for tests that
// write case files, models and programs and read what the tool writes back.
#pragma once

#include "util/files.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

namespace popek::test {

class TempDirTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "popek_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_suite()->name() + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to `name` under the folder (making subfolders); returns its path.
  std::string put(const std::string& name, const std::string& text) {
    std::string p = dir_ + "/" + name, err;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    EXPECT_TRUE(write_file_atomic(p, text, err)) << err;
    return p;
  }

  std::string dir_;
};

} // namespace popek::test
