#include "unit_state.h"

#include "error.h"
#include "unit_files.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace remedy {
namespace {

using Json = nlohmann::json;

std::pair<std::string, std::string> split(const std::string& path)
{
    auto slash = path.rfind('/');
    return {path.substr(0, slash), path.substr(slash + 1)};
}

} // namespace

Json fileState(int root, const std::string& path)
{
    auto [dir, name] = split(path);
    auto content = ManagedDirectory(root, dir).read(name);
    return {{"path", path}, {"content", content ? Json(*content) : Json(nullptr)}};
}

void restoreFile(int root, const std::string& path, const Json& content)
{
    auto [dir, name] = split(path);
    // A drop-in directory goes with its last file, and comes back with it.
    if (!content.is_null() && dir.rfind("/etc/systemd/system.control/", 0) == 0 && mkdirat(root, dir.substr(1).c_str(), 0755) != 0 &&
        errno != EEXIST)
        throw Error(ErrorKind::Failed, "cannot create " + dir + ": " + std::strerror(errno));
    ManagedDirectory directory(root, dir);
    directory.removeLeftovers(name);
    auto now = directory.read(name);
    if (content.is_null() ? !now : (now && *now == content.get<std::string>()))
        return;
    if (content.is_null()) {
        directory.remove(name, true);
        if (dir.rfind("/etc/systemd/system.control/", 0) == 0)
            directory.removeIfEmpty(root);
    } else {
        directory.write(name, content.get<std::string>(), true);
    }
}

Json captureUnits(int root, ServiceManager& manager, const std::vector<std::string>& files, const std::vector<std::string>& units)
{
    Json captured = {{"files", Json::array()}, {"units", Json::array()}};
    for (const auto& path : files)
        captured["files"].push_back(fileState(root, path));
    for (const auto& unit : units) {
        auto state = manager.state(unit);
        captured["units"].push_back({{"name", unit}, {"active", state.activeState == "active"}, {"enabled", state.unitFileState == "enabled"}});
    }
    return captured;
}

void restoreUnits(int root, ServiceManager& manager, const Json& captured)
{
    // Only what differs: a unit that is not loaded (its file was never
    // written) has nothing to stop, and systemd would refuse to.
    for (const auto& unit : captured["units"]) {
        auto now = manager.state(unit["name"]);
        if (!unit["active"].get<bool>() && now.activeState != "inactive" && now.activeState != "failed")
            manager.stop(unit["name"]);
        if (!unit["enabled"].get<bool>() && now.unitFileState == "enabled")
            manager.disable({unit["name"]});
    }
    for (const auto& file : captured["files"]) {
        // A record of a change (pending.h) says what the change wrote: a
        // file that is neither that nor as before, someone wrote since.
        if (file.contains("wanted")) {
            auto now = fileState(root, file["path"])["content"];
            if (now != file["content"] && now != file["wanted"])
                continue;
        }
        restoreFile(root, file["path"], file["content"]);
    }
    manager.reload();
    for (const auto& unit : captured["units"]) {
        if (unit["enabled"].get<bool>() && manager.state(unit["name"]).unitFileState != "enabled")
            manager.enable({unit["name"]});
        if (unit["active"].get<bool>())
            manager.restart(unit["name"]);
    }
}

} // namespace remedy
