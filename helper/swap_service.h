#pragma once
// /org/remedy/Remedy1, interfaces Swap and Fstab: thin adaptors over the
// swapfile and fstab core.

#include "authorizer.h"
#include "bus_util.h"
#include "core/fstab.h"
#include "jobs.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

// Where the helper acts: "/" on a real system, a scratch folder in tests.
struct Root {
    std::string path = "/";
};

class SwapService final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Swap_adaptor> {
public:
    SwapService(sdbus::IConnection& bus, Authorizer& authorizer, Jobs& jobs, const Root& root);
    ~SwapService();

private:
    void CreateSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options) override;
    void RemoveSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, Options options) override;
    void ResizeSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options) override;
    std::tuple<uint64_t, std::string> RecommendSize() override;
    std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, int32_t>> Areas() override;
    uint64_t Total() override;
    uint64_t Used() override;

    // Authorizes, then runs `work` as a job; replies with the job or an error.
    void startJob(sdbus::Result<sdbus::ObjectPath>&& result, const std::string& operation, const std::string& path,
                  std::vector<std::string> actions, bool interactive, bool dryRun, const std::string& what, Jobs::Work work);

    Authorizer& authorizer_;
    Jobs& jobs_;
    const Root& root_;
    KernelSwapSystem kernel_;
};

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
