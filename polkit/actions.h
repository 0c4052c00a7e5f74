#pragma once
// The polkit actions of org.remedy.policy, by the names the code uses.
// Which of them the group rule grants, and why, is in 50-remedy.rules and the
// README's Security section.

#include <string_view>

namespace remedy::actions {

// remedyd's own settings (log level): not part of any fix.
inline constexpr const char* kManage = "org.remedy.manage";
// Swapfiles in the places the administrator allows (/etc/remedy/remedyd.conf).
inline constexpr const char* kSwap = "org.remedy.swap.manage";
// Any /etc/fstab entry: a mount is root in disguise, so auth_admin only.
inline constexpr const char* kFstab = "org.remedy.fstab.manage";
// Services from the structured spec, run by regular login users, and
// remedy's own health checks, memory limits and restarts of those services.
inline constexpr const char* kUnit = "org.remedy.unit.manage";
// Raw unit files, and units remedy does not manage: root in disguise.
inline constexpr const char* kUnitAny = "org.remedy.unit.manage-any";
// The kernel log and other privileged diagnostics.
inline constexpr const char* kDiagnose = "org.remedy.diagnose";
// Applying or undoing a plan (each step also needs its own action).
inline constexpr const char* kPlan = "org.remedy.plan.apply";

// Whether 50-remedy.rules grants it to group "remedy": the incident's fix,
// and nothing that is root in disguise.
inline bool grantedToGroup(std::string_view action)
{
    for (auto granted : {kSwap, kUnit, kDiagnose, kPlan})
        if (action == granted)
            return true;
    return false;
}

// Whether granting it is granting root: the policy's message says so, and
// so does remedyd's refusal.
inline bool rootEquivalent(std::string_view action) { return action == kFstab || action == kUnitAny; }

} // namespace remedy::actions
