// Checklist: Diagnostics.Check (what `remedyctl check` shows), and for each
// failing item a button that makes the bus call its printed fix makes.
// polkit decides; a refusal shows remedy's own message under the item.
/* global cockpit */
import { call, callJson, errorText, h, options, parseSize, runJob, showAlert } from "./remedy.js";

const $ = id => document.getElementById(id);
const MARKS = { pass: "✓", fail: "✗", not_checked: "–" };
const STATUS = { pass: "passes", fail: "fails", not_checked: "not checked" };

// The word after `flag` in a fix command.
function argument(words, flag) {
    const at = words.indexOf(flag);
    return at >= 0 ? words[at + 1] : undefined;
}

async function installUnitFile(path, restartAlways) {
    let content = await cockpit.file(path).read();
    if (restartAlways) {
        // What the fix asks of a person: Restart=always in [Service].
        content = /^Restart=.*$/m.test(content)
            ? content.replace(/^Restart=.*$/m, "Restart=always")
            : content.replace(/^\[Service\][^\n]*$/m, "[Service]\nRestart=always");
    }
    const name = path.slice(path.lastIndexOf("/") + 1);
    return runJob("Units", "InstallUnit", "ssa{sv}", [name, content, options({ force: true })]);
}

// What a fix button does: {label, call (the method), fields: [{id, label, value}], run(values)}, or null
// when the fix needs more than a click (a whole service spec: use a plan).
export function fixFor(item) {
    if (!item.fix)
        return null;
    const command = item.fix.includes("then: ") ? item.fix.slice(item.fix.indexOf("then: ") + 6) : item.fix;
    const words = command.split(/\s+/);
    const verb = words.slice(1, 3).join(" ");
    const size = parseSize(argument(words, "--size") || "");
    if (verb === "swap create" && size)
        return { label: "Create swapfile", call: "Swap.CreateSwapfile", fields: [{ id: "path", label: "Swapfile path", value: "/swapfile" }],
                 run: values => runJob("Swap", "CreateSwapfile", "sta{sv}", [values.path, size, {}]) };
    if (verb === "swap resize" && size)
        return { label: "Resize swapfile", call: "Swap.ResizeSwapfile", fields: [],
                 run: () => runJob("Swap", "ResizeSwapfile", "sta{sv}", [words[3], size, {}]) };
    if (verb === "fstab add")
        return { label: "Add to /etc/fstab", call: "Fstab.AddEntry", fields: [],
                 run: () => call("Fstab", "AddEntry", "ssssiia{sv}", [words[3], words[4], words[5], "defaults", 0, 0, {}]) };
    if (verb === "unit limits" && parseSize(argument(words, "--memory-max") || ""))
        return { label: "Set memory limit", call: "Units.SetMemoryLimits", fields: [],
                 run: () => call("Units", "SetMemoryLimits", "stta{sv}", [words[3], parseSize(argument(words, "--memory-max")), 0, {}]) };
    if (verb === "health add")
        return { label: "Add health check", call: "Units.InstallHealthcheck", fields: [{ id: "url", label: "Health check URL", value: argument(words, "--url") }],
                 run: values => runJob("Units", "InstallHealthcheck", "ssa{sv}", [words[3], values.url, {}]) };
    if (verb === "check --install-metrics-timer")
        return { label: "Install metrics timer", call: "Units.InstallMetricsTimer", fields: [],
                 run: () => runJob("Units", "InstallMetricsTimer", "sa{sv}", ["", {}]) };
    if (verb === "unit install" && words.includes("--force"))
        return { label: item.id === "restart_policy" ? "Set Restart=always and reinstall" : "Reinstall unit", call: "Units.InstallUnit", fields: [],
                 run: () => installUnitFile(words[3], item.id === "restart_policy") };
    return null;
}

function renderItem(item) {
    const title = item.title + (item.unit ? ` (${item.unit})` : "");
    const error = h("div", { class: "alert danger", role: "alert", hidden: true });
    const row = h("li", { class: "item " + item.status, "data-id": item.id },
                  h("span", { class: "mark", "aria-hidden": "true" }, MARKS[item.status]),
                  h("div", { class: "body" },
                    h("p", { class: "title" }, title, h("span", { class: "visually-hidden" }, ": " + STATUS[item.status])),
                    h("p", { class: "detail" }, (item.status === "not_checked" ? "not checked: " : "") + item.detail),
                    item.fix ? h("p", { class: "fix" }, "Fix: ", h("code", {}, item.fix)) : null));
    const fix = item.status === "fail" ? fixFor(item) : null;
    if (fix) {
        const form = h("form", { class: "inline fix-form" });
        const inputs = {};
        for (const field of fix.fields) {
            const id = `fix-${item.id}-${item.unit || "all"}-${field.id}`.replace(/[^A-Za-z0-9_-]/g, "_");
            inputs[field.id] = h("input", { id, type: "text", value: field.value || "", autocomplete: "off" });
            form.append(h("label", { for: id }, field.label), inputs[field.id]);
        }
        const button = h("button", { type: "submit", class: "primary", "aria-label": `${fix.label}: ${title}`,
                                    title: `Calls ${fix.call} on remedy's bus, as remedyctl does` }, fix.label);
        form.append(button);
        form.addEventListener("submit", async event => {
            event.preventDefault();
            button.disabled = true;
            showAlert(error, "");
            const values = Object.fromEntries(Object.entries(inputs).map(([key, input]) => [key, input.value.trim()]));
            try {
                await fix.run(values);
                await refresh();
            } catch (failure) {
                showAlert(error, errorText(failure));
                button.disabled = false;
            }
        });
        row.lastElementChild.append(form);
    }
    row.lastElementChild.append(error);
    return row;
}

export async function refresh() {
    const unit = $("checklist-unit").value.trim();
    try {
        const report = await callJson("Diagnostics", "Check", "sa{sv}", [unit, {}]);
        const summary = report.summary;
        $("checklist-summary").textContent =
            `${summary.passed} of ${summary.passed + summary.failed} judged items pass; ${summary.not_checked} not checked.`;
        $("checklist-summary").className = "summary " + (summary.failed === 0 ? "good" : "bad");
        $("checklist-items").replaceChildren(...report.items.map(renderItem));
        const withheld = report.withheld || [];
        $("checklist-withheld").replaceChildren(...withheld.map(text => h("p", {}, h("strong", {}, "Withheld: "), text)));
        $("checklist-withheld").hidden = withheld.length === 0;
    } catch (error) {
        $("checklist-summary").textContent = errorText(error);
        $("checklist-summary").className = "summary bad";
    }
}

$("checklist-form").addEventListener("submit", event => {
    event.preventDefault();
    refresh();
});

export function show() { refresh() }
export function hide() {}
