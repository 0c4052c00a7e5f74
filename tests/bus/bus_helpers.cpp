#include "bus_helpers.h"

namespace remedy::test {

std::string userName(Caller caller)
{
    switch (caller) {
    case Caller::Root: return "root";
    case Caller::Member: return requireEnv("REMEDY_MEMBER");
    case Caller::Outsider: break;
    }
    return requireEnv("REMEDY_OUTSIDER");
}

std::string remedyctl() { return requireEnv("REMEDY_BUILD_DIR") + "/client/remedyctl"; }

Outcome busctl(const std::string& user, std::vector<std::string> args)
{
    args.insert(args.begin(), {"busctl", "--system", "--no-pager"});
    return runAs(user, args);
}

Outcome remedyctlAs(Caller caller, std::vector<std::string> args)
{
    args.insert(args.begin(), {remedyctl(), "--no-ask-password"});
    return runAs(userName(caller), args);
}

} // namespace remedy::test
