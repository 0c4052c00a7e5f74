#!/usr/bin/python3
"""remedy's Cockpit page in headless Chromium, driven by Selenium.

Run by tests/browser/run, which boots the sandbox, replays the incident,
starts cockpit-ws on 127.0.0.1:9090 and runs this in the sandbox's network.
The outsider goes first, so "nothing changed" compares the untouched system.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

HERE = os.path.dirname(os.path.abspath(__file__))
SANDBOX = os.path.join(HERE, "..", "support", "sandbox")
URL = "http://127.0.0.1:9090"
ARGS = None


def inside(*argv):
    """A command inside the sandbox, as root; its output."""
    return subprocess.run([SANDBOX, "run", ARGS.sandbox, *argv], check=True, capture_output=True, text=True).stdout


def system_state():
    """What the outsider must not change: fstab byte for byte, the unit
    folder's files, the plan history, and the swap disk (a swapfile of ours
    would be a file there; /proc/swaps is the machine's, where other work
    may turn swap on and off meanwhile)."""
    listing = inside("sh", "-c", "cat /etc/fstab; find /etc/systemd/system /srv/swap /var/lib/remedy -xdev "
                                 "-exec ls -ld {} + 2>/dev/null | sort; find /etc/systemd/system /var/lib/remedy "
                                 "-xdev -type f -exec sha256sum {} + 2>/dev/null | sort")
    return hashlib.sha256(listing.encode()).hexdigest(), listing


def wait_for(condition, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
            if value:
                return value
        except WebDriverException:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Session:
    """One person logged in to Cockpit, with the remedy page open in the shell."""

    def __init__(self, user, password):
        self.user = user
        self.profile = tempfile.TemporaryDirectory(prefix="remedy-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,960", "--lang=en-US", f"--user-data-dir={self.profile.name}"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.get(URL + "/remedy")
        find = self.driver.find_element
        wait_for(lambda: find(By.ID, "login-user-input").is_displayed(), what="the login page")
        find(By.ID, "login-user-input").send_keys(user)
        find(By.ID, "login-password-input").send_keys(password)
        find(By.ID, "login-button").click()
        frame = wait_for(lambda: self.driver.find_element(By.CSS_SELECTOR, "iframe[name='cockpit1:localhost/remedy']"),
                         what="remedy's frame in the shell")
        self.driver.switch_to.frame(frame)
        wait_for(lambda: find(By.CSS_SELECTOR, "body[data-ready]"), what="the page")

    def close(self):
        if sys.exc_info()[0] is not None:  # failing: keep what the page showed
            self.screenshot("FAILED")
        self.driver.quit()
        self.profile.cleanup()

    def el(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def els(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        return self.el(css).text

    def tab(self, name):
        self.el(f"#tab-{name}").click()
        wait_for(lambda: self.el(f"#{name}").is_displayed(), what=f"the {name} tab")

    def screenshot(self, name, show=None):
        if show:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", self.el(show))
        self.driver.save_screenshot(os.path.join(ARGS.screenshots, f"{self.user}-{name}.png"))

    def unlabelled_controls(self):
        """Controls on screen without an accessible name, as Chromium computes it."""
        missing = []
        for element in self.els("button, input, textarea, select, [role=meter], [role=progressbar], table"):
            if element.is_displayed() and not element.accessible_name.strip():
                missing.append(element.get_attribute("outerHTML")[:120])
        return missing

    def console_errors(self):
        """Errors in the console of any frame; the one expected is the login
        page asking whether a session exists (401) before logging in."""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"
                and not entry["message"].startswith(URL + "/cockpit/login - ")]


# Every kind of fix core/checklist.cpp prints, and the method its button
# calls: the one remedyctl calls for that command (None: no button).
FIXES = {
    "remedyctl swap create --size 4G": "Swap.CreateSwapfile",
    "remedyctl swap resize /swapfile --size 8G": "Swap.ResizeSwapfile",
    "remedyctl fstab add /swapfile none swap": "Fstab.AddEntry",
    "remedyctl unit install /etc/systemd/system/app.service --force": "Units.InstallUnit",
    "set Restart=always in /etc/systemd/system/app.service, then: remedyctl unit install "
    "/etc/systemd/system/app.service --force": "Units.InstallUnit",
    "remedyctl unit limits app.service --memory-max 1792M": "Units.SetMemoryLimits",
    "remedyctl health add app.service --url http://127.0.0.1:PORT/health": "Units.InstallHealthcheck",
    "remedyctl check --install-metrics-timer": "Units.InstallMetricsTimer",
    "remedyctl service create NAME --user USER --restart always --memory-max 5888M -- COMMAND...": None,
    "remedyctl service create app.service ... --logs-dir DIR --log-rotate": None,
}


def foreign_swap_only(session):
    """Swap is global: while other work on this machine has a swap area on
    (perhaps at the same path in a namespace of its own), the sandbox's
    fstab cannot name it, and only that item may fail, once ours is there."""
    failing = session.els("li.item.fail")
    if len(failing) != 1 or failing[0].get_attribute("data-id") != "swap_persisted":
        return False
    if "/srv/swap/swapfile none swap" not in inside("cat", "/etc/fstab"):
        return False
    print("note: another swap area is on here: " + failing[0].find_element(By.CSS_SELECTOR, ".detail").text, file=sys.stderr)
    return True


class Page(unittest.TestCase):
    def check_each_tab(self, session):
        for name in ("overview", "checklist", "plans", "services"):
            session.tab(name)
            time.sleep(0.5)
            self.assertEqual(session.unlabelled_controls(), [], f"{name}: every control has an accessible name")

    def test_1_outsider_is_told_what_is_withheld_and_refused_and_nothing_changes(self):
        before, listing = system_state()
        session = Session("remedy-outsider", "outsider-password")
        try:
            # Overview: memory and swap, but the kernel log is withheld, with the way to get it.
            wait_for(lambda: session.el("#withheld").is_displayed(), what="the withheld note")
            note = session.text("#withheld")
            self.assertIn("org.remedy.diagnose", note)
            self.assertIn("group 'remedy'", note)
            self.assertFalse(session.el("#kills").is_displayed())
            self.assertIn("used of", session.text("#memory-figure"))
            session.screenshot("overview")

            # Checklist: a fix button, refused with remedy's message.
            session.tab("checklist")
            button = wait_for(lambda: session.el("li[data-id='metrics'] button"), what="the metrics fix")
            self.assertIn("Install metrics timer", button.accessible_name)
            button.click()
            refusal = wait_for(lambda: session.text("li[data-id='metrics'] [role=alert]"), what="the refusal")
            self.assertIn("not authorized for org.remedy.unit.manage", refusal)
            self.assertIn("group 'remedy'", refusal)
            session.screenshot("checklist-refused", show="li[data-id='metrics'] [role=alert]")

            # Plans: a preview looks at the system as root, step by step, so
            # it needs what applying would; refused, and Apply stays off.
            session.tab("plans")
            session.el("#plan-file").send_keys(ARGS.plan)
            refusal = wait_for(lambda: session.text("#plan-error"), what="the refusal")
            self.assertIn("not authorized for org.remedy.plan.apply", refusal)
            self.assertEqual(session.els("#plan-steps > li"), [])
            self.assertFalse(session.el("#plan-apply").is_enabled())
            session.screenshot("plans-refused", show="#plan-error")

            self.check_each_tab(session)
            self.assertEqual(session.console_errors(), [])
        finally:
            session.close()
        after, changed = system_state()
        self.assertEqual(before, after, f"the outsider changed the system:\n{listing}\n---\n{changed}")

    def test_2_member_applies_the_incident_plan_and_the_checklist_passes(self):
        session = Session("remedy-member", "member-password")
        try:
            # Overview: the incident's OOM kill, with its unit.
            # The kernel log is the machine's: this run's kill is the one after it began.
            def this_kill():
                rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in session.els("#kills tbody tr")]
                return [row for row in rows if row[2] == "kontali-by-hand.service" and row[0] >= ARGS.killed_after]
            wait_for(this_kill, what="the OOM kill")
            self.assertFalse(session.el("#withheld").is_displayed())
            self.assertTrue(session.text("#swap-figure"))
            session.screenshot("overview")

            # Checklist: it fails; one fix by its button (the metrics timer).
            session.tab("checklist")
            wait_for(lambda: session.els("li.item.fail"), what="failing items")
            session.screenshot("checklist-before")
            calls = session.driver.execute_async_script("""
                const [fixes, done] = arguments;
                import("./checklist.js").then(module => done(Object.fromEntries(fixes.map(fix => {
                    const button = module.fixFor({ id: "item", fix });
                    return [fix, button ? button.call : null];
                }))));""", list(FIXES))
            self.assertEqual(calls, FIXES)
            session.el("li[data-id='metrics'] button").click()
            wait_for(lambda: "pass" in session.el("li[data-id='metrics']").get_attribute("class"), what="metrics to pass")

            # Plans: upload, preview, apply, watch the steps complete.
            session.tab("plans")
            session.el("#plan-file").send_keys(ARGS.plan)
            steps = wait_for(lambda: session.els("#plan-steps > li"), what="the preview")
            self.assertEqual(len(steps), 4, "swap, service, health check, metrics")
            session.el("#plan-apply").click()
            seen = set()
            deadline = time.monotonic() + 120
            while not session.text("#plan-status").startswith(("Applied", "The plan failed")):
                seen.add(session.el("#plan-progress").get_attribute("aria-valuenow"))
                self.assertLess(time.monotonic(), deadline, "the plan finishes")
                time.sleep(0.05)
            self.assertEqual(session.text("#plan-error"), "")
            print(f"progress seen while applying: {sorted(seen, key=int)} %", file=sys.stderr)
            self.assertTrue(seen & {"25", "50", "75"}, f"the steps advanced one by one: {sorted(seen)}")
            statuses = [li.get_attribute("class") for li in session.els("#plan-steps > li")]
            self.assertEqual(statuses, ["step changed"] * 3 + ["step unchanged"], "metrics was there already")
            session.screenshot("plans-applied", show="#plan-steps")

            # The checklist, after: every judged item passes.
            session.tab("checklist")
            wait_for(lambda: not session.els("li.item.fail") or foreign_swap_only(session), what="all items to pass")
            self.assertIn("/srv/swap/swapfile none swap", inside("cat", "/etc/fstab"))
            if not foreign_swap_only(session):
                self.assertRegex(session.text("#checklist-summary"), r"^(\d+) of \1 judged items pass")
            session.screenshot("checklist-after")

            # Services: the backend with its policy, limit and health check; its restart, measured.
            session.tab("services")
            row = wait_for(lambda: session.el("tr[data-unit='kontali-backend.service']"), what="the service")
            self.assertIn("Restart=always", row.text)
            self.assertIn("MemoryMax=2G", row.text)
            session.el("tr[data-unit='kontali-backend.service'] button").click()
            result = wait_for(lambda: session.text("#verify-result") if " ms " in session.text("#verify-result") else "",
                              timeout=90, what="the restart")
            self.assertRegex(result, r"kontali-backend.service is back: process \d+ replaced the killed \d+ in [\d.]+ ms \(RestartSec 5000 ms")
            session.screenshot("services", show="#verify-result")

            self.check_each_tab(session)

            # History: undo the run; the swap goes with it.
            session.tab("plans")
            session.el("#history tr[data-id='1'] button").click()
            wait_for(lambda: "undone" in session.text("#history tr[data-id='1']"), timeout=60, what="the undo")
            self.assertEqual(inside("ls", "/srv/swap"), "lost+found\n", "the swapfile is off and gone")
            session.screenshot("plans-undone")

            # The overview is live: swap made elsewhere shows without a click.
            session.tab("overview")
            live = "/srv/swap/live-swapfile"  # a name no other work on this machine uses
            inside("runuser", "-u", "remedy-member", "--", "remedyctl", "swap", "create", live, "--size", "64M", "--no-persist")
            try:
                wait_for(lambda: live in session.text("#swap-detail"), timeout=15, what="the new swap")
            finally:
                inside("runuser", "-u", "remedy-member", "--", "remedyctl", "swap", "remove", live)
            self.assertEqual(session.console_errors(), [])
        finally:
            session.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--killed-after", required=True, help="ISO 8601 UTC time the incident began")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], "-v", *rest])
