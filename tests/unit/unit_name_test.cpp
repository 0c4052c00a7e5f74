#include "core/error.h"
#include "core/unit_name.h"

#include <gtest/gtest.h>

using namespace remedy;

TEST(UnitName, AcceptsServicesAndInstances)
{
    for (const char* name : {"kontali-backend.service", "worker@2.service", "a_b:c.service", "x\\x2dy.service"})
        EXPECT_NO_THROW(validateServiceName(name)) << name;
}

TEST(UnitName, RefusesWhatSystemdWouldRefuse)
{
    for (const char* name : {"", "app", "app.socket", "../app.service", "/etc/systemd/system/app.service", "app service.service",
                             "app.x.service", "@1.service", "worker@.service", ".service", "ä.service"})
        EXPECT_THROW(validateServiceName(name), Error) << name;
    EXPECT_THROW(validateServiceName(std::string(300, 'a') + ".service"), Error);
}

TEST(UnitName, LeavesTheSystemsOwnUnitsAlone)
{
    for (const char* name : {"dbus.service", "polkit.service", "remedyd.service", "systemd-journald.service", "getty@tty1.service"})
        EXPECT_THROW(validateServiceName(name), Error) << name;
}
