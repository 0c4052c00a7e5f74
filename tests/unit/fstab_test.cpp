#include "core/error.h"
#include "core/fstab.h"

#include <gtest/gtest.h>

#include <functional>

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

// Before: a file without a final newline got one with the next edit.
TEST(Fstab, KeepsAMissingFinalNewlineMissing)
{
    auto text = *Fstab::parse("/dev/vda1 / ext4 defaults 0 1").withEntry(swapAt("/swapfile"));
    EXPECT_EQ(text, "/dev/vda1 / ext4 defaults 0 1\n/swapfile none swap defaults 0 0");
    EXPECT_TRUE(findmntAccepts(text));
    auto removed = Fstab::parse(text).withoutEntry("/swapfile");
    EXPECT_EQ(removed, "/dev/vda1 / ext4 defaults 0 1");
    EXPECT_EQ(Fstab::parse("# c\n/swapfile none swap defaults 0 0\n/dev/vda1 / ext4 defaults 0 1").withoutEntry("/swapfile"),
              "# c\n/dev/vda1 / ext4 defaults 0 1");
    // A file that had one keeps it.
    EXPECT_EQ(*Fstab::parse("/dev/vda1 / ext4 defaults 0 1\n").withEntry(swapAt("/swapfile")),
              "/dev/vda1 / ext4 defaults 0 1\n/swapfile none swap defaults 0 0\n");
}

// Before: one line libmount could not parse made the whole file unreadable,
// where findmnt lists the rest.
TEST(Fstab, ReadsWhatParsesAndNamesTheBadLine)
{
    auto fstab = Fstab::parse("# ok\n/dev/vda1 / ext4 defaults 0 1\n/dev/vdb1 /data ext4 defaults zero 2\nnonsense\n"
                              "tmpfs /tmp tmpfs defaults 0 0\n");
    ASSERT_EQ(fstab.entries().size(), 2U);
    EXPECT_EQ(fstab.entries()[0].target, "/");
    EXPECT_EQ(fstab.entries()[0].line, 2);
    EXPECT_EQ(fstab.entries()[1].target, "/tmp");
    EXPECT_EQ(fstab.entries()[1].line, 5);
    ASSERT_EQ(fstab.problems().size(), 2U);
    EXPECT_EQ(fstab.problems()[0].line, 3);
    EXPECT_EQ(fstab.problems()[0].text, "/dev/vdb1 /data ext4 defaults zero 2");
    EXPECT_NE(fstab.problems()[0].reason.find("must be numbers"), std::string::npos) << fstab.problems()[0].reason;
    EXPECT_EQ(fstab.problems()[1].line, 4);
    EXPECT_NE(fstab.problems()[1].reason.find("1 field"), std::string::npos) << fstab.problems()[1].reason;

    // Writing is still refused, naming the line.
    for (auto edit : {std::function([&] { fstab.withEntry(swapAt("/swapfile")); }), std::function([&] { fstab.withoutEntry("/tmp"); })}) {
        try {
            edit();
            FAIL() << "a file with a bad line was edited";
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
            std::string message = error.what();
            EXPECT_NE(message.find("line 3"), std::string::npos) << message;
            EXPECT_NE(message.find("/dev/vdb1 /data ext4 defaults zero 2"), std::string::npos) << message;
        }
    }
    // Shown safely: a D-Bus string is UTF-8, a message one line.
    auto odd = Fstab::parse("/dev/vda1 / ext4 defaults 0 1\n\xff\x01 x\n");
    ASSERT_EQ(odd.problems().size(), 1U);
    EXPECT_EQ(odd.problems()[0].text, "\\xff\\x01 x");
}

// Parsed in chunks of lines (bench/fstab.cpp): numbers and bad lines hold
// across the chunks' edges.
TEST(Fstab, ALongFileKeepsEveryLineNumber)
{
    std::string text;
    for (int line = 1; line <= 1000; ++line)
        text += line % 7 == 0 ? "# comment " + std::to_string(line) + "\n"
                : line == 257 || line == 512 ? "bad line\n"
                                             : "/dev/x" + std::to_string(line) + " /mnt/" + std::to_string(line) + " ext4 defaults 0 2\n";
    text.pop_back();  // and no final newline
    auto fstab = Fstab::parse(text);
    ASSERT_EQ(fstab.problems().size(), 2U);
    EXPECT_EQ(fstab.problems()[0].line, 257);
    EXPECT_EQ(fstab.problems()[1].line, 512);
    EXPECT_EQ(fstab.entries().size(), 1000U - 142 - 2);
    for (const auto& entry : fstab.entries())
        ASSERT_EQ(entry.target, "/mnt/" + std::to_string(entry.line));
    EXPECT_EQ(fstab.text(), text);
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

namespace {

std::string refusalOf(const FstabEntry& entry, const std::string& text = "")
{
    try {
        Fstab::parse(text).withEntry(entry);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument) << error.what();
        return error.what();
    }
    return "accepted";
}

} // namespace

TEST(Fstab, RefusesEachBadFieldByName)
{
    const FstabEntry good{"/dev/vdb1", "/data", "ext4", "defaults", 0, 2, 0};
    auto with = [&](auto change) {
        auto entry = good;
        change(entry);
        return refusalOf(entry);
    };
    EXPECT_EQ(with([](FstabEntry&) {}), "accepted");
    // Empty: the other fields would shift into its place.
    EXPECT_EQ(with([](FstabEntry& e) { e.source.clear(); }), "fstab source is empty");
    EXPECT_EQ(with([](FstabEntry& e) { e.target.clear(); }), "fstab target is empty");
    EXPECT_EQ(with([](FstabEntry& e) { e.fstype.clear(); }), "fstab type is empty");
    EXPECT_EQ(with([](FstabEntry& e) { e.options.clear(); }), "fstab options is empty");
    // A leading '#' would make the whole line a comment: the entry would vanish.
    EXPECT_NE(with([](FstabEntry& e) { e.source = "#/dev/vdb1"; }).find("fstab source '#/dev/vdb1' starts with '#'"), std::string::npos);
    EXPECT_NE(with([](FstabEntry& e) { e.target = "#data"; }).find("fstab target '#data' starts with '#'"), std::string::npos);
    EXPECT_NE(with([](FstabEntry& e) { e.fstype = "#"; }).find("fstab type '#' starts with '#'"), std::string::npos);
    EXPECT_NE(with([](FstabEntry& e) { e.options = "#defaults"; }).find("fstab options '#defaults' starts with '#'"), std::string::npos);
    // Control characters, a newline above all, in any field.
    for (const char* bad : {"\n", "\r", "\t", "\x7f", "\x01"}) {
        EXPECT_NE(with([&](FstabEntry& e) { e.source += bad; }).find("fstab source has a control character"), std::string::npos);
        EXPECT_NE(with([&](FstabEntry& e) { e.target += bad; }).find("fstab target has a control character"), std::string::npos);
        EXPECT_NE(with([&](FstabEntry& e) { e.fstype += bad; }).find("fstab type has a control character"), std::string::npos);
        EXPECT_NE(with([&](FstabEntry& e) { e.options += bad; }).find("fstab options has a control character"), std::string::npos);
    }
    EXPECT_NE(with([](FstabEntry& e) { e.source = std::string("/dev/vdb\0x", 10); }).find("control character"), std::string::npos);
    // Lengths: at the bound accepted, one beyond refused.
    EXPECT_EQ(with([](FstabEntry& e) { e.source = "/" + std::string(4095, 's'); }), "accepted");
    EXPECT_EQ(with([](FstabEntry& e) { e.source = "/" + std::string(4096, 's'); }), "fstab source is longer than 4096 bytes");
    EXPECT_EQ(with([](FstabEntry& e) { e.target = "/" + std::string(4095, 't'); }), "accepted");
    EXPECT_EQ(with([](FstabEntry& e) { e.target = "/" + std::string(4096, 't'); }), "fstab target is longer than 4096 bytes");
    EXPECT_EQ(with([](FstabEntry& e) { e.fstype = std::string(64, 'x'); }), "accepted");
    EXPECT_EQ(with([](FstabEntry& e) { e.fstype = std::string(65, 'x'); }), "fstab type is longer than 64 bytes");
    EXPECT_EQ(with([](FstabEntry& e) { e.options = "x=" + std::string(4094, 'o'); }), "accepted");
    EXPECT_EQ(with([](FstabEntry& e) { e.options = "x=" + std::string(4095, 'o'); }), "fstab options is longer than 4096 bytes");
    // Mount points: absolute, without "." or "..".
    for (const char* target : {"data", "./data", "/data/../etc", "/data/.", "/./data", "/.."})
        EXPECT_NE(with([&](FstabEntry& e) { e.target = target; }), "accepted") << target;
    EXPECT_NE(with([](FstabEntry& e) { e.target = "/mnt/../etc"; }).find("has a '..' component"), std::string::npos);
    EXPECT_EQ(with([](FstabEntry& e) { e.target = "/mnt/..data"; }), "accepted") << "a name, not a component";
}

TEST(Fstab, AHashInsideAFieldStaysInTheField)
{
    auto text = *Fstab::parse("").withEntry({"/dev/disk/by-label/a#b", "/mnt/c#d", "ext4", "defaults", 0, 0, 0});
    auto fstab = Fstab::parse(text);
    ASSERT_EQ(fstab.entries().size(), 1U) << text;
    EXPECT_EQ(fstab.entries()[0].source, "/dev/disk/by-label/a#b");
    EXPECT_EQ(fstab.entries()[0].target, "/mnt/c#d");
}

TEST(Fstab, MountPointsAreComparedAndWrittenNormalized)
{
    EXPECT_EQ(normalizePath("/mnt/x/"), "/mnt/x");
    EXPECT_EQ(normalizePath("//mnt//x//"), "/mnt/x");
    EXPECT_EQ(normalizePath("/"), "/");
    EXPECT_EQ(normalizePath("///"), "/");
    EXPECT_EQ(normalizePath("none"), "none");
    EXPECT_EQ(normalizePath("UUID=x/"), "UUID=x/");

    FstabEntry data{"tmpfs", "/mnt/x/", "tmpfs", "size=1M", 0, 0, 0};
    auto text = *Fstab::parse("").withEntry(data);
    EXPECT_EQ(text, "tmpfs /mnt/x tmpfs size=1M 0 0\n");
    auto fstab = Fstab::parse(text);
    data.target = "//mnt//x";
    EXPECT_FALSE(fstab.withEntry(data).has_value()) << "the same entry, spelled otherwise";
    data.options = "size=2M";
    EXPECT_THROW(fstab.withEntry(data), Error) << "another entry for the same mount point";
    EXPECT_TRUE(fstab.find("/mnt/x/").has_value());
    EXPECT_EQ(*fstab.withoutEntry("//mnt/x/"), "");

    // A hand-written trailing slash is the same mount point.
    auto hand = Fstab::parse("tmpfs /mnt/y/ tmpfs defaults 0 0\n");
    EXPECT_THROW(hand.withEntry({"/dev/vdb", "/mnt/y", "ext4", "defaults", 0, 0, 0}), Error);
    EXPECT_EQ(*hand.withoutEntry("/mnt/y"), "");

    // A swap entry is its source; a network source keeps its "//".
    EXPECT_EQ(*Fstab::parse("").withEntry({"//swapfile", "none", "swap", "defaults", 0, 0, 0}), "/swapfile none swap defaults 0 0\n");
    EXPECT_EQ(*Fstab::parse("").withEntry({"//server/share", "/mnt/share", "cifs", "guest", 0, 0, 0}),
              "//server/share /mnt/share cifs guest 0 0\n");
}

TEST(Fstab, AnAmbiguousRemovalIsRefusedNamingEveryLine)
{
    const std::string two = "# two for one\n/dev/vdb1 /data ext4 defaults 0 2\ntmpfs /tmp tmpfs defaults 0 0\n/dev/vdc1 /data/ xfs defaults 0 2\n";
    try {
        Fstab::parse(two).withoutEntry("/data");
        FAIL() << "one of two entries was removed";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        EXPECT_NE(std::string(error.what()).find("fstab lines 2 and 4 both have an entry for /data"), std::string::npos) << error.what();
    }
    const std::string three = "/swapfile none swap defaults 0 0\n/swapfile none swap pri=1 0 0\n\n//swapfile none swap pri=2 0 0\n";
    try {
        Fstab::parse(three).withoutEntry("/swapfile");
        FAIL() << "one of three entries was removed";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("fstab lines 1, 2 and 4 all have an entry for /swapfile"), std::string::npos) << error.what();
    }
    EXPECT_EQ(*Fstab::parse(two).withoutEntry("/tmp"), "# two for one\n/dev/vdb1 /data ext4 defaults 0 2\n/dev/vdc1 /data/ xfs defaults 0 2\n")
        << "an entry that is not ambiguous still goes";
}

TEST(Fstab, NeverGrowsBeyondOneMebibyte)
{
    // Comment lines up to just below the bound: one more entry is refused.
    std::string big;
    while (big.size() < kMaxFstabSize - 20)
        big += "# " + std::string(1000, 'x') + "\n";
    big.resize(kMaxFstabSize - 20);
    big += "\n";
    auto entry = FstabEntry{"/swapfile", "none", "swap", "defaults", 0, 0, 0};
    EXPECT_NE(refusalOf(entry, big).find("fstab would grow beyond 1024 KiB"), std::string::npos) << refusalOf(entry, big).substr(0, 200);
    big.resize(kMaxFstabSize - 40);
    big += "\n";
    EXPECT_EQ(refusalOf(entry, big), "accepted") << "33 bytes fit";
}
