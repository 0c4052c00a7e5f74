# A callback for tests/ansible/fleet: every task's result per host, and the
# recap, written as JSON to $REMEDY_RECORD (ansible-core has no json
# stdout callback of its own; ansible.posix is not in Debian's ansible-core).
import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "remedy_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.tasks = []

    def _record(self, result, **status):
        self.tasks.append({"task": result._task.get_name(), "host": result._host.get_name(), "result": dict(result._result, **status)})

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_playbook_on_stats(self, stats):
        recap = {host: stats.summarize(host) for host in sorted(stats.processed)}
        with open(os.environ["REMEDY_RECORD"], "w") as out:
            json.dump({"tasks": self.tasks, "stats": recap}, out, default=str)
