// Overview: memory, swap, pressure and the newest OOM kills, from
// Diagnostics.Diagnose (what `remedyctl diagnose` shows), refreshed while the
// tab is open. Swap has no change signal yet, so this polls.
import { callJson, errorText, formatBytes, h, showAlert } from "./remedy.js";

const REFRESH_MS = 4000;
const NEWEST_KILLS = 5;
let timer = null;

const $ = id => document.getElementById(id);

function render(report) {
    const memory = report.memory;
    const usedPercent = memory.total ? Math.round(100 * memory.used / memory.total) : 0;
    $("memory-figure").textContent = `${formatBytes(memory.used)} used of ${formatBytes(memory.total)} (${formatBytes(memory.available)} available)`;
    const meter = $("memory-meter");
    meter.setAttribute("aria-valuenow", String(usedPercent));
    meter.firstElementChild.style.width = usedPercent + "%";

    const swap = report.swap;
    $("swap-figure").textContent = swap.total ? `${formatBytes(swap.used)} used of ${formatBytes(swap.total)}` : "None";
    $("swap-detail").textContent = swap.total
        ? swap.areas.map(area => area.path).join(", ")
        : "nothing buffers a memory spike: the OOM killer acts at once";

    const pressure = report.pressure;
    $("pressure-figure").textContent = pressure
        ? `${pressure.some.avg60.toFixed(1)} % some, ${pressure.full.avg60.toFixed(1)} % full`
        : "not available";

    // OOM kills: the kernel log needs org.remedy.diagnose; without it the
    // report says what was withheld and how to get it.
    const withheld = report.withheld || [];
    const note = $("withheld");
    note.replaceChildren(...withheld.map(text => h("p", {}, h("strong", {}, "Withheld: "), text)));
    note.hidden = withheld.length === 0;
    const kills = report.oom_kills;
    const table = $("kills");
    table.hidden = !kills || kills.length === 0;
    $("no-kills").hidden = !kills || kills.length > 0;
    if (kills) {
        const newest = kills.slice(-NEWEST_KILLS).reverse();
        table.tBodies[0].replaceChildren(...newest.map(kill => h("tr", {},
            h("td", {}, kill.time),
            h("td", {}, `${kill.process} (pid ${kill.pid})`),
            h("td", {}, kill.unit || "–"),
            h("td", {}, kill.kind),
            h("td", {}, formatBytes(kill.rss)))));
    }
    const findings = report.findings || [];
    $("findings").replaceChildren(...findings.map(text => h("li", {}, text)));
    $("findings-card").hidden = findings.length === 0;
    $("overview-updated").textContent = "Updated " + new Date().toLocaleTimeString();
}

async function refresh() {
    try {
        render(await callJson("Diagnostics", "Diagnose", "a{sv}", [{}]));
        showAlert($("bus-error"), "");
    } catch (error) {
        showAlert($("bus-error"), errorText(error));
    }
}

export function show() {
    refresh();
    timer = setInterval(refresh, REFRESH_MS);
}

export function hide() {
    clearInterval(timer);
    timer = null;
}
