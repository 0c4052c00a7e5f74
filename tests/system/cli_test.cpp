// System tier, the command line's conventions where remedyd and systemd
// answer: colours only on a terminal, and never when NO_COLOR
// (no-color.org) or a dumb terminal asks for none.

#include "system_tier.h"

#include <gtest/gtest.h>

using namespace remedy::test;

namespace {

class Conventions : public SystemTier {
protected:
    // remedyctl check as the member, on a pseudo-terminal, in environment `env`.
    static Outcome checkOnTerminal(const std::string& env)
    {
        return runOnTerminal(kSandboxScript + " run " + Sandbox::dir_ + " env " + env +
                                 " runuser -u remedy-member -- remedyctl --no-ask-password check",
                             "\x01no prompt", "");
    }
};

bool coloured(const std::string& text) { return text.find("\033[") != std::string::npos; }

TEST_F(Conventions, ColoursOnlyOnATerminalAndNeverWithNoColorOrADumbTerminal)
{
    auto terminal = checkOnTerminal("TERM=xterm-256color");
    ASSERT_NE(terminal.out.find("Prevention checklist"), std::string::npos) << terminal.out << terminal.err;
    EXPECT_TRUE(coloured(terminal.out)) << terminal.out;

    for (const std::string env : {"TERM=xterm-256color NO_COLOR=1", "TERM=dumb", "-u TERM"}) {
        auto plain = checkOnTerminal(env);
        ASSERT_NE(plain.out.find("Prevention checklist"), std::string::npos) << env << ": " << plain.out << plain.err;
        EXPECT_FALSE(coloured(plain.out)) << env << ": " << plain.out;
        EXPECT_NE(plain.out.find("  – "), std::string::npos) << env << ": still the terminal's table, without colour: " << plain.out;
    }
    // An empty NO_COLOR is no request (no-color.org).
    EXPECT_TRUE(coloured(checkOnTerminal("TERM=xterm-256color NO_COLOR=").out));

    auto piped = insideAs("remedy-member", {"env", "TERM=xterm-256color", "remedyctl", "--no-ask-password", "check"});
    EXPECT_FALSE(coloured(piped.out)) << piped.out;
    EXPECT_NE(piped.out.find("- [-] "), std::string::npos) << "a pipe gets the Markdown checklist: " << piped.out;
}

} // namespace
