#pragma once

#include "dbus/errors.h"

namespace remedy {

template <typename T, typename Fn>
Attempt<T> attempt(Fn&& fn)
{
    Attempt<T> result;
    try {
        result.value = fn();
    } catch (const Error& error) {
        result.errorName = errorName(error.kind());
        result.message = error.what();
    } catch (const sdbus::Error& error) {
        result.errorName = error.getName();
        result.message = error.getMessage();
    } catch (const std::exception& error) {
        result.errorName = errorName(ErrorKind::Failed);
        result.message = error.what();
    }
    return result;
}

} // namespace remedy
