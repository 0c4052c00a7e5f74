#include "core/error.h"
#include "core/fstab.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

using namespace remedy;

namespace {

// A Debian fstab as the installer writes it, comments and odd spacing included.
constexpr const char* kDebianFstab =
    "# /etc/fstab: static file system information.\n"
    "#\n"
    "# <file system> <mount point>   <type>  <options>       <dump>  <pass>\n"
    "UUID=0a3407de-014b-458b-b5c1-848e92a327a3 /               ext4    errors=remount-ro 0       1\n"
    "\n"
    "UUID=8d6c6b2e-1cde-4b77-9d3a-0f2c3a8e5f10 /home\text4\tdefaults\t0\t2   # home\n"
    "/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0\n";

FstabEntry swapAt(const std::string& path) { return {path, "none", "swap", "defaults", 0, 0, 0}; }

bool findmntAccepts(const std::string& text)
{
    char name[] = "/tmp/remedy-fstab-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0)
        return false;
    (void)!write(fd, text.data(), text.size());
    close(fd);
    std::string command = "findmnt --verify --tab-file " + std::string(name) + " >/dev/null 2>&1";
    int status = std::system(command.c_str());
    unlink(name);
    return status == 0;
}

} // namespace

TEST(Fstab, ParsesEntriesWithTheirLineNumbers)
{
    auto fstab = Fstab::parse(kDebianFstab);
    ASSERT_EQ(fstab.entries().size(), 3U);
    EXPECT_EQ(fstab.entries()[0].target, "/");
    EXPECT_EQ(fstab.entries()[0].line, 4);
    EXPECT_EQ(fstab.entries()[1].target, "/home");
    EXPECT_EQ(fstab.entries()[1].passno, 2);
    EXPECT_EQ(fstab.entries()[1].line, 6);
    EXPECT_EQ(fstab.entries()[2].fstype, "udf,iso9660");
    EXPECT_EQ(fstab.entries()[2].line, 7);
}

TEST(Fstab, AddingKeepsEveryOtherByteAndAppendsOneLine)
{
    auto fstab = Fstab::parse(kDebianFstab);
    auto text = fstab.withEntry(swapAt("/swapfile"));
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text, std::string(kDebianFstab) + "/swapfile none swap defaults 0 0\n");
}

TEST(Fstab, FindmntVerifiesWhatRemedyWrites)
{
    // Entries findmnt can check on any machine, with the comments kept.
    auto fstab = Fstab::parse("# test fstab\ntmpfs /tmp tmpfs defaults 0 0\n\n# swap below\n");
    auto text = *fstab.withEntry(swapAt("/swapfile"));
    text = *Fstab::parse(text).withEntry({"/swap2", "none", "swap", "pri=10", 0, 0, 0});
    EXPECT_TRUE(findmntAccepts(text)) << text;
}

TEST(Fstab, AddingWhatIsThereChangesNothing)
{
    auto once = Fstab::parse(*Fstab::parse(kDebianFstab).withEntry(swapAt("/swapfile")));
    EXPECT_FALSE(once.withEntry(swapAt("/swapfile")).has_value());
}

TEST(Fstab, RefusesToOverwriteAnotherEntryForTheSamePath)
{
    auto fstab = Fstab::parse(std::string(kDebianFstab) + "/swapfile none swap pri=5 0 0\n");
    try {
        fstab.withEntry(swapAt("/swapfile"));
        FAIL() << "a conflicting entry was overwritten";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Busy);
        EXPECT_NE(std::string(error.what()).find("line 8"), std::string::npos) << error.what();
    }
}

TEST(Fstab, RemovingDeletesExactlyThatLine)
{
    auto with = *Fstab::parse(kDebianFstab).withEntry(swapAt("/swapfile"));
    auto without = Fstab::parse(with).withoutEntry("/swapfile");
    ASSERT_TRUE(without.has_value());
    EXPECT_EQ(*without, kDebianFstab);
    EXPECT_FALSE(Fstab::parse(kDebianFstab).withoutEntry("/swapfile").has_value());
}

TEST(Fstab, EscapesSpacesAsFstabDoes)
{
    auto text = *Fstab::parse("").withEntry(swapAt("/srv/swap area/file"));
    EXPECT_EQ(text, "/srv/swap\\040area/file none swap defaults 0 0\n");
    auto reparsed = Fstab::parse(text);
    ASSERT_EQ(reparsed.entries().size(), 1U);
    EXPECT_EQ(reparsed.entries()[0].source, "/srv/swap area/file");
    EXPECT_TRUE(findmntAccepts(text));
}

TEST(Fstab, AddsTheMissingNewlineBeforeAppending)
{
    auto text = *Fstab::parse("/dev/vda1 / ext4 defaults 0 1").withEntry(swapAt("/swapfile"));
    EXPECT_EQ(text, "/dev/vda1 / ext4 defaults 0 1\n/swapfile none swap defaults 0 0\n");
}

TEST(Fstab, RefusesAFileItCannotParseNamingTheLine)
{
    try {
        Fstab::parse("# ok\n/dev/vda1 / ext4 defaults 0 1\n/dev/vdb1 /data ext4 defaults zero 2\n");
        FAIL() << "an unparseable fstab was accepted";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        EXPECT_NE(std::string(error.what()).find("line 3"), std::string::npos) << error.what();
    }
}

TEST(Fstab, RefusesMalformedEntries)
{
    auto fstab = Fstab::parse("");
    EXPECT_THROW(fstab.withEntry({"", "none", "swap", "defaults", 0, 0, 0}), Error);
    EXPECT_THROW(fstab.withEntry({"/swapfile", "/mnt", "swap", "defaults", 0, 0, 0}), Error);
    EXPECT_THROW(fstab.withEntry({"/dev/vdb", "relative", "ext4", "defaults", 0, 0, 0}), Error);
    EXPECT_THROW(fstab.withEntry({"/dev/vdb", "/data", "Ext 4", "defaults", 0, 0, 0}), Error);
    EXPECT_THROW(fstab.withEntry({"/dev/vdb", "/data", "ext4", "rw noatime", 0, 0, 0}), Error);
    EXPECT_THROW(fstab.withEntry({"/dev/vdb", "/data", "ext4", "defaults", 0, 12, 0}), Error);
    EXPECT_THROW(fstab.withEntry({"/dev/vdb\n/x", "/data", "ext4", "defaults", 0, 0, 0}), Error);
}

TEST(Fstab, GeneralEntriesAreIdentifiedByMountPoint)
{
    FstabEntry data{"/dev/vdb1", "/data", "ext4", "defaults,noatime", 0, 2, 0};
    auto text = *Fstab::parse(kDebianFstab).withEntry(data);
    auto fstab = Fstab::parse(text);
    ASSERT_TRUE(fstab.find("/data").has_value());
    EXPECT_EQ(fstab.find("/data")->source, "/dev/vdb1");
}
