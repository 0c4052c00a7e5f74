#include "context.h"

#include "core/trusted_path.h"

namespace remedy {

Context openContext(const Root& root)
{
    static KernelSwapSystem kernel;  // stateless
    thread_local Systemd systemd;
    return {openRoot(root.path), root.config, kernel, systemd};
}

} // namespace remedy
