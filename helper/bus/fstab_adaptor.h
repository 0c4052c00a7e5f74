#pragma once
// /org/remedy/Remedy1, interface Fstab: a thin adaptor over the fstab core.

#include "authorizer.h"
#include "bus/options.h"
#include "core/fstab.h"
#include "event_loop.h"
#include "remedy-adaptor.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <optional>
#include <string>

namespace remedy {

class FstabService final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Fstab_adaptor> {
public:
    FstabService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, const Root& root);
    ~FstabService();

private:
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, int32_t, int32_t, int32_t>> GetEntries() override;
    void AddEntry(sdbus::Result<bool>&& result, std::string source, std::string target, std::string fstype, std::string fsoptions,
                  int32_t dump, int32_t pass, Options options) override;
    void RemoveEntry(sdbus::Result<bool>&& result, std::string identity, Options options) override;

    // Authorizes, then runs `edit` (old fstab -> new text, or nothing to do)
    // on the mutation thread and replies whether the file changed.
    void change(sdbus::Result<bool>&& result, const Options& options, const std::string& what,
                std::function<std::optional<std::string>(const Fstab&)> edit);

    Authorizer& authorizer_;
    EventLoop& loop_;
    const Root& root_;
};

} // namespace remedy
