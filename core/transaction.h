#pragma once
// Undo steps for a change made of several steps: unless commit() is called,
// the destructor undoes every step done so far, newest first.

#include <functional>
#include <string>
#include <vector>

namespace remedy {

class Transaction {
public:
    Transaction() = default;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction()
    {
        if (committed_)
            return;
        for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
            try {
                (*it)();
            } catch (...) {
                // Undoing must go on: one failed step must not strand the rest.
            }
        }
    }

    void onUndo(std::function<void()> step) { undo_.push_back(std::move(step)); }
    void commit() { committed_ = true; }

private:
    std::vector<std::function<void()>> undo_;
    bool committed_ = false;
};

} // namespace remedy
