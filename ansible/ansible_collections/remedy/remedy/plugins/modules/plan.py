#!/usr/bin/python
# Applies a remedy plan on the host through remedyctl, as the connecting
# user: polkit on the host decides, remedy's report decides "changed".
# MIT License (see the LICENSE file of remedy).

from __future__ import annotations

DOCUMENTATION = r"""
---
module: plan
short_description: Apply a remedy plan (swap, services, health checks, metrics) through remedyd
description:
  - Sends the plan to C(remedyctl apply) on the host, which asks remedyd over the system bus.
    No C(become) is needed; polkit on the host decides, per step, whether the connecting user may
    make each change (group C(remedy) by default).
  - The result is remedy's own report. C(changed) is remedy's C(changed); a second run of the same
    plan changes nothing and reports ok.
  - In check mode remedy previews the plan (C(remedyctl plan)) and changes nothing; with C(--diff)
    the steps that would change are shown with the files and actions they involve.
  - On a failure, C(msg) is remedy's message and C(error) the D-Bus error name
    (for example C(org.remedy.Remedy1.Error.NotAuthorizedCanObtain)); a failed plan was undone.
  - Returns facts about the host as C(ansible_facts.remedy), among them the swap size remedy
    recommends for its RAM.
version_added: 0.1.0
options:
  plan:
    description:
      - The plan, as remedy's plan file has it (README, "Plans"), as a dictionary.
      - C(swap.size) may be C(auto), the size remedy recommends for the host it runs on.
    type: dict
  src:
    description:
      - A plan file already on the host, instead of I(plan).
    type: path
  remedyctl:
    description: The remedyctl program on the host.
    type: str
    default: remedyctl
requirements:
  - remedy installed on the host (remedyctl, remedyd), and polkit's consent for the connecting user.
author:
  - remedy developers
"""

EXAMPLES = r"""
- name: The incident's whole fix
  remedy.remedy.plan:
    plan: "{{ lookup('ansible.builtin.file', 'incident-fix.json') | from_json }}"

- name: Swap as remedy recommends for each host
  remedy.remedy.plan:
    plan:
      version: 1
      swap: {path: /swapfile, size: auto}
"""

RETURN = r"""
report:
  description: remedy's report (remedyctl --json apply or plan).
  returned: when remedy answered with one
  type: dict
  sample: {"changed": true, "dry_run": false, "history_id": 3, "steps": [{"step": 1, "kind": "swap", "target": "/swapfile",
           "status": "changed", "actions": ["create /swapfile (root, mode 0600) on ext4"], "error": null}], "error": null}
changed_steps:
  description: The steps that changed (or, in check mode, would change), as "KIND TARGET".
  returned: always
  type: list
  elements: str
history_id:
  description: The id remedyctl undo takes to reverse this run; null when nothing changed.
  returned: success
  type: int
error:
  description: The D-Bus error name of remedy's refusal or failure.
  returned: failure
  type: str
ansible_facts:
  description: Facts about the host's memory and swap, as remedyd reports them.
  returned: when remedyd could be asked
  type: dict
  contains:
    remedy:
      description: version, memory_total, swap_total, swap_recommended (bytes) and swap_recommended_reason.
      type: dict
"""

import json

from ansible.module_utils.basic import AnsibleModule


def remedyctl(module, *args, data=None):
    """Runs remedyctl --json ARGS; returns (exit status, the JSON it printed or None, stderr)."""
    command = [module.params["remedyctl"], "--json", "--no-ask-password", *args]
    rc, out, err = module.run_command(command, data=data, environ_update={"LC_ALL": "C.UTF-8"})
    try:
        document = json.loads(out) if out.strip() else None
    except ValueError:
        document = None
    return rc, document, err.strip()


def remedy_failure(module, rc, document, err, facts):
    """Fails with remedy's own message and error name."""
    document = document or {}
    if "steps" in document:  # a plan that ran and failed: its report says what was undone
        message = document.get("error") or err
        name = document.get("error_name")
    else:
        message = document.get("message") or err or "remedyctl failed with exit status %d" % rc
        name = document.get("error")
    if message.startswith("remedyctl: "):
        message = message[len("remedyctl: "):]
    result = {"msg": message, "error": name, "rc": rc, "changed_steps": []}
    if "steps" in document:
        result["report"] = document
    if facts:
        result["ansible_facts"] = {"remedy": facts}
    module.fail_json(**result)


def host_facts(module):
    rc, status, _ = remedyctl(module, "status")
    if rc != 0 or not isinstance(status, dict):
        return None
    facts = {"version": status.get("version"), "memory_total": status["memory"]["total"], "swap_total": status["swap"]["total"]}
    rc, recommended, _ = remedyctl(module, "swap", "recommend")
    if rc == 0 and isinstance(recommended, dict):
        facts["swap_recommended"] = recommended["size"]
        facts["swap_recommended_reason"] = recommended["reason"]
    return facts


def prepared(report):
    """What --diff shows: each step that changes, with the files and actions it involves."""
    lines = []
    for step in report.get("steps", []):
        if step.get("status") in ("changed", "would_change"):
            lines.append("%s %s: %s" % (step["kind"], step["target"], step["status"].replace("_", " ")))
            lines.extend("  - " + action for action in step.get("actions", []))
    return "\n".join(lines) + "\n" if lines else ""


def main():
    module = AnsibleModule(
        argument_spec={
            "plan": {"type": "dict"},
            "src": {"type": "path"},
            "remedyctl": {"type": "str", "default": "remedyctl"},
        },
        required_one_of=[("plan", "src")],
        mutually_exclusive=[("plan", "src")],
        supports_check_mode=True,
    )
    if not module.get_bin_path(module.params["remedyctl"]):
        module.fail_json(msg="%s is not installed on this host: install the remedy package" % module.params["remedyctl"],
                         error=None, changed_steps=[])

    facts = host_facts(module)
    source = module.params["src"] or "-"
    data = None if module.params["src"] else json.dumps(module.params["plan"])
    if module.check_mode:
        rc, report, err = remedyctl(module, "plan", source, data=data)
    else:
        rc, report, err = remedyctl(module, "apply", source, data=data)
    if rc != 0 or not isinstance(report, dict) or "steps" not in report:
        remedy_failure(module, rc, report, err, facts)

    changed_steps = ["%s %s" % (s["kind"], s["target"]) for s in report["steps"] if s["status"] in ("changed", "would_change")]
    result = {"changed": bool(report["changed"]), "report": report, "changed_steps": changed_steps,
              "history_id": report.get("history_id")}
    if facts:
        result["ansible_facts"] = {"remedy": facts}
    if module._diff:
        result["diff"] = {"prepared": prepared(report)}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
