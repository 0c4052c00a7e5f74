#pragma once
// Reads the members of D-Bus interfaces from introspection XML and from
// `busctl introspect` output, so the two can be compared member by member.

#include <map>
#include <set>
#include <string>

namespace remedy::test {

// "method Describe - s", "property LogLevel s writable", "signal Completed bs -"
using Members = std::set<std::string>;
using Interfaces = std::map<std::string, Members>;

Interfaces membersFromXml(const std::string& xml);
Interfaces membersFromBusctl(const std::string& busctlOutput);

} // namespace remedy::test
