#pragma once
// The helper's log: spdlog, to the journal when systemd started us (with the
// JOURNAL_STREAM it handed us still on stderr), to stderr otherwise.

#include "core/log_level.h"

namespace remedy::logging {

void setup(LogTarget target, LogLevel level);
void setLevel(LogLevel level);
void setTarget(LogTarget target);
LogLevel level();
LogTarget target();
// Whether lines go to the journal, where structured entries can go too.
bool toJournal();

} // namespace remedy::logging
