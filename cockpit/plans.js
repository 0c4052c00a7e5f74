// Plans: a plan file uploaded or pasted, previewed step by step
// (Plan.Preview), applied as a job whose Progress moves a step at a time
// (Plan.Apply, as `remedyctl apply`), its report; the history, with undo.
import { call, callJson, errorText, h, runJob, showAlert } from "./remedy.js";

const $ = id => document.getElementById(id);
let previewed = null;  // the text the shown preview is of: Apply sends exactly that

function stepItem(step) {
    const status = step.status.replace("_", " ");
    return h("li", { class: "step " + step.status, "data-step": step.step },
             h("span", { class: "step-title" }, `${step.kind} ${step.target}`),
             h("span", { class: "badge" }, status),
             step.actions && step.actions.length && step.status !== "unchanged"
                 ? h("ul", { class: "step-actions" }, step.actions.map(action => h("li", {}, action)))
                 : null,
             step.error ? h("p", { class: "step-error" }, step.error) : null);
}

function setBar(fraction) {
    const bar = $("plan-progress");
    const percent = Math.round(100 * fraction);
    bar.hidden = false;
    bar.setAttribute("aria-valuenow", String(percent));
    bar.firstElementChild.style.width = percent + "%";
}

// The job's Progress is (steps done) / (steps): mark them as it moves.
function setProgress(fraction) {
    setBar(fraction);
    const steps = [...$("plan-steps").children];
    const done = Math.round(fraction * steps.length);
    steps.forEach((step, index) => {
        const state = index < done ? "done" : index === done ? "running" : "waiting";
        step.classList.remove("done", "running", "waiting");
        step.classList.add(state);
        step.querySelector(".badge").textContent = state === "done" ? "done" : state === "running" ? "running…" : "waiting";
    });
}

async function preview() {
    const text = $("plan-text").value;
    showAlert($("plan-error"), "");
    $("plan-apply").disabled = true;
    $("plan-progress").hidden = true;
    try {
        const report = await callJson("Plan", "Preview", "sa{sv}", [text, {}]);
        previewed = text;
        $("plan-steps").replaceChildren(...report.steps.map(stepItem));
        $("plan-status").textContent = report.changed
            ? `${report.steps.length} steps; applying makes the changes marked "would change".`
            : "Nothing to do: the system is as the plan says.";
        $("plan-apply").disabled = false;
    } catch (error) {
        previewed = null;
        $("plan-steps").replaceChildren();
        $("plan-status").textContent = "";
        showAlert($("plan-error"), errorText(error));
    }
}

async function apply() {
    if (previewed === null)
        return;
    $("plan-apply").disabled = true;
    $("plan-preview").disabled = true;
    showAlert($("plan-error"), "");
    $("plan-status").textContent = "Applying…";
    setProgress(0);
    try {
        const result = await runJob("Plan", "Apply", "sa{sv}", [previewed, {}], setProgress);
        const report = result.report;
        $("plan-steps").replaceChildren(...report.steps.map(stepItem));
        if (!result.success) {
            $("plan-status").textContent = "The plan failed; the steps it changed were undone.";
            showAlert($("plan-error"), result.message);
        } else {
            $("plan-status").textContent = report.changed
                ? `Applied (history ${report.history_id}).`
                : "Nothing to do: every step was so already.";
        }
        setBar(1);
    } catch (error) {
        $("plan-progress").hidden = true;
        $("plan-status").textContent = "Nothing was changed.";
        showAlert($("plan-error"), errorText(error));
    }
    $("plan-preview").disabled = false;
    loadHistory();
}

function changedSteps(record) {
    return record.steps.filter(step => step.status === "changed").map(step => `${step.kind} ${step.target}`).join(", ");
}

async function undo(id, button) {
    button.disabled = true;
    showAlert($("history-error"), "");
    try {
        await runJob("Plan", "Undo", "ta{sv}", [id, {}]);
    } catch (error) {
        showAlert($("history-error"), errorText(error));
    }
    loadHistory();
}

async function loadHistory() {
    try {
        const [text] = await call("Plan", "History", "a{sv}", [{}]);
        const records = JSON.parse(text).reverse();
        $("history-empty").hidden = records.length > 0;
        $("history").hidden = records.length === 0;
        $("history").tBodies[0].replaceChildren(...records.map(record => {
            const state = record.undone ? "undone " + record.undone : (record.state || "applied");
            const canUndo = !record.undone && (record.state || "applied") === "applied";
            return h("tr", { "data-id": record.id },
                     h("td", {}, record.id), h("td", {}, record.time), h("td", {}, record.uid),
                     h("td", {}, state), h("td", {}, changedSteps(record)),
                     h("td", {}, canUndo
                         ? h("button", { type: "button", class: "secondary", "aria-label": `Undo plan ${record.id}`,
                                         onclick: event => undo(record.id, event.currentTarget) }, "Undo")
                         : ""));
        }));
    } catch (error) {
        showAlert($("history-error"), errorText(error));
    }
}

$("plan-file").addEventListener("change", async () => {
    const file = $("plan-file").files[0];
    if (!file)
        return;
    $("plan-text").value = await file.text();
    preview();
});
$("plan-text").addEventListener("input", () => { $("plan-apply").disabled = true; previewed = null });
$("plan-preview").addEventListener("click", preview);
$("plan-apply").addEventListener("click", apply);

export function show() { loadHistory() }
export function hide() {}
