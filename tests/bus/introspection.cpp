#include "introspection.h"

#include <regex>
#include <sstream>

namespace remedy::test {
namespace {

std::string attribute(const std::string& tag, const std::string& name)
{
    std::smatch match;
    std::regex pattern("\\b" + name + "=\"([^\"]*)\"");
    return std::regex_search(tag, match, pattern) ? match[1].str() : std::string();
}

std::string orDash(const std::string& text) { return text.empty() ? "-" : text; }

} // namespace

Interfaces membersFromXml(const std::string& xmlText)
{
    auto xml = std::regex_replace(xmlText, std::regex("<!--[\\s\\S]*?-->"), "");
    Interfaces interfaces;
    std::string interface;
    std::string kind;  // "method" or "signal" while inside one
    std::string name;
    std::string in;
    std::string out;
    std::regex tagPattern("<(/?)(\\w+)([^>]*?)(/?)>");
    for (std::sregex_iterator it(xml.begin(), xml.end(), tagPattern), end; it != end; ++it) {
        bool closing = (*it)[1] == "/";
        std::string tag = (*it)[2];
        std::string attrs = (*it)[3];
        bool selfClosing = (*it)[4] == "/";
        if (tag == "interface" && !closing) {
            interface = attribute(attrs, "name");
            interfaces[interface];
        } else if ((tag == "method" || tag == "signal") && !closing) {
            kind = tag;
            name = attribute(attrs, "name");
            in.clear();
            out.clear();
            if (selfClosing)
                interfaces[interface].insert(kind + " " + name + " - -");
        } else if ((tag == "method" || tag == "signal") && closing) {
            auto signature = kind == "signal" ? out + in : in;
            auto result = kind == "signal" ? std::string() : out;
            interfaces[interface].insert(kind + " " + name + " " + orDash(signature) + " " + orDash(result));
            kind.clear();
        } else if (tag == "arg" && !kind.empty()) {
            (attribute(attrs, "direction") == "out" ? out : in) += attribute(attrs, "type");
        } else if (tag == "property" && !closing) {
            auto writable = attribute(attrs, "access").find("write") != std::string::npos;
            interfaces[interface].insert("property " + attribute(attrs, "name") + " " + attribute(attrs, "type") +
                                         (writable ? " writable" : " readonly"));
        }
    }
    return interfaces;
}

Interfaces membersFromBusctl(const std::string& output)
{
    // NAME  TYPE  SIGNATURE  RESULT/VALUE  FLAGS; members start with '.'.
    Interfaces interfaces;
    std::istringstream lines(output);
    std::string line;
    std::string interface;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string name;
        std::string type;
        std::string signature;
        fields >> name >> type >> signature;
        if (type == "interface") {
            interface = name;
            interfaces[interface];
        } else if (type == "method" || type == "signal") {
            std::string result;
            fields >> result;
            interfaces[interface].insert(type + " " + name.substr(1) + " " + signature + " " + result);
        } else if (type == "property") {
            bool writable = line.find("writable") != std::string::npos;
            interfaces[interface].insert("property " + name.substr(1) + " " + signature + (writable ? " writable" : " readonly"));
        }
    }
    return interfaces;
}

} // namespace remedy::test
