// Services: the ones remedy installed, as the checklist judges them
// (Diagnostics.Check with no unit), and Units.VerifyRestart: kill the main
// process through systemd and time its return (`remedyctl verify-restart`).
import { callJson, errorText, h, runJob, showAlert } from "./remedy.js";

const $ = id => document.getElementById(id);

function detail(items, id, unit) {
    const item = items.find(entry => entry.id === id && entry.unit === unit);
    return item ? h("span", { class: "status-" + item.status }, item.detail) : "–";
}

async function verify(unit, button) {
    button.disabled = true;
    showAlert($("services-error"), "");
    $("verify-result").textContent = `Killing ${unit} and waiting for systemd to bring it back…`;
    try {
        const { report } = await runJob("Units", "VerifyRestart", "sa{sv}", [unit, {}]);
        $("verify-result").textContent =
            `${report.unit} is back: process ${report.new_pid} replaced the killed ${report.old_pid} in ${report.recovery_ms} ms ` +
            `(RestartSec ${report.restart_sec_ms} ms, ${report.restarts} restarts in all).`;
    } catch (error) {
        $("verify-result").textContent = "";
        showAlert($("services-error"), errorText(error));
    }
    button.disabled = false;
    refresh();
}

async function refresh() {
    try {
        const report = await callJson("Diagnostics", "Check", "sa{sv}", ["", {}]);
        const items = report.items;
        $("services-empty").hidden = report.units.length > 0;
        $("service-table").hidden = report.units.length === 0;
        $("service-table").tBodies[0].replaceChildren(...report.units.map(unit => h("tr", { "data-unit": unit.unit },
            h("th", { scope: "row" }, unit.unit),
            h("td", {}, unit.active + (unit.result && unit.result !== "success" ? ` (last result: ${unit.result})` : "")),
            h("td", {}, detail(items, "restart_policy", unit.unit)),
            h("td", {}, detail(items, "memory_limit", unit.unit)),
            h("td", {}, detail(items, "health_check", unit.unit)),
            h("td", {}, unit.restarts),
            h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `Verify restart of ${unit.unit}`,
                                      onclick: event => verify(unit.unit, event.currentTarget) }, "Verify restart")))));
    } catch (error) {
        showAlert($("services-error"), errorText(error));
    }
}

export function show() { refresh() }
export function hide() {}
