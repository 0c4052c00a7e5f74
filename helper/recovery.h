#pragma once
// What remedyd does when it starts, before it serves anyone: changes a
// killed remedyd left half done are rolled back and put on record (see the
// README, "Crashes").

#include "root.h"

namespace remedy {

void recoverInterrupted(const Root& root);

} // namespace remedy
