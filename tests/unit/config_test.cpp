// The administrator's config: every mistake in it named by its line, never
// skipped; the file trusted only when only root can change it; the shipped
// example is the defaults, word for word.

#include "core/config.h"
#include "core/error.h"
#include "scratch_root.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <regex>
#include <sstream>

using namespace remedy;
namespace fs = std::filesystem;

namespace {

std::string failure(const std::string& text)
{
    try {
        parseConfig(text, "remedyd.conf");
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Failed);
        return error.what();
    }
    return "accepted";
}

void expectDefaults(const Config& config)
{
    Config defaults;
    EXPECT_EQ(config.swapfilePlaces, defaults.swapfilePlaces);
    EXPECT_EQ(config.swapReserve, defaults.swapReserve);
    EXPECT_EQ(config.swapReservePercent, defaults.swapReservePercent);
    EXPECT_EQ(config.metricsDirectories, defaults.metricsDirectories);
}

TEST(Config, TheDefaultsAreTheNarrowOnes)
{
    Config config;
    EXPECT_EQ(config.swapfilePlaces, (std::vector<std::string>{"/swapfile", "/swap/"}));
    EXPECT_EQ(config.swapReserve, 64u << 20);
    EXPECT_EQ(config.swapReservePercent, 5U);
    EXPECT_EQ(config.metricsDirectories, (std::vector<std::string>{"/var/lib/prometheus/node-exporter"}));
    expectDefaults(parseConfig(""));
    expectDefaults(parseConfig("# nothing but comments\n\n   \n\t# and blanks\r\n"));
}

TEST(Config, ReadsEveryKey)
{
    auto config = parseConfig("swapfile_places = /swapfile /srv/swap/ \t/var/swap.img\r\n"
                              "  swap_reserve=2G\n"
                              "swap_reserve_percent = 10\n"
                              "metrics_directories = /var/lib/node-exporter /var/lib/prometheus/node-exporter\n");
    EXPECT_EQ(config.swapfilePlaces, (std::vector<std::string>{"/swapfile", "/srv/swap/", "/var/swap.img"}));
    EXPECT_EQ(config.swapReserve, 2ull << 30);
    EXPECT_EQ(config.swapReservePercent, 10U);
    EXPECT_EQ(config.metricsDirectories, (std::vector<std::string>{"/var/lib/node-exporter", "/var/lib/prometheus/node-exporter"}));

    auto none = parseConfig("swapfile_places =\nmetrics_directories=\nswap_reserve = 0\nswap_reserve_percent = 0\n");
    EXPECT_TRUE(none.swapfilePlaces.empty()) << "no places: no swapfiles at all";
    EXPECT_TRUE(none.metricsDirectories.empty());
    EXPECT_EQ(none.swapReserve, 0U);
    EXPECT_EQ(none.swapReservePercent, 0U);
}

TEST(Config, NamesTheLineOfEveryMistake)
{
    struct Case {
        const char* text;
        const char* says;
    };
    const Case cases[] = {
        {"# ok\nswapfile_place = /swapfile\n", "remedyd.conf line 2: unknown key 'swapfile_place' (known: metrics_directories, swap_reserve, "
                                               "swap_reserve_percent, swapfile_places)"},
        {"SWAP_RESERVE = 1G\n", "line 1: unknown key 'SWAP_RESERVE'"},
        {"= /swapfile\n", "line 1: unknown key ''"},
        {"swap_reserve = 1G\nswap_reserve = 2G\n", "line 2: 'swap_reserve' is set twice"},
        {"\n\nswapfile_places /swapfile\n", "line 3: 'swapfile_places /swapfile' is not 'key = value'"},
        {"[remedyd]\n", "line 1: '[remedyd]' is not 'key = value'"},
        {"swapfile_places = swapfile\n", "line 1: swapfile_places: 'swapfile' is not an absolute path"},
        {"swapfile_places = /swap/../etc/\n", "line 1: swapfile_places: '/swap/../etc' is not normalized"},
        {"swapfile_places = //swapfile\n", "line 1: swapfile_places: '//swapfile' is not normalized"},
        {"swapfile_places = /swap//\n", "line 1: swapfile_places: '/swap/' is not normalized"},
        {"swapfile_places = /\n", "line 1: swapfile_places: '/' cannot hold swapfiles"},
        {"swapfile_places = /swapfile # the default\n", "line 1: comments go on lines of their own"},
        {"swap_reserve = 1G#\n", "line 1: comments go on lines of their own"},
        {"swap_reserve = lots\n", "line 1: swap_reserve: 'lots' is not a size"},
        {"swap_reserve = -1G\n", "line 1: swap_reserve: '-1G' is not a size"},
        {"swap_reserve =\n", "line 1: swap_reserve: '' is not a size"},
        {"swap_reserve_percent = 91\n", "line 1: swap_reserve_percent: '91' is not a whole percentage from 0 to 90"},
        {"swap_reserve_percent = 5%\n", "'5%' is not a whole percentage"},
        {"swap_reserve_percent = -1\n", "'-1' is not a whole percentage"},
        {"swap_reserve_percent = 4294967301\n", "is not a whole percentage"},
        {"metrics_directories = /etc\n", "line 1: metrics_directories: textfile directory: '/etc' must be a plain directory below /var/lib"},
        {"metrics_directories = /var/lib/../etc\n", "must be a plain directory below /var/lib"},
        {"metrics_directories = /var/lib/x/\n", "must be a plain directory below /var/lib"},
    };
    for (const auto& c : cases)
        EXPECT_NE(failure(c.text).find(c.says), std::string::npos) << c.text << "\n" << failure(c.text);
}

TEST(Config, SwapfilePlacesAreAFileOrTheFilesDirectlyInADirectory)
{
    Config config;  // /swapfile and /swap/
    for (const char* allowed : {"/swapfile", "/swap/swapfile", "/swap/2"})
        EXPECT_NO_THROW(checkSwapfilePlace(config, allowed)) << allowed;
    for (const char* refused : {"/swapfile2", "/swapfil", "/swap", "/swap/a/b", "/swap/.a", "/swap/.swapfile.remedy-new", "/etc/swap/x",
                                "/swapfile/x", "/srv/swap/swapfile", "swapfile", "/swap/../etc/passwd", "/swap//x", "/swap/x/"}) {
        try {
            checkSwapfilePlace(config, refused);
            ADD_FAILURE() << refused << " was allowed";
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument) << refused;
        }
    }
    config.swapfilePlaces.clear();
    try {
        checkSwapfilePlace(config, "/swapfile");
        ADD_FAILURE() << "no places, yet allowed";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("(nowhere); the places are swapfile_places in /etc/remedy/remedyd.conf"), std::string::npos)
            << error.what();
    }
}

// The file shipped as /etc/remedy/remedyd.conf: comments only, so that the
// defaults live in one place, and each commented setting is the default.
TEST(Config, TheShippedFileIsTheDefaultsCommentedOut)
{
    std::ifstream in(REMEDY_SOURCE_DIR "/examples/remedyd.conf");
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    expectDefaults(parseConfig(text.str()));
    // "#swap_reserve = 64M" -> "swap_reserve = 64M": every key, each the default.
    std::string uncommented;
    std::istringstream lines(text.str());
    static const std::regex kSetting("#([a-z_]+ =.*)");
    for (std::string line; std::getline(lines, line);)
        uncommented += std::regex_replace(line, kSetting, "$1") + "\n";
    auto config = parseConfig(uncommented);
    expectDefaults(config);
    for (const char* key : {"swapfile_places", "swap_reserve", "swap_reserve_percent", "metrics_directories"})
        EXPECT_NE(uncommented.find(std::string("\n") + key + " = "), std::string::npos) << key << " is not shown";
}

class ConfigFile : public remedy::test::ScratchRootTest {
protected:
    void SetUp() override { makeRoot("config-test", {"etc/remedy"}); }
    const std::string path = "etc/remedy/remedyd.conf";

    std::string loadFailure()
    {
        try {
            loadConfig(rootFd_.get());
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::Failed);
            return error.what();
        }
        return "accepted";
    }
};

TEST_F(ConfigFile, MissingMeansTheDefaults)
{
    expectDefaults(loadConfig(rootFd_.get()));
    fs::remove(root_ / "etc/remedy");
    expectDefaults(loadConfig(rootFd_.get()));
}

TEST_F(ConfigFile, IsReadBelowTheRoot)
{
    write(path, "swapfile_places = /srv/swap/\n");
    chmod((root_ / path).c_str(), 0644);
    EXPECT_EQ(loadConfig(rootFd_.get()).swapfilePlaces, (std::vector<std::string>{"/srv/swap/"}));
    write(path, "swap_reserve = 1G\nswap_reserve = 2G\n");
    EXPECT_EQ(loadFailure(), "/etc/remedy/remedyd.conf line 2: 'swap_reserve' is set twice");
}

TEST_F(ConfigFile, IsTrustedOnlyWhenOnlyRootCanChangeIt)
{
    write(path, "swapfile_places = /\n");
    write(path, "swapfile_places = /tmp/\n");
    chmod((root_ / path).c_str(), 0664);
    EXPECT_NE(loadFailure().find("remedyd.conf: is writable by others than root"), std::string::npos) << loadFailure();
    chmod((root_ / path).c_str(), 0646);
    EXPECT_NE(loadFailure().find("is writable by others than root"), std::string::npos);
    chmod((root_ / path).c_str(), 0644);
    ASSERT_EQ(chown((root_ / path).c_str(), 1000, 0), 0);
    EXPECT_NE(loadFailure().find("is owned by uid 1000, not root"), std::string::npos) << loadFailure();
    ASSERT_EQ(chown((root_ / path).c_str(), 0, 0), 0);
    EXPECT_EQ(loadConfig(rootFd_.get()).swapfilePlaces, (std::vector<std::string>{"/tmp/"}));

    // The folder it is in, too: its owner could swap the file.
    chmod((root_ / "etc/remedy").c_str(), 0775);
    EXPECT_NE(loadFailure().find("/etc/remedy is writable by its group"), std::string::npos) << loadFailure();
    chmod((root_ / "etc/remedy").c_str(), 0755);
    ASSERT_EQ(chown((root_ / "etc/remedy").c_str(), 1000, 1000), 0);
    EXPECT_NE(loadFailure().find("/etc/remedy is owned by uid 1000"), std::string::npos) << loadFailure();
    ASSERT_EQ(chown((root_ / "etc/remedy").c_str(), 0, 0), 0);

    // Never through a link, neither of the file nor of its folder.
    fs::rename(root_ / path, root_ / "elsewhere.conf");
    fs::create_symlink("../../elsewhere.conf", root_ / path);
    EXPECT_NE(loadFailure().find("is a symbolic link"), std::string::npos) << loadFailure();
    fs::remove(root_ / path);
    fs::rename(root_ / "etc/remedy", root_ / "remedy-elsewhere");
    fs::rename(root_ / "elsewhere.conf", root_ / "remedy-elsewhere/remedyd.conf");
    fs::create_directory_symlink("../remedy-elsewhere", root_ / "etc/remedy");
    EXPECT_NE(loadFailure().find("/etc/remedy is a symbolic link"), std::string::npos) << loadFailure();
    fs::remove(root_ / "etc/remedy");

    // A directory in its place, or a file too large to be a config.
    fs::create_directories(root_ / path);
    EXPECT_NE(loadFailure().find("is not a regular file"), std::string::npos) << loadFailure();
    fs::remove(root_ / path);
    write(path, "# " + std::string(64 * 1024, 'x') + "\n");
    EXPECT_NE(loadFailure().find("is larger than 64 KiB"), std::string::npos) << loadFailure();
}

} // namespace
