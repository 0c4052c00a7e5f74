#pragma once
// A folder below the build folder that stands in for "/" in the core's
// tests: root's, so that remedy trusts it, and removed afterwards.

#include "core/trusted_path.h"
#include "core/unique_fd.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

namespace remedy::test {

class ScratchRootTest : public testing::Test {
protected:
    // <build>/NAME-PID with `directories` in it; false (and the test
    // skipped) when not root: the core trusts only root's directories.
    bool makeRoot(const std::string& name, std::initializer_list<const char*> directories)
    {
        if (geteuid() != 0) {
            [] { GTEST_SKIP() << "needs root (remedy trusts only root's directories)"; }();
            return false;
        }
        root_ = std::filesystem::path(REMEDY_BUILD_DIR) / (name + "-" + std::to_string(getpid()));
        std::filesystem::remove_all(root_);
        std::filesystem::create_directories(root_);
        std::filesystem::permissions(root_, std::filesystem::perms(0755));
        for (const char* directory : directories)
            std::filesystem::create_directories(root_ / directory);
        rootFd_ = openRoot(root_.string());
        return true;
    }

    void TearDown() override
    {
        rootFd_.reset();
        if (!root_.empty())
            std::filesystem::remove_all(root_);
    }

    void write(const std::string& relative, const std::string& text) const { std::ofstream(root_ / relative) << text; }
    std::string read(const std::string& relative) const
    {
        std::ifstream in(root_ / relative);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    bool exists(const std::string& relative) const { return std::filesystem::exists(std::filesystem::symlink_status(root_ / relative)); }

    std::filesystem::path root_;
    UniqueFd rootFd_;
};

} // namespace remedy::test
