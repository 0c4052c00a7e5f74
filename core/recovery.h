#pragma once
// What a killed remedyd left unfinished, ended when the next one starts
// (it is bus-activated: the next call), before it serves anyone. Changes
// run one at a time, so what is left is one change and those within it:
// a plan cut short is rolled back (plan_runner.h), and so is a single
// change (pending.h), except an undo or a resize past its point of no
// return, which is finished. Each goes on record in history.

#include "plan_runner.h"

#include <string>
#include <vector>

namespace remedy {

struct Recovery {
    std::string what;     // "swap-create /swapfile", "plan 7"
    std::string outcome;  // what was done, a sentence
    bool done = false;    // false: it failed, and the next start tries again
};

std::vector<Recovery> recoverChanges(const PlanTools& tools);

} // namespace remedy
