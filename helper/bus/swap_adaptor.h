#pragma once
// /org/remedy/Remedy1, interface Swap: decodes, hands to the request
// pipeline, encodes; core/swapfile.h does the work.

#include "bus/options.h"
#include "remedy-adaptor.h"
#include "requests.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class SwapAdaptor final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Swap_adaptor> {
public:
    SwapAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root);
    ~SwapAdaptor();

    // PropertiesChanged for Areas and Total: a swap area came or went.
    void announceAreas();

private:
    void CreateSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options) override;
    void RemoveSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, Options options) override;
    void ResizeSwapfile(sdbus::Result<sdbus::ObjectPath>&& result, std::string path, uint64_t size, Options options) override;
    std::tuple<uint64_t, std::string> RecommendSize() override;
    std::vector<sdbus::Struct<std::string, std::string, uint64_t, uint64_t, int32_t>> Areas() override;
    uint64_t Total() override;
    uint64_t Used() override;

    template <typename Operation>
    Jobs::Work work(Operation operation) const;

    Requests& requests_;
    const Root& root_;
};

} // namespace remedy
