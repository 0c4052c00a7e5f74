// What the fuzz targets (fuzz/, scripts/fuzz) found, each kept as a test
// that failed before its fix.

#include "core/duration.h"
#include "core/error.h"
#include "core/fstab.h"
#include "core/plan.h"
#include "core/service_spec.h"

#include <gtest/gtest.h>

#include <string>

using namespace remedy;
using namespace std::string_literals;

// fuzz-units: 18446744073709552 s is more milliseconds than 64 bits hold;
// it wrapped around to 384 ms, which passed restart_sec's "at most an hour".
TEST(FuzzFindings, ADurationTooLargeIsRefusedNotWrapped)
{
    EXPECT_THROW(parseDurationMs("18446744073709552s"), Error);
    EXPECT_THROW(parseDurationMs("18446744073709552"), Error);
    EXPECT_THROW(parseDurationMs("307445734561826min"), Error);
    EXPECT_THROW(parseDurationMs("5124095576031h"), Error);
    // systemd.time(7)'s bound since the grammar became systemd's: 2^64 µs.
    EXPECT_THROW(parseDurationMs("18446744073709552ms"), Error);
    EXPECT_THROW(parseDurationMs("18446744073710s"), Error);
    EXPECT_EQ(parseDurationMs("18446744073709s"), 18446744073709000ull);
    EXPECT_EQ(parseDurationMs("307445734min"), 18446744040000ull);
    EXPECT_EQ(parseDurationMs("18446744073709551ms"), 18446744073709551ull);
    try {
        parsePlan(R"({"version": 1, "services": [{"name": "app.service", "exec_start": ["/bin/app"],
                      "user": "app", "restart_sec": "18446744073709552s"}]})");
        FAIL() << "accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("restart_sec"), std::string::npos) << error.what();
    }
}

// fuzz-fstab-edit: libmount reads a line up to a NUL, and refuses it unless
// it is the last line without a newline. Such a file parsed; adding an entry
// ended that line with a newline, and remedy wrote an fstab that libmount,
// and so remedy itself, could no longer read. Refused now, as libmount
// refuses that line anywhere else.
TEST(FuzzFindings, AnFstabWithANulByteIsRefusedBeforeAnEdit)
{
    // Read as findmnt reads it (issue 15); never edited.
    const FstabEntry swap{"/swapfile", "none", "swap", "defaults", 0, 0, 0};
    EXPECT_THROW(Fstab::parse("/dev/vda1 / ext4 defaults 0 1\n# a comment\0 cut short"s).withEntry(swap), Error);
    EXPECT_THROW(Fstab::parse("/dev/vda1 / ext4 defaults 0 1\n# a comment\0 cut short\n"s).withEntry(swap), Error);
}

// fuzz-fstab-edit: with comments enabled, libmount 2.38 dropped the last
// line when it had no newline and a comment came before it. Such a file was
// refused ("lines libmount does not count as entries"), also when remedy
// itself had made it by removing the entry between the comment and that line.
TEST(FuzzFindings, ALastLineWithoutANewlineAfterACommentIsAnEntry)
{
    auto fstab = Fstab::parse("# /etc/fstab\nUUID=0a34 / ext4 defaults 0 1\n/dev/vdb1 /srv ext4 defaults 0 2");
    ASSERT_EQ(fstab.entries().size(), 2U);
    EXPECT_EQ(fstab.entries()[1].target, "/srv");
    EXPECT_EQ(fstab.entries()[1].line, 3);
    auto removed = fstab.withoutEntry("/");
    ASSERT_TRUE(removed);
    EXPECT_EQ(*removed, "# /etc/fstab\n/dev/vdb1 /srv ext4 defaults 0 2");
    auto after = Fstab::parse(*removed);
    ASSERT_EQ(after.entries().size(), 1U);
    EXPECT_EQ(after.entries()[0].line, 2);
}

// fuzz-fstab-parse: remedy took a line starting with '\r' then '#' for a
// comment; libmount reads it as an entry (only spaces and tabs are blank
// to it). With a line libmount dropped (above), the counts agreed and each
// entry got the other's line number: removing /wrong removed /dev/z's line.
TEST(FuzzFindings, EntriesKeepTheirOwnLinesWhenALineStartsWithACarriageReturn)
{
    auto fstab = Fstab::parse("\r#x /wrong ext4 defaults 0 0\n# c\n/dev/z /z ext4 defaults 0 0");
    ASSERT_EQ(fstab.entries().size(), 2U);
    EXPECT_EQ(fstab.entries()[0].target, "/wrong");
    EXPECT_EQ(fstab.entries()[0].line, 1);
    EXPECT_EQ(fstab.entries()[1].line, 3);
    EXPECT_EQ(fstab.withoutEntry("/wrong"), "# c\n/dev/z /z ext4 defaults 0 0");
    // A CRLF line is still blank or a comment when it looks like one.
    EXPECT_EQ(Fstab::parse("# c\r\n \t\r\n/dev/z /z ext4 defaults 0 0\r\n").entries().at(0).line, 3);
}

// fuzz-service-spec: description and working directory are written
// unquoted at the end of their line, where systemd reads a trailing '\' as
// a continuation: WorkingDirectory=/srv/app\ swallowed the ExecStart= line
// after it (systemd then refuses the unit: "Service has no ExecStart="), a
// description ending in '\' the StartLimit line after it.
TEST(FuzzFindings, AFieldEndingInABackslashIsRefused)
{
    ServiceSpec spec;
    spec.name = "app.service";
    spec.execStart = {"/srv/app/run"};
    spec.user = "app";
    EXPECT_NO_THROW(validateFields(spec));

    auto withDirectory = spec;
    withDirectory.workingDirectory = "/srv/app\\";
    EXPECT_THROW(validateFields(withDirectory), Error);
    auto withDescription = spec;
    withDescription.description = "the app \\";
    EXPECT_THROW(validateFields(withDescription), Error);

    // A backslash elsewhere is the caller's, and kept.
    withDirectory.workingDirectory = "/srv/a\\pp";
    withDescription.description = "C:\\ style";
    EXPECT_NO_THROW(validateFields(withDirectory));
    EXPECT_NO_THROW(validateFields(withDescription));
}
