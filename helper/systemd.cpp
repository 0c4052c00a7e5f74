#include "systemd.h"

#include "core/error.h"

namespace remedy {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";

} // namespace

Systemd::Systemd()
    : bus_(sdbus::createSystemBusConnection()), manager_(sdbus::createProxy(*bus_, kService, "/org/freedesktop/systemd1"))
{
}

MemoryLimits Systemd::memoryLimits(const std::string& unit)
{
    sdbus::ObjectPath path;
    try {
        manager_->callMethod("LoadUnit").onInterface(kManager).withArguments(unit).storeResultsTo(path);
    } catch (const sdbus::Error& error) {
        throw Error(ErrorKind::InvalidArgument, "systemd cannot load " + unit + ": " + error.getMessage());
    }
    auto proxy = sdbus::createProxy(*bus_, kService, path);
    std::string loadState = proxy->getProperty("LoadState").onInterface("org.freedesktop.systemd1.Unit");
    if (loadState != "loaded")
        throw Error(ErrorKind::InvalidArgument, unit + " is not a unit systemd has loaded (" + loadState + ")");
    MemoryLimits limits;
    limits.max = proxy->getProperty("MemoryMax").onInterface("org.freedesktop.systemd1.Service");
    limits.high = proxy->getProperty("MemoryHigh").onInterface("org.freedesktop.systemd1.Service");
    return limits;
}

void Systemd::setMemoryLimits(const std::string& unit, const MemoryLimits& limits)
{
    std::vector<sdbus::Struct<std::string, sdbus::Variant>> properties = {
        {"MemoryMax", sdbus::Variant(limits.max)},
        {"MemoryHigh", sdbus::Variant(limits.high)},
    };
    try {
        manager_->callMethod("SetUnitProperties").onInterface(kManager).withArguments(unit, false, properties);
    } catch (const sdbus::Error& error) {
        throw Error(ErrorKind::Failed, "systemd refused the limits for " + unit + ": " + error.getMessage());
    }
}

} // namespace remedy
