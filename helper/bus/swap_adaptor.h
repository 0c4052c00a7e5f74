#pragma once
// /org/remedy/Remedy1, interface Swap: a thin adaptor over the swapfile core.

#include "authorizer.h"
#include "bus/options.h"
#include "core/swapfile.h"
#include "jobs.h"
#include "remedy-adaptor.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

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

    // The job that runs `operation` (create or resize) for the request.
    using Operation = Outcome (Swapfiles::*)(const SwapfileRequest&, const Progress&);
    Jobs::Work work(const SwapfileRequest& request, Operation operation);

    Authorizer& authorizer_;
    Jobs& jobs_;
    const Root& root_;
    KernelSwapSystem kernel_;
};

} // namespace remedy
