#pragma once
// /org/remedy/Remedy1, interface Fstab: decodes, hands to the request
// pipeline, encodes; core/fstab_file.h does the work.

#include "bus/options.h"
#include "remedy-adaptor.h"
#include "requests.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace remedy {

class FstabAdaptor final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Fstab_adaptor> {
public:
    using Entries = std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, int32_t, int32_t, int32_t>>;
    using Unparsed = std::vector<sdbus::Struct<int32_t, std::string, std::string>>;

    FstabAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root);
    ~FstabAdaptor();

private:
    void GetEntries(sdbus::Result<Entries>&& result) override;
    void GetEntriesEx(sdbus::Result<Entries, Unparsed>&& result) override;
    void AddEntry(sdbus::Result<bool>&& result, std::string source, std::string target, std::string fstype, std::string fsoptions,
                  int32_t dump, int32_t pass, Options options) override;
    void RemoveEntry(sdbus::Result<bool>&& result, std::string identity, Options options) override;

    Requests& requests_;
    const Root& root_;
};

} // namespace remedy
